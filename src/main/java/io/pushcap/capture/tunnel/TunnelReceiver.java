package io.pushcap.capture.tunnel;

import io.pushcap.PushcapException;
import io.pushcap.capture.RingFrameWriter;
import io.pushcap.internal.ffm.Errno;
import io.pushcap.internal.ffm.LibSocket;
import io.pushcap.internal.net.NativeSocket;
import io.pushcap.internal.net.SockAddr;
import io.pushcap.internal.net.TunnelSpec;
import io.pushcap.internal.net.TunnelType;
import io.pushcap.metrics.MetricsRegistry;
import io.pushcap.metrics.RateLimitedLog;
import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.Packet;
import io.pushcap.pipeline.filter.BpfFilter;
import io.pushcap.ring.RingWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

import static io.pushcap.pipeline.decap.EncapDescriptor.ETH_HEADER_LENGTH;
import static io.pushcap.pipeline.decap.EncapDescriptor.ETH_MACS_LENGTH;
import static io.pushcap.pipeline.decap.EncapDescriptor.ETH_TYPE_OFFSET;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * {@code pushcap rx -E gretap|gre|erspan|vxlan ... RING}: receives a tap sent through a tunnel
 * and writes the inner frames into a ring. GRE types arrive on a raw IP socket of protocol 47
 * (bound to the local address when one is given, so only tunnels addressed to it), VXLAN on a
 * UDP socket bound to IP:PORT (default every address, port 4789); {@code -i} restricts either
 * to one interface ({@code SO_BINDTODEVICE}). The kernel reassembles fragmented tunnel packets
 * before they reach these sockets. Each datagram is decoded by {@link TunnelDecoder}; plain GRE's
 * IP packets get a synthetic Ethernet header (zero MACs, GRE's protocol as ethertype). Frames are
 * timestamped by the kernel on arrival ({@code SO_TIMESTAMPNS}) and stored with {@code -V}/
 * {@code -s} applied ({@link RingFrameWriter}), after the optional {@code -f} filter.
 *
 * <p>A raw socket gets a copy of every GRE packet for this host, whatever another program does
 * with it, so rx -E gretap and rx -E erspan can run side by side, each taking its own kind.
 *
 * <p><b>Note:</b> {@link #run()} blocks the calling thread (the ring's writer thread) until
 * {@link #stop()}, which any thread may call (noticed within 100 ms). Datagrams are received in
 * batches ({@code recvmmsg}) into memory owned by the receiver; nothing is allocated per packet.
 */
public final class TunnelReceiver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TunnelReceiver.class);
    private static final int BATCH = 32;
    private static final int POLL_MILLIS = 100;
    private static final long WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(60);

    /**
     * @param spec        tunnel type, local address (null: all IPv4 addresses), VXLAN port
     * @param key         keep only this key, VNI or session, or -1
     * @param iface       receive only on this interface, or null
     * @param vlan        -V for the stored frames, or -1
     * @param snaplen     -s for the stored frames, or 0
     * @param filter      BPF on the inner frames, or null
     * @param bufferBytes socket receive buffer
     */
    public record Options(TunnelSpec spec, long key, String iface, int vlan, int snaplen, String filter,
                          int bufferBytes) {
    }

    private final Options options;
    private final RingWriter writer;
    private final RingFrameWriter frames;
    private final TunnelCounters counters;
    private final TunnelDecoder decoder;
    private final Arena arena = Arena.ofShared();
    private final NativeSocket socket;
    private final ReceiveBatch batch;
    private final MemorySegment timespec;
    private final BpfFilter bpf;
    private final int ifIndex;
    private final RateLimitedLog dropLog = new RateLimitedLog(WARN_INTERVAL_NANOS);
    private final RateLimitedLog errorLog = new RateLimitedLog(WARN_INTERVAL_NANOS);
    private volatile boolean stopping;

    /**
     * Opens and binds the socket.
     *
     * @throws PushcapException when the interface does not exist, the address is not local, the
     *                          port is taken, or raw sockets are not allowed
     */
    public TunnelReceiver(Options o, RingWriter writer) {
        this.options = o;
        this.writer = writer;
        TunnelType type = o.spec().type();
        this.ifIndex = o.iface() == null ? 0 : NativeSocket.ifIndex(o.iface());
        if (o.iface() != null && ifIndex <= 0) {
            throw new PushcapException("rx -i " + o.iface() + ": no such interface (see `ip link`)");
        }
        InetAddress local = o.spec().address();
        boolean v6 = local instanceof Inet6Address;
        this.decoder = new TunnelDecoder(type, o.key(), type != TunnelType.VXLAN && !v6);
        this.counters = new TunnelCounters(MetricsRegistry.global(), type.label(), writer.ring().path().toString());
        this.frames = new RingFrameWriter(writer, o.vlan(), o.snaplen());
        this.bpf = o.filter() == null || o.filter().isBlank() ? null
                : BpfFilter.compile(o.filter(), LinkType.ETHERNET, 65535);
        try {
            this.socket = open(o, type, local, v6);
        } catch (RuntimeException e) {
            if (bpf != null) {
                bpf.close();
            }
            throw e;
        }
        this.batch = new ReceiveBatch(arena, BATCH);
        this.timespec = NativeSocket.timespec(arena);
        writer.declare(LinkType.ETHERNET, o.snaplen() > 0 ? o.snaplen() : 65535);
    }

    private NativeSocket open(Options o, TunnelType type, InetAddress local, boolean v6) {
        String what = "rx -E " + o.spec().text();
        int family = v6 ? LibSocket.AF_INET6 : LibSocket.AF_INET;
        NativeSocket s = type == TunnelType.VXLAN
                ? NativeSocket.open(family, LibSocket.SOCK_DGRAM, 0, what + ": UDP socket")
                : NativeSocket.open(family, LibSocket.SOCK_RAW, 47, what + ": raw GRE socket");
        try {
            if (o.iface() != null) {
                s.bindToDevice(o.iface());
            }
            s.setBuffer(false, o.bufferBytes());
            s.setInt(LibSocket.SOL_SOCKET, LibSocket.SO_TIMESTAMPNS, 1, "SO_TIMESTAMPNS");
            InetAddress bindTo = local != null ? local : Inet4Address.getByAddress(new byte[4]);
            if (type == TunnelType.VXLAN || local != null) {
                s.bind(SockAddr.ip(arena, bindTo, o.spec().port()), bindTo.getHostAddress()
                        + (type == TunnelType.VXLAN ? " port " + o.spec().port() : ""));
            }
            return s;
        } catch (java.net.UnknownHostException e) {
            s.close();
            throw new IllegalStateException(e);
        } catch (RuntimeException e) {
            s.close();
            arena.close();
            throw e;
        }
    }

    /** Receives into the ring until {@link #stop()}. */
    public void run() {
        LOG.info("rx {}: receiving {}{}{} into ring {}", options.spec().text(), options.spec().describe(),
                options.iface() != null ? " on " + options.iface() : "",
                options.key() >= 0 ? " " + options.spec().type().keyMeaning() + " " + options.key() + " only" : "",
                writer.ring().path());
        Packet p = new Packet();
        MemorySegment data = batch.data();
        int capacity = batch.capacity();
        // Read what the kernel holds first and wait only when it ran dry, with the same branches in a
        // burst and on an idle tunnel: a wait whose result decides a branch is never false in a
        // burst, so C2 made the idle path an uncommon trap and each burst's end deoptimised this
        // loop, as it did rx's (docs/store.md, "CPU per packet"). The socket never blocks
        // (MSG_DONTWAIT; nothing there reads as 0).
        while (!stopping) {
            int n = socket.recvmmsg(batch.messages(), capacity);
            int got = Math.max(n, 0);
            long now = LibSocket.realtimeNanos(timespec);
            for (int i = 0; i < got; i++) {
                deliver(p, data, i, now);
            }
            frames.publish();
            batch.rearm(got);
            if (n < 0) {
                recvFailed(n);
            }
            if (got < capacity) {
                socket.awaitReadable(POLL_MILLIS);
            }
        }
    }

    private void recvFailed(int n) {
        if (errorLog.shouldLog()) {
            LOG.warn("rx {}: recvmmsg: {} ({} more since the last message)", options.spec().text(),
                    Errno.describe(-n), errorLog.suppressed());
        }
    }

    private void deliver(Packet p, MemorySegment data, int i, long now) {
        counters.received.increment();
        long at = batch.offset(i);
        int verdict = batch.truncated(i) ? TunnelDecoder.TOO_SHORT : decoder.decode(data, at, batch.length(i));
        if (verdict != TunnelDecoder.OK) {
            dropped(verdict);
            return;
        }
        long frame = at + decoder.innerOffset();
        int length = decoder.innerLength();
        if (decoder.etherType() >= 0) {
            // The bytes in front of the IP packet (outer headers, or the slot's headroom) take the header.
            frame -= ETH_HEADER_LENGTH;
            length += ETH_HEADER_LENGTH;
            MemorySegment.copy(TunnelDecoder.SYNTHETIC_MACS, 0, data, JAVA_BYTE, frame, ETH_MACS_LENGTH);
            data.set(JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), frame + ETH_TYPE_OFFSET,
                    (short) decoder.etherType());
        }
        p.set(data, frame, length, length, batch.timestamp(i, now), LinkType.ETHERNET, ifIndex);
        if (bpf != null && !bpf.matches(p)) {
            counters.filtered.increment();
            return;
        }
        frames.write(p, ifIndex);
        counters.accepted.increment();
    }

    private void dropped(int verdict) {
        counters.dropped(verdict).increment();
        if (dropLog.shouldLog()) {
            LOG.warn("rx {}: dropped a datagram: {} ({} more drops since the last message; {})", options.spec().text(),
                    TunnelDecoder.reason(verdict), dropLog.suppressed(), counters.drops());
        }
    }

    /** Makes {@link #run()} return within 100 ms; safe from any thread. */
    public void stop() {
        stopping = true;
    }

    public TunnelCounters counters() {
        return counters;
    }

    @Override
    public void close() {
        socket.close();
        if (bpf != null) {
            bpf.close();
        }
        arena.close();
    }
}
