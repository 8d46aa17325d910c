package io.pushcap.pipeline.decap;

import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.Packet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static io.pushcap.pipeline.decap.EncapDescriptor.*;

/**
 * Finds the innermost packet of an Ethernet frame and presents it as an Ethernet frame, so a
 * BPF filter sees the traffic inside tags, label stacks and tunnels. Repeatedly strips 802.1Q,
 * 802.1ad and pre-standard QinQ tags (any number), MPLS label stacks (IPv4, IPv6 or Ethernet
 * pseudowire payload), GRE (IP, Ethernet, MPLS payloads; checksum, key and sequence fields),
 * ERSPAN I/II/III and VXLAN, over IPv4 and IPv6 outer headers, until a packet with nothing left
 * to strip or {@link DecapOptions#maxDepth()} nested tunnels.
 *
 * <p>The result is always {@code MACs + ethertype + innermost packet}: the MACs of the innermost
 * Ethernet header, or, when IP is carried directly in GRE or MPLS, the MACs of the Ethernet
 * header that carries the tunnel; the ethertype of the innermost packet (from GRE's protocol
 * field, the MPLS payload's IP version, or the inner Ethernet header). The frame ends where the
 * innermost tunnel's payload ends (outer IP total length, UDP length) or, with no tunnel, at the
 * end of the frame. When that frame is already a contiguous part of the captured bytes (GRETAP,
 * VXLAN, ERSPAN without inner tags) the result views it in place; otherwise (tags, MPLS, GRE
 * carrying IP) it is built in a scratch buffer owned by this instance.
 *
 * <p>MPLS payload heuristic (no field says what follows the bottom label): first nibble 4 is IPv4,
 * 6 is IPv6, 1 is a pseudowire associated channel (not stripped); 0 is an Ethernet pseudowire
 * behind a control word when the ethertype at control word + 12 is one pushcap knows (IPv4, IPv6,
 * ARP, a tag, MPLS), else an Ethernet pseudowire without control word, as is any other nibble.
 * A pseudowire frame without control word whose destination MAC starts with nibble 4 or 6 is
 * therefore taken for IP (RFC 4385 recommends the control word for this reason).
 *
 * <p><b>Note:</b> not thread-safe: one instance per thread, reused for every packet, allocating
 * nothing per packet (the scratch buffer grows only for a larger frame than any before). Never
 * throws on packet content and never reads outside {@code [offset, offset + caplen)}: truncated
 * or invalid encapsulations stop decapsulation where they start, the frame decoded so far is
 * returned, and the reason is counted in {@link DecapCounters} with a warning at most once a minute.
 */
public final class Decapsulator {
    private static final Logger LOG = LoggerFactory.getLogger(Decapsulator.class);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final long WARN_INTERVAL_NANOS = 60_000_000_000L;
    private static final int INITIAL_SCRATCH = 16 * 1024;

    private final DecapOptions options;
    private final DecapCounters counters;
    private final long[] vxlanPorts = new long[1024];
    private final DecapResult result = new DecapResult();
    private MemorySegment scratch;
    private long lastWarn = System.nanoTime() - WARN_INTERVAL_NANOS;
    private long suppressed;

    // Per-packet walk state: positions are relative to the start of the captured frame.
    private MemorySegment seg;
    private long base;
    private int cap;
    private int end;
    private int mac;
    private int type;
    private int pos;
    private int layers;
    private int tunnels;
    private StopReason stop;

    public Decapsulator(DecapOptions options, DecapCounters counters) {
        this.options = options;
        this.counters = counters;
        for (int p : options.vxlanPorts()) {
            vxlanPorts[p >>> 6] |= 1L << (p & 63);
        }
        this.scratch = Arena.ofAuto().allocate(INITIAL_SCRATCH, 8);
    }

    public DecapOptions options() {
        return options;
    }

    /** The frame the output should receive: the decapsulated one under {@code WriteDecap}, else the captured one. */
    public Packet toWrite(Packet captured, DecapResult r) {
        return options.writeDecapsulated() ? r.packet() : captured;
    }

