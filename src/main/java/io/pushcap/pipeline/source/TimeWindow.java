package io.pushcap.pipeline.source;

import io.pushcap.PushcapException;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/**
 * A range of packet time [from, to) that an offline push is limited to ({@code --from},
 * {@code --to}, {@code --day}): packets outside it are skipped without being read by the targets,
 * and stored captures contribute only the chunks the index says may hold packets in it.
 *
 * @param fromNanos first ns included
 * @param toNanos   first ns excluded
 */
public record TimeWindow(long fromNanos, long toNanos) {
    public static final TimeWindow ALL = new TimeWindow(Long.MIN_VALUE, Long.MAX_VALUE);

    public TimeWindow {
        if (toNanos <= fromNanos) {
            throw new PushcapException("time range is empty: --to must be after --from");
        }
    }

    public boolean contains(long ns) {
        return ns >= fromNanos && ns < toNanos;
    }

    public boolean all() {
        return fromNanos == Long.MIN_VALUE && toNanos == Long.MAX_VALUE;
    }

    /** The calendar day {@code day} in {@code zone}. */
    public static TimeWindow day(LocalDate day, ZoneId zone) {
        return new TimeWindow(nanos(day.atStartOfDay(zone).toInstant().getEpochSecond()),
                nanos(day.plusDays(1).atStartOfDay(zone).toInstant().getEpochSecond()));
    }

    /**
     * Parses a point in time: epoch seconds with an optional fraction ({@code 1621849860.5}), an
     * ISO date-time with an offset ({@code 2021-05-24T06:00:00Z}), or a local one
     * ({@code 2021-05-24T06:00}, {@code 2021-05-24}) in {@code zone}.
     */
    public static long parse(String option, String value, ZoneId zone) {
        String v = value.strip();
        try {
            if (v.matches("\\d+(\\.\\d{1,9})?")) {
                return new BigDecimal(v).movePointRight(9).longValueExact();
            }
            if (v.matches("\\d{4}-\\d\\d-\\d\\d")) {
                return nanos(LocalDate.parse(v).atStartOfDay(zone).toInstant().getEpochSecond());
            }
            if (v.matches(".*(Z|[+-]\\d\\d:?\\d\\d)$")) {
                var i = OffsetDateTime.parse(v).toInstant();
                return nanos(i.getEpochSecond()) + i.getNano();
            }
            var i = LocalDateTime.parse(v).atZone(zone).toInstant();
            return nanos(i.getEpochSecond()) + i.getNano();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new PushcapException(option + " '" + value + "' (expected epoch seconds such as 1621849860.5, or"
                    + " 2021-05-24, 2021-05-24T06:00 in local time, or 2021-05-24T06:00:00Z)");
        }
    }

    private static long nanos(long seconds) {
        return Math.multiplyExact(seconds, 1_000_000_000L);
    }
}
