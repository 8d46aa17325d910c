package io.pushcap.flow;

import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.Packet;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The meter's own L2-L4 parser: finds the flow key fields and per-packet measurements of one
 * packet without allocating. Link types: Ethernet (with up to four 802.1Q/802.1ad/QinQ tags, the
 * outer two kept), Linux cooked v1/v2, raw IP, BSD null/loop. Network: IPv4 (options, fragments)
 * and IPv6 (hop-by-hop, routing, fragment, destination options and AH extension headers).
 * Transport: TCP, UDP, SCTP, DCCP and UDP-Lite ports; TCP flags; ICMP and ICMPv6 type/code.
 *
 * <p>Fragments: only a first fragment (offset 0) carries the transport header, so a non-first
 * fragment is keyed with ports 0 and no ICMP type/code: it lands in its own flow (address pair
 * and protocol), as softflowd and most meters do, and is counted in {@link #fragment()}.
 *
 * <p>Octets are the IP packet length from its header (IPv4 total length, IPv6 40 + payload
 * length), as IPFIX octetDeltaCount defines them, not the captured or wire length; when the
 * header says 0 (TSO captures, jumbograms) the wire length minus the link header is used.
 *
 * <p><b>Note:</b> not thread-safe: one instance per meter thread, results valid until the next
 * {@link #dissect(Packet)}. Never throws on malformed input; it reports {@link #MALFORMED}.
 */
public final class PacketDissector {
    /** The packet is IPv4 or IPv6 and the key fields are filled. */
    public static final int IP = 0;
    /** Not an IP packet (ARP, LLC, MPLS, unknown link type): not metered. */
    public static final int NON_IP = 1;
    /** Claims to be IP but its IP header is cut short or invalid: not metered. */
    public static final int MALFORMED = 2;

    private static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong BE64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static final int ETH_IPV4 = 0x0800;
    private static final int ETH_IPV6 = 0x86dd;
    private static final int ETH_8021Q = 0x8100;
    private static final int ETH_8021AD = 0x88a8;
    private static final int ETH_QINQ_OLD = 0x9100;
    private static final int MAX_TAGS = 4;
    private static final int MAX_IPV6_EXTENSIONS = 8;

    private MemorySegment seg;
    private long base;
    private int caplen;

    private long srcHi;
    private long srcLo;
    private long dstHi;
    private long dstLo;
    private int ipVersion;
    private int protocol;
    private int srcPort;
    private int dstPort;
    private int icmpTypeCode;
    private int outerVlan;
    private int innerVlan;
    private long octets;
    private int tcpFlags;
    private int ttl;
    private int tos;
    private boolean fragment;
    private boolean truncated;

    /** Parses {@code p}; returns {@link #IP}, {@link #NON_IP} or {@link #MALFORMED}. */
    public int dissect(Packet p) {
        seg = p.segment();
        base = p.offset();
        caplen = p.caplen();
        outerVlan = 0;
        innerVlan = 0;
        return switch (p.linkType()) {
            case LinkType.ETHERNET -> ethernet(p.wirelen());
            case LinkType.LINUX_SLL -> caplen < 16 ? NON_IP : etherType(u16(14), 16, p.wirelen());
            case LinkType.LINUX_SLL2 -> caplen < 20 ? NON_IP : etherType(u16(0), 20, p.wirelen());
            case LinkType.RAW, LinkType.IPV4, LinkType.IPV6 -> rawIp(0, p.wirelen());
            case LinkType.NULL -> caplen < 4 ? NON_IP : family(seg.get(LE32, base), p.wirelen());
            case LinkType.LOOP -> caplen < 4 ? NON_IP : family(seg.get(BE32, base), p.wirelen());
            default -> NON_IP;
        };
    }

    private int ethernet(int wirelen) {
        if (caplen < 14) {
            return NON_IP;
        }
        return etherType(u16(12), 14, wirelen);
    }

    /** Walks VLAN tags from {@code off}, where {@code type} is the EtherType that led there. */
    private int etherType(int type, int off, int wirelen) {
        int tags = 0;
        while ((type == ETH_8021Q || type == ETH_8021AD || type == ETH_QINQ_OLD) && tags < MAX_TAGS) {
            if (caplen < off + 4) {
                return NON_IP;
            }
            int vid = u16(off) & 0x0fff;
            if (tags == 0) {
                outerVlan = vid;
            } else if (tags == 1) {
                innerVlan = vid;
            }
            type = u16(off + 2);
            off += 4;
            tags++;
        }
        return switch (type) {
            case ETH_IPV4 -> ipv4(off, wirelen);
            case ETH_IPV6 -> ipv6(off, wirelen);
            default -> NON_IP;
        };
    }

    private int family(int af, int wirelen) {
        return switch (af) {
            case 2 -> ipv4(4, wirelen);
            case 10, 24, 28, 30 -> ipv6(4, wirelen); // Linux, NetBSD/OpenBSD, FreeBSD, macOS AF_INET6
            default -> NON_IP;
        };
    }

    private int rawIp(int off, int wirelen) {
        if (caplen < off + 1) {
            return NON_IP;
        }
        return switch (u8(off) >>> 4) {
            case 4 -> ipv4(off, wirelen);
            case 6 -> ipv6(off, wirelen);
            default -> NON_IP;
        };
    }

    private int ipv4(int off, int wirelen) {
        if (caplen < off + 20) {
            return MALFORMED;
        }
        int vihl = u8(off);
        int ihl = (vihl & 0x0f) << 2;
        if ((vihl >>> 4) != 4 || ihl < 20 || caplen < off + ihl) {
            return MALFORMED;
        }
        int total = u16(off + 2);
        if (total != 0 && total < ihl) {
            return MALFORMED;
        }
        ipVersion = 4;
        octets = total != 0 ? total : Math.max(ihl, wirelen - off);
        tos = u8(off + 1);
        ttl = u8(off + 8);
        protocol = u8(off + 9);
        srcHi = 0;
        dstHi = 0;
        srcLo = seg.get(BE32, base + off + 12) & 0xffff_ffffL;
        dstLo = seg.get(BE32, base + off + 16) & 0xffff_ffffL;
        fragment = (u16(off + 6) & 0x1fff) != 0;
        clearTransport();
        if (!fragment) {
            transport(off + ihl, protocol == 1);
        }
        return IP;
    }

    private int ipv6(int off, int wirelen) {
        if (caplen < off + 40) {
            return MALFORMED;
        }
        int first = seg.get(BE32, base + off);
        if ((first >>> 28) != 6) {
            return MALFORMED;
        }
        ipVersion = 6;
        tos = (first >>> 20) & 0xff;
        int payload = u16(off + 4);
        octets = payload != 0 ? 40L + payload : Math.max(40, wirelen - off);
        int next = u8(off + 6);
        ttl = u8(off + 7);
        srcHi = seg.get(BE64, base + off + 8);
        srcLo = seg.get(BE64, base + off + 16);
        dstHi = seg.get(BE64, base + off + 24);
        dstLo = seg.get(BE64, base + off + 32);
        fragment = false;
        clearTransport();
        int p = off + 40;
        for (int i = 0; i < MAX_IPV6_EXTENSIONS; i++) {
            int len;
            switch (next) {
                case 0, 43, 60 -> len = caplen >= p + 2 ? (u8(p + 1) + 1) << 3 : -1; // hop-by-hop, routing, dest opts
                case 51 -> len = caplen >= p + 2 ? (u8(p + 1) + 2) << 2 : -1;          // AH
                case 44 -> {                                                       // fragment
                    if (caplen < p + 8) {
                        len = -1;
                    } else if ((u16(p + 2) & 0xfff8) != 0) {
                        protocol = u8(p);
                        fragment = true;
                        return IP;
                    } else {
                        len = 8;
                    }
                }
                default -> {
                    protocol = next;
                    transport(p, next == 58);
                    return IP;
                }
            }
            if (len < 0 || caplen < p + len) {
                protocol = next;
                truncated = true;
                return IP;
            }
            next = u8(p);
            p += len;
        }
        protocol = next;
        truncated = true;
        return IP;
    }

    private void clearTransport() {
        srcPort = 0;
        dstPort = 0;
        icmpTypeCode = 0;
        tcpFlags = 0;
        truncated = false;
    }

    private void transport(int off, boolean icmp) {
        int avail = caplen - off;
        if (icmp) {
            if (avail >= 2) {
                icmpTypeCode = u16(off);
            } else {
                truncated = true;
            }
            return;
        }
        switch (protocol) {
            case 6 -> {
                if (avail >= 14) {
                    srcPort = u16(off);
                    dstPort = u16(off + 2);
                    tcpFlags = ((u8(off + 12) & 0x01) << 8) | u8(off + 13);
                } else {
                    truncated = true;
                }
            }
            case 17, 132, 33, 136 -> { // UDP, SCTP, DCCP, UDP-Lite: ports first
                if (avail >= 4) {
                    srcPort = u16(off);
                    dstPort = u16(off + 2);
                } else {
                    truncated = true;
                }
            }
            default -> {
            }
        }
    }

    private int u8(int i) {
        return seg.get(ValueLayout.JAVA_BYTE, base + i) & 0xff;
    }

    private int u16(int i) {
        return seg.get(BE16, base + i) & 0xffff;
    }

    /** Upper 64 bits of the source address (0 for IPv4). */
    public long srcHi() {
        return srcHi;
    }

    /** Lower 64 bits of the source address (the IPv4 address, unsigned, for IPv4). */
    public long srcLo() {
        return srcLo;
    }

    public long dstHi() {
        return dstHi;
    }

    public long dstLo() {
        return dstLo;
    }

    /** 4 or 6. */
    public int ipVersion() {
        return ipVersion;
    }

    /** The upper-layer protocol (after IPv6 extension headers). */
    public int protocol() {
        return protocol;
    }

    public int srcPort() {
        return srcPort;
    }

    public int dstPort() {
        return dstPort;
    }

    /** ICMP or ICMPv6 type * 256 + code; 0 for other protocols. */
    public int icmpTypeCode() {
        return icmpTypeCode;
    }

    /** The first VLAN tag's id, 0 when untagged. */
    public int outerVlan() {
        return outerVlan;
    }

    /** The second (customer) VLAN tag's id, 0 without QinQ. */
    public int innerVlan() {
        return innerVlan;
    }

    /** IP header plus payload, from the IP header. */
    public long octets() {
        return octets;
    }

    /** TCP flags with NS in bit 8 (tcpControlBits, RFC 7125); 0 for other protocols. */
    public int tcpFlags() {
        return tcpFlags;
    }

    /** IPv4 TTL or IPv6 hop limit. */
    public int ttl() {
        return ttl;
    }

    /** IPv4 TOS byte or IPv6 traffic class. */
    public int tos() {
        return tos;
    }

    /** A non-first fragment: no transport header, ports 0. */
    public boolean fragment() {
        return fragment;
    }

    /** The transport (or an IPv6 extension) header was cut short: ports left 0. */
    public boolean truncated() {
        return truncated;
    }
}
