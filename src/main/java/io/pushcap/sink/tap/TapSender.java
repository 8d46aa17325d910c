package io.pushcap.sink.tap;

import io.pushcap.PushcapException;
import io.pushcap.internal.ffm.Errno;
import io.pushcap.internal.net.TunnelType;
import io.pushcap.metrics.MetricsRegistry;
import io.pushcap.metrics.RateLimitedLog;
import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.Packet;
import io.pushcap.sink.RateLimiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Re-transmits packets as a tap: edits each one ({@link FrameEditor}), puts a tunnel header in
 * front ({@link Encapsulator}), and hands them to the kernel in batches ({@link Transmitter}), so
 * one system call sends up to {@link TapOptions#batch()} packets. Used by {@code pushcap tx} and
 * by push targets with {@code Mode = "TAP"} ({@link TapPacketSink}).
 *
 * <p>What cannot be sent is counted ({@link TapCounters}), never thrown: a packet too large for
 * the path gives one error line naming its size, the MTU and the two fixes (truncate with
 * {@code -s}, or turn the capturing NIC's offloads off), then at most one line per 10 s with the
 * number of drops in between. A full kernel queue (ENOBUFS) is retried, with backoff, for up to a
 * second per packet. A rate cap waits (token bucket), it never drops: the packets wait in the
 * ring the tap reads from.
 *
 * <p>Usage: {@link #send(Packet)} for each packet, {@link #cancelLast()} when the packet turned
 * out to be overwritten while copied (a zero-copy ring view), {@link #flush()} whenever the
 * source has nothing more for now.
 *
 * <p><b>Note:</b> not thread-safe: one thread sends. The packet's bytes are copied during
 * {@link #send}. {@link #flush()} throws {@link IOException} only when built with
 * {@code failOnLinkDown} and the interface or route is gone (a push target then retries);
 * otherwise such packets are counted as {@code link_down}.
 */
public final class TapSender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TapSender.class);
    /** Room for a batch of datagrams; a datagram can never exceed an IP packet (64 KiB). */
    private static final int BUFFER_BYTES = 1 << 20;
    private static final long ERROR_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long NOTICE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final long RETRY_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final TapOptions options;
    private final String prefix;
    private final Transmitter tx;
    private final Encapsulator encap;
    private final FrameEditor editor;
    private final SendBatch batch;
    private final MemorySegment data;
    private final TapCounters counters;
    private final RateLimiter limiter;
    private final boolean failOnLinkDown;
    private final boolean tunnel;
    private final int header;
    private final RateLimitedLog tooBigLog = new RateLimitedLog(ERROR_INTERVAL_NANOS);
    private final RateLimitedLog errorLog = new RateLimitedLog(ERROR_INTERVAL_NANOS);
    private final RateLimitedLog fragmentLog = new RateLimitedLog(NOTICE_INTERVAL_NANOS);
    private final RateLimitedLog skipLog = new RateLimitedLog(NOTICE_INTERVAL_NANOS);
    private boolean lastCommitted;
    private boolean lastTruncated;
    private long sent;
    private boolean closed;

    private TapSender(TapOptions o, Transmitter tx, Encapsulator encap, TapCounters counters, boolean failOnLinkDown) {
        this.options = o;
        this.prefix = "tap '" + o.name() + "': ";
        this.tx = tx;
        this.encap = encap;
        this.editor = new FrameEditor(o.tunnel() == TunnelType.GRE, o.vlan(), o.stripVlan(), o.snaplen());
        this.batch = tx.newBatch(o.batch(), BUFFER_BYTES);
        this.data = batch.data();
        this.counters = counters;
        this.limiter = o.maxMbps() > 0 ? RateLimiter.megabitsPerSecond(o.maxMbps()) : null;
        this.failOnLinkDown = failOnLinkDown;
        this.tunnel = o.encap() != null;
        this.header = encap.headerLength();
    }

    /**
     * Opens the sockets for {@code o} (validated first) and returns a sender.
     *
     * @param failOnLinkDown make {@link #flush()} throw when the interface or route is gone,
     *                       instead of counting the packets as {@code link_down}
     * @throws PushcapException when the interface does not exist, there is no route to the
     *                          endpoint, or the sockets cannot be opened (no CAP_NET_RAW)
     */
    public static TapSender open(TapOptions o, MetricsRegistry metrics, boolean failOnLinkDown) {
        String prefix = "tap '" + o.name() + "': ";
        TunnelType t = o.tunnel();
        Transmitter tx;
        if (t == null) {
            tx = new PacketSocketTransmitter(o.iface(), o.qdiscBypass(), prefix);
        } else if (t == TunnelType.VXLAN) {
            try {
                tx = new UdpTransmitter(o.encap().address(), o.encap().port(), o.dontFragment(), prefix);
            } catch (IOException e) {
                throw new PushcapException(prefix + "cannot open UDP sockets for VXLAN: " + e.getMessage(), e);
            }
        } else {
            tx = new RawIpTransmitter(o.encap().address(), o.iface(), o.dontFragment(), prefix);
        }
        Encapsulator e = t == null ? Encapsulator.NONE : switch (t) {
            case GRE -> new GreEncapsulator(false, o.key());
            case GRETAP -> new GreEncapsulator(true, o.key());
            case ERSPAN -> new ErspanEncapsulator(false, o.key());
            case ERSPAN3 -> new ErspanEncapsulator(true, o.key());
            case VXLAN -> new VxlanEncapsulator(o.key());
        };
        return new TapSender(o, tx, e, new TapCounters(metrics, o.name()), failOnLinkDown);
    }

    /**
     * Edits, encapsulates and queues {@code p}; may send the batch queued before it. Packets that
     * cannot be sent are counted and skipped.
     *
     * @throws InterruptedException while waiting for the rate cap or a full kernel queue
     * @throws IOException          when a send fails because the link is gone (failOnLinkDown only)
     */
    public void send(Packet p) throws InterruptedException, IOException {
        lastCommitted = false;
        int len = editor.plan(p);
        if (len < 0) {
            skipped(p, len);
            return;
        }
        int total = header + len;
        if (total > tx.sendLimit() || (tunnel && options.dontFragment() && total > tx.unfragmentedLimit())) {
            tooBig(total, len);
            return;
        }
        if (tunnel && total > tx.unfragmentedLimit()) {
            fragmented(total);
        }
        if (limiter != null) {
            throttle(total + tx.overhead());
        }
        long at = batch.reserve(total);
        if (at < 0) {
            flush();
            at = batch.reserve(total);
            if (at < 0) {
                tooBig(total, len);   // larger than the whole send buffer: no kernel path takes it
                return;
            }
        }
        editor.copy(p, data, at + header);
        int hash = encap.write(data, at, len, editor, p.timestampNanos());
        batch.commit(total, hash);
        lastTruncated = editor.truncated();
        if (lastTruncated) {
            counters.truncated.increment();
        }
        lastCommitted = true;
    }

    /**
     * Takes back the packet of the last {@link #send} (not sent yet: sending happens on a later
     * call), e.g. because the ring overwrote it while it was being copied. No-op when the last
     * packet was not queued.
     */
    public void cancelLast() {
        if (lastCommitted) {
            batch.cancelLast();
            encap.undo();
            if (lastTruncated) {
                counters.truncated.add(-1);
            }
            lastCommitted = false;
        }
    }

    /**
     * Sends everything queued. Retries a full kernel queue; counts every packet the kernel
     * refuses.
     */
    public void flush() throws InterruptedException, IOException {
        int n = batch.count();
        int from = 0;
        long retryStart = 0;
        long backoff = 10_000;
        try {
            while (from < n) {
                int r = tx.send(batch, from);
                if (r > 0) {
                    account(from, r);
                    from += r;
                    retryStart = 0;
                    backoff = 10_000;
                    continue;
                }
                int errno = -r;
                if (errno == Errno.ENOBUFS || errno == Errno.EAGAIN || errno == Errno.EINTR) {
                    long now = System.nanoTime();
                    if (retryStart == 0) {
                        retryStart = now;
                    }
                    if (now - retryStart < RETRY_LIMIT_NANOS) {
                        counters.retries.increment();
                        LockSupport.parkNanos(backoff);
                        backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
                        if (Thread.interrupted()) {
                            throw new InterruptedException();
                        }
                        continue;
                    }
                }
                refused(from, errno);
                from++;
                retryStart = 0;
            }
        } finally {
            batch.clear();
            lastCommitted = false;
        }
    }

    private void account(int from, int count) {
        long bytes = 0;
        for (int i = from; i < from + count; i++) {
            bytes += batch.length(i) - header;
        }
        counters.sentPackets.add(count);
        counters.sentBytes.add(bytes);
        sent += count;
    }

    private void refused(int i, int errno) throws IOException {
        int total = batch.length(i);
        if (errno == Errno.EMSGSIZE) {
            tooBig(total, total - header);
            return;
        }
        boolean down = errno == Errno.ENETDOWN || errno == Errno.ENXIO || errno == Errno.ENODEV
                || errno == Errno.ENETUNREACH || errno == Errno.EHOSTUNREACH;
        if (down && failOnLinkDown) {
            throw new IOException(prefix + "cannot send to " + tx.describe() + ": " + Errno.describe(errno));
        }
        (down ? counters.linkDown : counters.sendError).increment();
        if (errorLog.shouldLog()) {
            LOG.warn("{}the kernel refused a {}-byte packet to {}: {}; dropped ({} more since the last message;"
                            + " pushcap_tap_dropped_total{reason=\"{}\"} = {})", prefix, total, tx.describe(),
                    Errno.describe(errno), errorLog.suppressed(), down ? "link_down" : "send_error",
                    (down ? counters.linkDown : counters.sendError).get());
        }
    }

    private void tooBig(int total, int len) {
        counters.tooBig.increment();
        if (!tooBigLog.shouldLog()) {
            return;
        }
        int mtu = tx.refreshMtu();
        String fix = "-s " + Math.max(1, tx.unfragmentedLimit() - header) + " (Snaplen in push_pcap.lua)";
        String offloads = "turn offloads off on the capturing NIC so it stops merging packets into oversized ones:"
                + " ethtool -K IFACE gro off gso off tso off lro off";
        String what;
        if (!tunnel) {
            what = "a " + total + "-byte frame is too big for " + tx.describe() + " (MTU " + mtu + ": frames up to "
                    + (mtu + 14) + " bytes, " + (mtu + 18) + " with an 802.1Q tag)";
        } else {
            String parts = len + " bytes of packet + " + header + " of " + options.tunnel().label() + " header + "
                    + tx.overhead() + " of IP" + (options.tunnel() == TunnelType.VXLAN ? "/UDP" : "");
            what = "a " + (total + tx.overhead()) + "-byte " + options.tunnel().label() + " packet (" + parts
                    + ") is too big for the path to " + tx.describe() + " (MTU " + mtu
                    + (total > tx.sendLimit() ? "; an IP packet holds at most 65535 bytes even in fragments)"
                    : "; --dont-fragment forbids IP fragments)");
        }
        LOG.error("{}{}; dropped. Fix: truncate with {}, or {} ({} more since the last message;"
                        + " pushcap_tap_dropped_total{reason=\"too_big\"} = {})", prefix, what, fix, offloads,
                tooBigLog.suppressed(), counters.tooBig.get());
    }

    private void fragmented(int total) {
        counters.fragmented.increment();
        if (fragmentLog.shouldLog()) {
            LOG.warn("{}{}-byte {} packets exceed the path MTU {} to {} and go out as IP fragments (the receiver"
                            + " reassembles them); to avoid fragmenting, truncate with -s {}, raise the MTU, or drop"
                            + " them with --dont-fragment ({} more since the last message; pushcap_tap_fragmented_total = {})",
                    prefix, total + tx.overhead(), options.tunnel().label(), tx.unfragmentedLimit() + tx.overhead(),
                    tx.describe(), Math.max(1, tx.unfragmentedLimit() - header), fragmentLog.suppressed(),
                    counters.fragmented.get());
        }
    }

    private void skipped(Packet p, int why) {
        boolean notIp = why == FrameEditor.NOT_IP;
        (notIp ? counters.notIp : counters.notEthernet).increment();
        if (skipLog.shouldLog()) {
            if (notIp) {
                LOG.warn("{}gre carries IP packets only: dropped a frame of ethertype 0x{} (use gretap to send whole"
                                + " frames; {} more since the last message; pushcap_tap_dropped_total{reason=\"not_ip\"} = {})",
                        prefix, Integer.toHexString(editor.etherType()), skipLog.suppressed(), counters.notIp.get());
            } else {
                LOG.warn("{}dropped a {}-byte packet of link type {}: only Ethernet frames can be re-transmitted"
                                + " ({} more since the last message; pushcap_tap_dropped_total{reason=\"not_ethernet\"} = {})",
                        prefix, p.caplen(), LinkType.name(p.linkType()), skipLog.suppressed(), counters.notEthernet.get());
            }
        }
    }

    private void throttle(int bytes) throws InterruptedException, IOException {
        long n = Math.min(bytes, limiter.burst());
        if (!limiter.tryAcquire(n)) {
            // What is queued goes first, so the wait does not hold back packets already due.
            flush();
            limiter.acquire(n);
            counters.throttledNanos.set(limiter.throttledNanos());
        }
    }

    public TapCounters counters() {
        return counters;
    }

    public TapOptions options() {
        return options;
    }

    /** Packets this sender handed to the kernel. */
    public long sent() {
        return sent;
    }

    /** Where packets go, for logs: "vethA", "10.0.0.2:4789". */
    public String destination() {
        return tx.describe();
    }

    /** Test hook: the UDP source port a VXLAN datagram with this inner-flow hash uses, or -1. */
    int vxlanSourcePort(int hash) {
        return tx instanceof UdpTransmitter u ? u.portFor(hash) : -1;
    }

    /** Sends what is queued, then closes the sockets. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            tx.close();
        }
    }
}
