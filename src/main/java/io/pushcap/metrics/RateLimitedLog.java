package io.pushcap.metrics;

import java.util.function.LongSupplier;

/**
 * Decides when a repeated problem is worth another log line: the first occurrence at once, then
 * at most one line per interval, telling how many occurrences the silence hid. The counter next
 * to it keeps the exact total; this only keeps logs readable (one line, not a flood of
 * "message too long").
 *
 * <pre>{@code
 * if (log.shouldLog()) LOG.error("... ({} more since the last message)", log.suppressed());
 * }</pre>
 *
 * <p><b>Note:</b> not thread-safe: one per drop point, used by its thread.
 */
public final class RateLimitedLog {
    private final long intervalNanos;
    private final LongSupplier clock;
    private long last;
    private boolean logged;
    private long hidden;
    private long suppressed;

    public RateLimitedLog(long intervalNanos) {
        this(intervalNanos, System::nanoTime);
    }

    public RateLimitedLog(long intervalNanos, LongSupplier clock) {
        this.intervalNanos = intervalNanos;
        this.clock = clock;
    }

    /** Call at every occurrence; true when this one should be logged. */
    public boolean shouldLog() {
        long now = clock.getAsLong();
        if (!logged || now - last >= intervalNanos) {
            logged = true;
            last = now;
            suppressed = hidden;
            hidden = 0;
            return true;
        }
        hidden++;
        return false;
    }

    /** After {@link #shouldLog()} returned true: occurrences not logged since the previous line. */
    public long suppressed() {
        return suppressed;
    }
}
