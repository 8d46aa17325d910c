package io.pushcap.sink.tap;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static io.pushcap.pipeline.decap.EncapDescriptor.*;

/**
 * Reads what tunnel headers need from a frame about to be sent: its outer 802.1Q tag (ERSPAN's
 * VLAN field), the IP TOS/traffic class (ERSPAN's COS) and a hash of its flow (VXLAN's UDP source
 * port). All reads stay within the frame's length; a field that is not there reads as -1 or 0.
 *
 * <p><b>Note:</b> stateless.
 */
final class InnerFrame {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private InnerFrame() {
    }

    /** The TCI of the frame's outer 802.1Q tag, or -1 when it has none. */
    static int vlanTci(MemorySegment s, long at, int length) {
        if (length >= ETH_HEADER_LENGTH + TAG_LENGTH && u16(s, at + ETH_TYPE_OFFSET) == ETHERTYPE_VLAN) {
            return u16(s, at + ETH_HEADER_LENGTH);
        }
        return -1;
    }

    /** Offset of the IP header after the MACs and tags (from {@code at}), or -1 when the frame carries no IP. */
    static int ipOffset(MemorySegment s, long at, int length) {
        int p = ETH_TYPE_OFFSET;
        while (p + 2 <= length && FrameEditor.isTag(u16(s, at + p))) {
            p += TAG_LENGTH;
        }
        if (p + 2 > length) {
            return -1;
        }
        int type = u16(s, at + p);
        return type == ETHERTYPE_IPV4 || type == ETHERTYPE_IPV6 ? p + 2 : -1;
    }

    /** IPv4 TOS or IPv6 traffic class of the IP packet at {@code ip}, or 0. */
    static int tos(MemorySegment s, long at, int length, int ip) {
        if (ip < 0 || ip + 2 > length) {
            return 0;
        }
        int b0 = u8(s, at + ip);
        if (b0 >>> 4 == 4) {
            return u8(s, at + ip + IPV4_TOS_OFFSET);
        }
        if (b0 >>> 4 == 6) {
            return (b0 & 0x0F) << 4 | u8(s, at + ip + 1) >>> 4;
        }
        return 0;
    }

    /**
     * A hash of the frame's flow: addresses, protocol and (TCP/UDP/SCTP, first fragment) ports of
     * the IP packet, or the MACs and ethertype when there is none. Packets of one flow hash alike,
     * so they keep one VXLAN source port and one path through ECMP networks.
     */
    static int flowHash(MemorySegment s, long at, int length) {
        int ip = ipOffset(s, at, length);
        int h = 0x9747b28c;
        if (ip >= 0 && ip + IPV4_MIN_HEADER <= length && u8(s, at + ip) >>> 4 == 4) {
            int ihl = (u8(s, at + ip) & 0x0F) * 4;
            int proto = u8(s, at + ip + IPV4_PROTOCOL_OFFSET);
            h = mix(h, s.get(I32, at + ip + IPV4_SRC_OFFSET));
            h = mix(h, s.get(I32, at + ip + IPV4_SRC_OFFSET + 4));
            h = mix(h, proto);
            boolean first = (u16(s, at + ip + IPV4_FRAGMENT_OFFSET) & 0x1FFF) == 0;
            if (first && hasPorts(proto) && ip + ihl + 4 <= length) {
                h = mix(h, s.get(I32, at + ip + ihl));
            }
        } else if (ip >= 0 && ip + IPV6_HEADER <= length && u8(s, at + ip) >>> 4 == 6) {
            for (int i = 0; i < 32; i += 4) {
                h = mix(h, s.get(I32, at + ip + IPV6_SRC_OFFSET + i));
            }
            int next = u8(s, at + ip + IPV6_NEXT_HEADER_OFFSET);
            h = mix(h, next);
            if (hasPorts(next) && ip + IPV6_HEADER + 4 <= length) {
                h = mix(h, s.get(I32, at + ip + IPV6_HEADER));
            }
        } else {
            for (int i = 0; i + 4 <= Math.min(ETH_MACS_LENGTH, length); i += 4) {
                h = mix(h, s.get(I32, at + i));
            }
            if (length >= ETH_HEADER_LENGTH) {
                h = mix(h, u16(s, at + ETH_TYPE_OFFSET));
            }
        }
        return finish(h);
    }

    private static boolean hasPorts(int proto) {
        return proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == 132;
    }

    // MurmurHash3's 32-bit block mix and finaliser: cheap, and spreads nearby addresses apart.
    private static int mix(int h, int k) {
        k *= 0xcc9e2d51;
        k = Integer.rotateLeft(k, 15);
        k *= 0x1b873593;
        h ^= k;
        h = Integer.rotateLeft(h, 13);
        return h * 5 + 0xe6546b64;
    }

    private static int finish(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        return h ^ h >>> 16;
    }

    private static int u8(MemorySegment s, long at) {
        return s.get(ValueLayout.JAVA_BYTE, at) & 0xFF;
    }

    private static int u16(MemorySegment s, long at) {
        return s.get(U16, at) & 0xFFFF;
    }
}
