package io.pushcap.sink;

import io.pushcap.metrics.Counter;
import io.pushcap.pcap.Packet;

import java.io.IOException;
import java.io.InterruptedIOException;

/**
 * Applies a target's bandwidth cap ({@code MaxMbps}) to a packet sink (LXC, KAFKA): each packet's
 * captured bytes are taken from the target's {@link RateLimiter} before the packet is handed on,
 * so a capped push slows down instead of dropping, as a capped file target does.
 *
 * <p><b>Note:</b> used by the target's thread only; {@link #write} blocks (parks) while the
 * bucket is empty, and counts the time in {@code pushcap_sink_throttled_seconds_total}. An
 * interrupt while waiting ends the write with {@link InterruptedIOException}. Everything else is
 * the delegate's, unchanged. TAP applies its cap itself (with its batching), so it is not wrapped.
 */
public final class ThrottledPacketSink implements PacketSink {
    private final PacketSink delegate;
    private final RateLimiter limiter;
    private final Counter throttledNanos;

    public ThrottledPacketSink(PacketSink delegate, RateLimiter limiter, Counter throttledNanos) {
        this.delegate = delegate;
        this.limiter = limiter;
        this.throttledNanos = throttledNanos;
    }

    @Override
    public String kind() {
        return delegate.kind();
    }

    @Override
    public void write(Packet packet) throws IOException {
        long before = limiter.throttledNanos();
        try {
            // A packet larger than the bucket (a jumbo frame at a tiny cap) is paid in steps.
            for (long left = packet.caplen(); left > 0; left -= limiter.burst()) {
                limiter.acquire(Math.min(left, limiter.burst()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while held back by MaxMbps");
        } finally {
            throttledNanos.add(limiter.throttledNanos() - before);
        }
        delegate.write(packet);
    }

    @Override
    public void flush() throws IOException {
        delegate.flush();
    }

    @Override
    public void flush(SourceMark upTo) throws IOException {
        delegate.flush(upTo);
    }

    @Override
    public SourceMark committedMark() throws IOException {
        return delegate.committedMark();
    }

    @Override
    public void abort() {
        delegate.abort();
    }

    @Override
    public long packetsWritten() {
        return delegate.packetsWritten();
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
