package io.pushcap.flow;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a warning at most once per interval and says how many were suppressed in between, so a
 * drop point that fires per packet cannot flood the log.
 *
 * <p>The logger is looked up at the first warning: initialising logging costs a few hundred
 * milliseconds that a short offline run should not pay when nothing goes wrong.
 *
 * <p><b>Note:</b> thread-safe enough for its purpose (a race may log one extra line).
 */
public final class WarnLimiter {
    private final Class<?> owner;
    private final long intervalNanos;
    private volatile Logger log;
    private volatile long nextNanos = Long.MIN_VALUE;
    private volatile long suppressed;

    public WarnLimiter(Class<?> owner, long intervalNanos) {
        this.owner = owner;
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
        Logger l = log;
        if (l == null) {
            l = LoggerFactory.getLogger(owner);
            log = l;
        }
        l.warn(s == 0 ? message : message + " (" + s + " similar warnings suppressed)");
    }
}
