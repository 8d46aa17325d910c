package io.pushcap.flow;

import org.slf4j.Logger;

/**
 * Logs a warning at most once per interval and says how many were suppressed in between, so a
 * drop point that fires per packet cannot flood the log.
 *
 * <p><b>Note:</b> thread-safe enough for its purpose (a race may log one extra line).
 */
public final class WarnLimiter {
    private final Logger log;
    private final long intervalNanos;
    private volatile long nextNanos = Long.MIN_VALUE;
    private volatile long suppressed;

    public WarnLimiter(Logger log, long intervalNanos) {
        this.log = log;
        this.intervalNanos = intervalNanos;
    }

    /** Logs {@code message} unless one was logged less than the interval ago. */
    public void warn(String message) {
        long now = System.nanoTime();
        if (nextNanos != Long.MIN_VALUE && now - nextNanos < 0) {
            suppressed++;
            return;
        }
        nextNanos = now + intervalNanos;
        long s = suppressed;
        suppressed = 0;
        log.warn(s == 0 ? message : message + " (" + s + " similar warnings suppressed)");
    }
}
