package io.pushcap.sink;

import io.pushcap.metrics.Counter;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;

/**
 * Caps the bytes per second written to the wrapped stream with a {@link RateLimiter}, writing in
 * burst-sized pieces; time spent waiting is added to a counter.
 *
 * <p><b>Note:</b> single-threaded, like the limiter. An interrupt while waiting becomes an
 * {@link InterruptedIOException} with the interrupt flag kept. Does not close the wrapped stream
 * on {@link #close()}: the sink owns it.
 */
public final class RateLimitedOutputStream extends FilterOutputStream {
    private final RateLimiter limiter;
    private final Counter throttledNanos;

    public RateLimitedOutputStream(OutputStream out, RateLimiter limiter, Counter throttledNanos) {
        super(out);
        this.limiter = limiter;
        this.throttledNanos = throttledNanos;
    }

    @Override
    public void write(int b) throws IOException {
        take(1);
        out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int step = (int) Math.min(Integer.MAX_VALUE, limiter.burst());
        while (len > 0) {
            int n = Math.min(step, len);
            take(n);
            out.write(b, off, n);
            off += n;
            len -= n;
        }
    }

    private void take(int n) throws InterruptedIOException {
        long before = limiter.throttledNanos();
        try {
            limiter.acquire(n);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the bandwidth cap");
        } finally {
            throttledNanos.add(limiter.throttledNanos() - before);
        }
    }

    @Override
    public void close() {
        // the sink closes its own stream on commit or abort
    }
}
