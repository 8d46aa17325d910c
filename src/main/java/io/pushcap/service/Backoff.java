package io.pushcap.service;

/**
 * Restart delays for a component that keeps failing: 1 s, doubling to a cap, back to the start
 * once a run lasted long enough to count as healthy. A restart loop therefore costs little and
 * a one-off failure is retried at once.
 *
 * <p><b>Note:</b> not thread-safe; owned by one supervising thread.
 */
public final class Backoff {
    private final long initialMillis;
    private final long maxMillis;
    private final long healthyMillis;
    private long next;

    public Backoff(long initialMillis, long maxMillis, long healthyMillis) {
        this.initialMillis = initialMillis;
        this.maxMillis = maxMillis;
        this.healthyMillis = healthyMillis;
        this.next = initialMillis;
    }

    /** The standard service backoff: 1 s doubling to 60 s, reset after a 60 s run. */
    public static Backoff standard() {
        return new Backoff(1_000, 60_000, 60_000);
    }

    /** The delay before the next start, given how long the run that just ended lasted. */
    public long delayAfter(long ranMillis) {
        if (ranMillis >= healthyMillis) {
            next = initialMillis;
        }
        long d = next;
        next = Math.min(maxMillis, next * 2);
        return d;
    }
}
