package io.pushcap.store;

import java.time.Instant;

/**
 * Wall-clock nanoseconds since the epoch, for timestamps the store writes (sealed-at, updated-at).
 *
 * <p><b>Note:</b> thread-safe (stateless).
 */
final class RecorderClock {
    private RecorderClock() {
    }

    static long wallNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