    /** Decapsulates {@code p}; the result is valid until the next call. */
    public DecapResult decapsulate(Packet p) {
        DecapResult r = result;
        if (p.linkType() != LinkType.ETHERNET) {
            return passThrough(p, StopReason.NOT_ETHERNET);
        }
        seg = p.segment();
        base = p.offset();
        cap = p.caplen();
        end = Math.max(p.wirelen(), cap);
        layers = 0;
        tunnels = 0;
        stop = StopReason.NONE;
        if (cap < ETH_HEADER_LENGTH) {
            return passThrough(p, StopReason.TRUNCATED);
        }
        mac = 0;
        type = u16(ETH_TYPE_OFFSET);
        pos = ETH_HEADER_LENGTH;
        while (step()) {
            // each step strips one layer or returns false
        }
        r.layers = layers;
        r.tunnels = tunnels;
        r.stop = stop;
        if (layers == 0) {
            r.packet.setFrom(p);
            r.copied = false;
        } else {
            emit(p);
            counters.decapsulated.increment();
            if (r.copied) {
                counters.copied.increment();
            }
        }
        if (stop != StopReason.NONE) {
            stopped(p);
        }
        seg = null;
        return r;
    }

    private DecapResult passThrough(Packet p, StopReason reason) {
        result.packet.setFrom(p);
        result.layers = 0;
        result.tunnels = 0;
        result.copied = false;
        result.stop = reason;
        stop = reason;
        stopped(p);
        seg = null;
        return result;
    }

    private void emit(Packet p) {
        int capEnd = Math.min(end, cap);
        DecapResult r = result;
        if (pos == mac + ETH_HEADER_LENGTH && u16(mac + ETH_TYPE_OFFSET) == type) {
            r.copied = false;
            r.packet.set(seg, base + mac, capEnd - mac, end - mac, p.timestampNanos(), LinkType.ETHERNET, p.interfaceId());
            return;
        }
        int tail = capEnd - pos;
        int len = ETH_HEADER_LENGTH + tail;
        if (scratch.byteSize() < len) {
            scratch = Arena.ofAuto().allocate(Long.highestOneBit((long) len) << 1, 8);
        }
        MemorySegment.copy(seg, base + mac, scratch, 0, ETH_MACS_LENGTH);
        scratch.set(U16, ETH_TYPE_OFFSET, (short) type);
        MemorySegment.copy(seg, base + pos, scratch, ETH_HEADER_LENGTH, tail);
        r.copied = true;
        r.packet.set(scratch, 0, len, ETH_HEADER_LENGTH + end - pos, p.timestampNanos(), LinkType.ETHERNET,
                p.interfaceId());
    }

    /** Strips the layer that {@link #type} announces at {@link #pos}; false when done or stopped. */
    private boolean step() {
        return switch (type) {
            case ETHERTYPE_VLAN, ETHERTYPE_QINQ, ETHERTYPE_QINQ_9100, ETHERTYPE_QINQ_9200 -> tag();
            case ETHERTYPE_MPLS, ETHERTYPE_MPLS_MULTICAST -> mpls();
            case ETHERTYPE_IPV4 -> ipv4();
            case ETHERTYPE_IPV6 -> ipv6();
            default -> false;
        };
    }

    private boolean tag() {
        if (!have(pos, TAG_LENGTH, end)) {
            return false;
        }
        type = u16(pos + TAG_NEXT_TYPE_OFFSET);
        pos += TAG_LENGTH;
        layers++;
        return true;
    }

    private boolean mpls() {
        if (tunnels >= options.maxDepth()) {
            return stopAt(StopReason.DEPTH_EXCEEDED);
        }
        int p = pos;
        do {
            if (!have(p, MPLS_ENTRY_LENGTH, end)) {
                return false;
            }
            p += MPLS_ENTRY_LENGTH;
        } while ((i32(p - MPLS_ENTRY_LENGTH) & MPLS_BOTTOM_OF_STACK) == 0);
        if (!have(p, 1, end)) {
            return false;
        }
        int nibble = u8(p) >>> 4;
        if (nibble == 4 || nibble == 6) {
            type = nibble == 4 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6;
            pos = p;
            return stripped();
        }
        if (nibble == 1) {
            return stopAt(StopReason.UNSUPPORTED);
        }
        if (nibble == 0 && fits(p + PW_CONTROL_WORD_LENGTH + ETH_TYPE_OFFSET, 2)
                && knownEtherType(u16(p + PW_CONTROL_WORD_LENGTH + ETH_TYPE_OFFSET))) {
            p += PW_CONTROL_WORD_LENGTH;
        }
        return ethernetAt(p, end);
    }

    private static boolean knownEtherType(int t) {
        return switch (t) {
            case ETHERTYPE_IPV4, ETHERTYPE_IPV6, ETHERTYPE_ARP, ETHERTYPE_VLAN, ETHERTYPE_QINQ, ETHERTYPE_QINQ_9100,
                 ETHERTYPE_QINQ_9200, ETHERTYPE_MPLS, ETHERTYPE_MPLS_MULTICAST -> true;
            default -> false;
        };
    }

