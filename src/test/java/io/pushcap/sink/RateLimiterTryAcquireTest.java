package io.pushcap.sink;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/** {@link RateLimiter#tryAcquire(long)}: takes tokens only when the bucket holds them, never sleeps. */
class RateLimiterTryAcquireTest {
    @Test
    void shouldTakeTokensOnlyWhenTheBucketHoldsThemWhenTrying() throws InterruptedException {
        AtomicLong clock = new AtomicLong();
        RateLimiter r = new RateLimiter(1_000_000, clock::get, n -> fail("tryAcquire must not sleep"));
        long burst = r.burst();
        assertTrue(r.tryAcquire(burst), "a full bucket holds a burst");
        assertFalse(r.tryAcquire(1), "then it is empty");
        clock.addAndGet(1_000_000);   // 1 ms at 1 MB/s = 1000 bytes
        assertFalse(r.tryAcquire(1001));
        assertTrue(r.tryAcquire(1000));
        assertEquals(0, r.throttledNanos());
    }
}
