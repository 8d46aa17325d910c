package io.pushcap.pipeline;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter for failed splits: {@code initial * 2^attempt}, capped at
 * {@code max}, then multiplied by a random factor in [0.8, 1.2] so that many targets failing
 * together do not retry in lock step. {@code maxAttempts} of 0 retries for ever.
 */
public record RetryPolicy(long initialMillis, long maxMillis, int maxAttempts) {
    public static final RetryPolicy DEFAULT = new RetryPolicy(500, 30_000, 0);

    public long delayMillis(int attempt) {
        long base = initialMillis << Math.min(attempt, 20);
        long capped = Math.min(maxMillis, base);
        return (long) (capped * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
    }

    public boolean exhausted(int attempts) {
        return maxAttempts > 0 && attempts >= maxAttempts;
    }
}