    /** An inner Ethernet header at {@code p}, within {@code bound}: commits it as the current frame. */
    private boolean ethernetAt(int p, int bound) {
        if (!have(p, ETH_HEADER_LENGTH, bound)) {
            return false;
        }
        mac = p;
        type = u16(p + ETH_TYPE_OFFSET);
        pos = p + ETH_HEADER_LENGTH;
        end = bound;
        return stripped();
    }

    private boolean stripped() {
        layers++;
        tunnels++;
        return true;
    }

    private boolean ipv4() {
        int ip = pos;
        if (!fits(ip, IPV4_MIN_HEADER)) {
            return false;
        }
        int vihl = u8(ip);
        int ihl = (vihl & 0x0F) * 4;
        if ((vihl >>> 4) != 4 || ihl < IPV4_MIN_HEADER) {
            return false;
        }
        int proto = u8(ip + IPV4_PROTOCOL_OFFSET);
        boolean firstFragment = (u16(ip + IPV4_FRAGMENT_OFFSET) & 0x1FFF) == 0;
        if (!isTunnel(proto, ip + ihl, firstFragment)) {
            return false;
        }
        if ((u16(ip + IPV4_FRAGMENT_OFFSET) & IPV4_MF_OR_OFFSET_MASK) != 0) {
            return stopAt(StopReason.FRAGMENT);
        }
        int total = u16(ip + IPV4_TOTAL_LENGTH_OFFSET);
        if (total < ihl) {
            return stopAt(StopReason.MALFORMED);
        }
        int bound = Math.min(end, ip + total);
        return proto == IPPROTO_GRE ? gre(ip + ihl, bound) : vxlan(ip + ihl, bound);
    }

    private boolean ipv6() {
        int ip = pos;
        if (!fits(ip, IPV6_HEADER) || (u8(ip) >>> 4) != 6) {
            return false;
        }
        int next = u8(ip + IPV6_NEXT_HEADER_OFFSET);
        int p = ip + IPV6_HEADER;
        boolean fragment = false;
        boolean firstFragment = true;
        while (next == IPPROTO_HOPOPTS || next == IPPROTO_ROUTING || next == IPPROTO_DSTOPTS || next == IPPROTO_FRAGMENT) {
            if (!fits(p, 8)) {
                return false;
            }
            int following = u8(p);
            if (next == IPPROTO_FRAGMENT) {
                int fo = u16(p + 2);
                fragment |= (fo & 0xFFF9) != 0;
                firstFragment &= (fo & 0xFFF8) == 0;
                p += 8;
            } else {
                p += (u8(p + 1) + 1) * 8;
            }
            next = following;
        }
        if (!isTunnel(next, p, firstFragment)) {
            return false;
        }
        if (fragment) {
            return stopAt(StopReason.FRAGMENT);
        }
        int payload = u16(ip + IPV6_PAYLOAD_LENGTH_OFFSET);
        // Payload length 0 is a jumbogram (RFC 2675): no bound from this header.
        int bound = payload == 0 ? end : Math.min(end, ip + IPV6_HEADER + payload);
        if (p > bound) {
            return stopAt(StopReason.MALFORMED);
        }
        return next == IPPROTO_GRE ? gre(p, bound) : vxlan(p, bound);
    }

    /** GRE, or UDP to a VXLAN port (readable only in a first fragment): a tunnel to strip. */
    private boolean isTunnel(int proto, int l4, boolean firstFragment) {
        if (proto == IPPROTO_GRE) {
            return true;
        }
        if (proto != IPPROTO_UDP || !firstFragment || !fits(l4, UDP_DST_PORT_OFFSET + 2)) {
            return false;
        }
        int port = u16(l4 + UDP_DST_PORT_OFFSET);
        return (vxlanPorts[port >>> 6] & (1L << (port & 63))) != 0;
    }

