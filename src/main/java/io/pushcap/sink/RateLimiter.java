package io.pushcap.sink;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * A token bucket of bytes: {@link #acquire(long)} returns at once while the bucket holds enough
 * tokens and otherwise sleeps (parks; no busy wait) until the refill at {@code bytesPerSecond}
 * covers the request. The bucket holds at most {@link #burst()} bytes, a tenth of a second of
 * traffic and at least 64 KiB, so an idle period never turns into a long line-rate burst.
 *
 * <p><b>Note:</b> not thread-safe: one per target, used by its thread (a per-target cap).
 * Requests larger than the burst are served in burst-sized steps by the caller
 * ({@link RateLimitedOutputStream}). The time spent sleeping is counted in {@link #throttledNanos()}.
 */
public final class RateLimiter {
    /** Sleeps for the given nanoseconds; replaceable so tests need no real time. */
    public interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    private static final Sleeper PARK = nanos -> {
        LockSupport.parkNanos(nanos);
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
    };

    private final double bytesPerNano;
    private final long burst;
    private final LongSupplier clock;
    private final Sleeper sleeper;
    private double tokens;
    private long last;
    private long throttledNanos;

    public RateLimiter(double bytesPerSecond) {
        this(bytesPerSecond, System::nanoTime, PARK);
    }

    public RateLimiter(double bytesPerSecond, LongSupplier clock, Sleeper sleeper) {
        if (!(bytesPerSecond > 0)) {
            throw new IllegalArgumentException("rate must be positive, got " + bytesPerSecond);
        }
        this.bytesPerNano = bytesPerSecond / 1e9;
        this.burst = Math.max(64 * 1024, (long) (bytesPerSecond / 10));
        this.clock = clock;
        this.sleeper = sleeper;
        this.last = clock.getAsLong();
        this.tokens = burst;
    }

    /** A limiter for a cap in megabits per second (10^6 bits). */
    public static RateLimiter megabitsPerSecond(double mbps) {
        return new RateLimiter(mbps * 1e6 / 8);
    }

    public long burst() {
        return burst;
    }

    /** Takes {@code n} (at most {@link #burst()}) bytes' worth of tokens, sleeping as needed. */
    public void acquire(long n) throws InterruptedException {
        if (n > burst) {
            throw new IllegalArgumentException("request " + n + " exceeds burst " + burst);
        }
        refill();
        while (tokens < n) {
            long wait = (long) Math.ceil((n - tokens) / bytesPerNano);
            long t0 = clock.getAsLong();
            sleeper.sleep(Math.max(wait, 1000));
            throttledNanos += clock.getAsLong() - t0;
            refill();
        }
        tokens -= n;
    }

    /**
     * Takes {@code n} bytes' worth of tokens if the bucket holds them now; never sleeps. Lets a
     * caller that batches send what it holds before it waits in {@link #acquire(long)}.
     */
    public boolean tryAcquire(long n) {
        refill();
        if (tokens < n) {
            return false;
        }
        tokens -= n;
        return true;
    }

    private void refill() {
        long now = clock.getAsLong();
        tokens = Math.min(burst, tokens + (now - last) * bytesPerNano);
        last = now;
    }

    /** Total time {@link #acquire(long)} slept. */
    public long throttledNanos() {
        return throttledNanos;
    }
}
