package io.pushcap.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Lets a library's repeated warnings through once per interval: the first of each kind at once,
 * then at most one every {@code intervalSeconds} (default 30) while it keeps repeating.
 *
 * <p>Why: with a broker down, Kafka's clients warn "Connection to node -1 ... could not be
 * established" about once a second per client, for as long as it lasts: a dead broker at start-up
 * printed 30 such lines before pushcap's own one-line error, and an hour's outage would print
 * thousands. pushcap's own messages say what it does about it (retries, back-off) and are never
 * filtered here.
 *
 * <p>A kind is the logger and the message pattern (its {@code {}} placeholders unfilled), so
 * "node 1" and "node 2" count as one. Only loggers under {@code prefix} are limited, and only
 * below ERROR.
 *
 * <p><b>Note:</b> thread-safe; configured from logback.xml ({@code <prefix>},
 * {@code <intervalSeconds>}). It remembers at most {@value #MAX_KINDS} kinds; past that it lets
 * everything through rather than grow.
 */
public final class RepeatedWarningFilter extends TurboFilter {
    static final int MAX_KINDS = 1024;

    private final ConcurrentHashMap<String, Long> lastPassed = new ConcurrentHashMap<>();
    private final LongSupplier clock;
    private String prefix = "org.apache.kafka";
    private long intervalNanos = TimeUnit.SECONDS.toNanos(30);

    public RepeatedWarningFilter() {
        this(System::nanoTime);
    }

    RepeatedWarningFilter(LongSupplier clock) {
        this.clock = clock;
    }

    /** Logger name prefix whose warnings are limited. */
    public void setPrefix(String prefix) {
        this.prefix = prefix;
    }

    public void setIntervalSeconds(long seconds) {
        this.intervalNanos = TimeUnit.SECONDS.toNanos(seconds);
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (level == null || format == null || level.isGreaterOrEqual(Level.ERROR)
                || !logger.getName().startsWith(prefix) || !level.isGreaterOrEqual(logger.getEffectiveLevel())) {
            return FilterReply.NEUTRAL;
        }
        String kind = logger.getName() + '\u0000' + format;
        long now = clock.getAsLong();
        Long last = lastPassed.get(kind);
        if (last != null && now - last < intervalNanos) {
            return FilterReply.DENY;
        }
        if (last == null && lastPassed.size() >= MAX_KINDS) {
            return FilterReply.NEUTRAL;
        }
        // Two threads may both pass the same kind at the same instant: one line too many, never one lost.
        lastPassed.put(kind, now);
        return FilterReply.NEUTRAL;
    }
}