    private boolean gre(int g, int bound) {
        if (tunnels >= options.maxDepth()) {
            return stopAt(StopReason.DEPTH_EXCEEDED);
        }
        if (!have(g, GRE_BASE_LENGTH, bound)) {
            return false;
        }
        int flags = u16(g);
        int proto = u16(g + GRE_PROTOCOL_OFFSET);
        if ((flags & GRE_VERSION_MASK) != 0 || (flags & GRE_FLAG_ROUTING) != 0) {
            return stopAt(StopReason.UNSUPPORTED);
        }
        int p = g + GRE_BASE_LENGTH + ((flags & GRE_FLAG_CHECKSUM) != 0 ? 4 : 0)
                + ((flags & GRE_FLAG_KEY) != 0 ? 4 : 0) + ((flags & GRE_FLAG_SEQUENCE) != 0 ? 4 : 0);
        if (!have(g, p - g, bound)) {
            return false;
        }
        switch (proto) {
            case ETHERTYPE_IPV4, ETHERTYPE_IPV6, ETHERTYPE_MPLS, ETHERTYPE_MPLS_MULTICAST -> {
                type = proto;
                pos = p;
                end = bound;
                return stripped();
            }
            case ETHERTYPE_TEB -> {
                return ethernetAt(p, bound);
            }
            case ETHERTYPE_ERSPAN_I_II -> {
                if ((flags & GRE_FLAG_SEQUENCE) == 0) {
                    return ethernetAt(p, bound);   // type I: no ERSPAN header
                }
                if (!have(p, ERSPAN2_HEADER, bound)) {
                    return false;
                }
                if ((u8(p) >>> 4) != ERSPAN_VERSION_II) {
                    return stopAt(StopReason.MALFORMED);
                }
                return ethernetAt(p + ERSPAN2_HEADER, bound);
            }
            case ETHERTYPE_ERSPAN_III -> {
                if (!have(p, ERSPAN3_HEADER, bound)) {
                    return false;
                }
                if ((u8(p) >>> 4) != ERSPAN_VERSION_III) {
                    return stopAt(StopReason.MALFORMED);
                }
                int w = u16(p + ERSPAN3_FLAGS_OFFSET);
                if (((w >>> ERSPAN3_FT_SHIFT) & ERSPAN3_FT_MASK) != 0) {
                    return stopAt(StopReason.UNSUPPORTED);
                }
                int sub = (w & ERSPAN3_FLAG_O) != 0 ? ERSPAN3_PLATFORM_SUBHEADER : 0;
                return ethernetAt(p + ERSPAN3_HEADER + sub, bound);
            }
            default -> {
                return stopAt(StopReason.UNSUPPORTED);
            }
        }
    }

    private boolean vxlan(int udp, int bound) {
        if (tunnels >= options.maxDepth()) {
            return stopAt(StopReason.DEPTH_EXCEEDED);
        }
        if (!have(udp, UDP_HEADER, bound)) {
            return false;
        }
        int udpLength = u16(udp + UDP_LENGTH_OFFSET);
        if (udpLength < UDP_HEADER + VXLAN_HEADER) {
            return stopAt(StopReason.MALFORMED);
        }
        int inner = Math.min(bound, udp + udpLength);
        int v = udp + UDP_HEADER;
        if (!have(v, VXLAN_HEADER, inner)) {
            return false;
        }
        if ((u8(v) & VXLAN_FLAG_I) == 0) {
            return stopAt(StopReason.MALFORMED);
        }
        return ethernetAt(v + VXLAN_HEADER, inner);
    }

    /** True when {@code n} bytes at {@code at} are captured and within {@code bound}; else records why not. */
    private boolean have(int at, int n, int bound) {
        if (at + n <= bound && at + n <= cap) {
            return true;
        }
        stop = at + n > bound || at + n > end ? StopReason.MALFORMED : StopReason.TRUNCATED;
        return false;
    }

    /** True when {@code n} bytes at {@code at} are captured and within the current frame; no verdict otherwise. */
    private boolean fits(int at, int n) {
        return at + n <= cap && at + n <= end;
    }

    private boolean stopAt(StopReason reason) {
        stop = reason;
        return false;
    }

    private void stopped(Packet p) {
        counters.stopped(stop);
        long now = System.nanoTime();
        if (stop == StopReason.NOT_ETHERNET || now - lastWarn < WARN_INTERVAL_NANOS) {
            suppressed++;
            return;
        }
        lastWarn = now;
        LOG.warn("decap: packet at {} ns ({} bytes) stopped after {} layer(s): {} ({} more such packets since the last warning)",
                p.timestampNanos(), p.caplen(), layers, stop, suppressed);
        suppressed = 0;
    }

    private int u8(int at) {
        return seg.get(ValueLayout.JAVA_BYTE, base + at) & 0xFF;
    }

    private int u16(int at) {
        return seg.get(U16, base + at) & 0xFFFF;
    }

    private int i32(int at) {
        return seg.get(I32, base + at);
    }
}
