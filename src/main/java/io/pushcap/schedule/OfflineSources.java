package io.pushcap.schedule;

import io.pushcap.PushcapException;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The sources a one-shot run pushes ({@code Offline} of a schedule), for one fire time:
 * {@code ${DAY}} in a source becomes the day that ended before the fire ({@code yyyyMMdd}, the
 * service's time zone: a run at 00:05 pushes the previous day), {@code ${FIRE}} the fire time in
 * epoch seconds; the word {@code day} alone stands for the capture store's captures of that day.
 *
 * <p>The store is not part of this build yet: {@link #storeDay} is the one place that resolves
 * {@code day} to capture names (or a time range) once it lands; until then {@code day} is
 * refused when the configuration is loaded ({@link #problem}).
 *
 * <p><b>Note:</b> stateless and thread-safe.
 */
public final class OfflineSources {
    public static final String DAY = "day";
    private static final DateTimeFormatter YMD = DateTimeFormatter.BASIC_ISO_DATE;

    private OfflineSources() {
    }

    /** What is wrong with a schedule's Offline list on this build, or null. */
    public static String problem(List<String> offline) {
        if (offline.contains(DAY)) {
            return "'day' needs the capture store, which is not part of this build; name files or directories"
                    + " instead, e.g. Offline = { \"store/${DAY}\" } (${DAY}: the day that ended, yyyyMMdd)";
        }
        return null;
    }

    /** The sources for a run due at {@code fire}. */
    public static List<String> expand(List<String> offline, Instant fire, ZoneId zone) {
        LocalDate day = fire.atZone(zone).toLocalDate().minusDays(1);
        List<String> out = new ArrayList<>();
        for (String s : offline) {
            if (s.equals(DAY)) {
                out.addAll(storeDay(day));
            } else {
                out.add(s.replace("${DAY}", day.format(YMD)).replace("${FIRE}", Long.toString(fire.getEpochSecond())));
            }
        }
        return out;
    }

    /** The store's captures that hold packets of {@code day}: wired when the store lands. */
    static List<String> storeDay(LocalDate day) {
        throw new PushcapException("Offline 'day' (" + day + "): the capture store is not part of this build");
    }
}
