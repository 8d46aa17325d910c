package io.pushcap.sink;

import io.pushcap.metrics.Counter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The token bucket on a simulated clock: sleeping advances time, so no real time is measured. */
class RateLimiterTest {
    private long now;

    private RateLimiter limiter(double bytesPerSecond) {
        return new RateLimiter(bytesPerSecond, () -> now, nanos -> now += nanos);
    }

    @Test
    void shouldSleepForDeficitWhenBucketIsEmpty() throws Exception {
        RateLimiter r = limiter(1_000_000); // burst = 100 kB
        r.acquire(100_000); // the full bucket
        assertEquals(0, r.throttledNanos());
        r.acquire(50_000); // needs 50 ms of refill
        assertEquals(50_000_000, r.throttledNanos(), 1_000);
    }

    @Test
    void shouldAverageToCapWhenManyBytesAreWritten() throws IOException {
        RateLimiter r = limiter(125_000); // 1 Mbit/s
        Counter throttled = new Counter("t", "t");
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        byte[] data = new byte[10_000_000];
        data[123] = 7;
        long start = now;
        try (RateLimitedOutputStream out = new RateLimitedOutputStream(sink, r, throttled)) {
            out.write(data);
        }
        assertArrayEquals(data, sink.toByteArray());
        double seconds = (now - start) / 1e9;
        // 10 MB at 125 kB/s is 80 s, less the initial full bucket
        double expected = (10_000_000 - r.burst()) / 125_000.0;
        assertEquals(expected, seconds, 0.01);
        assertEquals(now - start, throttled.get(), 1_000_000);
    }

    @Test
    void shouldRefillButNotBeyondBurstWhenIdle() throws Exception {
        RateLimiter r = limiter(1_000_000);
        r.acquire(100_000);
        now += 10_000_000_000L; // 10 s idle: bucket refills to the burst only
        r.acquire(100_000);
        assertEquals(0, r.throttledNanos());
        r.acquire(100_000);
        assertTrue(r.throttledNanos() >= 99_000_000L, "a second burst must wait for the refill");
    }

    @Test
    void shouldRefuseWhenRateIsNotPositive() {
        assertThrows(IllegalArgumentException.class, () -> new RateLimiter(0));
        assertEquals(100_000, RateLimiter.megabitsPerSecond(8).burst(), "8 Mbit/s = 1 MB/s: a tenth of a second");
        assertEquals(64 * 1024, RateLimiter.megabitsPerSecond(1).burst(), "at least 64 KiB");
    }
}
