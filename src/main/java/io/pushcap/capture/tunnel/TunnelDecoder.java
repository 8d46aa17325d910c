package io.pushcap.capture.tunnel;

import io.pushcap.internal.net.TunnelType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static io.pushcap.pipeline.decap.EncapDescriptor.*;

/**
 * Finds the tapped frame inside a received tunnel datagram, or says why there is none. Input is
 * what the socket gives: for GRE types on IPv4 the whole IP packet (raw sockets include the IPv4
 * header), on IPv6 the GRE header onward; for VXLAN the UDP payload. Headers are those of
 * {@link io.pushcap.pipeline.decap.EncapDescriptor}.
 *
 * <ul>
 *   <li>gretap: GRE protocol 0x6558; the payload is the frame.</li>
 *   <li>gre: GRE protocol 0x0800 or 0x86DD; the payload is an IP packet, which the receiver
 *       gives a synthetic Ethernet header ({@link #SYNTHETIC_MACS}).</li>
 *   <li>erspan (any of erspan/erspan3): GRE 0x88BE without sequence number (type I, no header),
 *       0x88BE with one (type II, 8-byte header, version 1) or 0x22EB (type III, 12-byte header,
 *       version 2, frame type 0, plus 8 bytes when O is set).</li>
 *   <li>vxlan: the 8-byte header with the I flag; the frame follows.</li>
 * </ul>
 * With a key, only datagrams carrying it pass: the GRE key (K flag required), the ERSPAN session
 * ID (type I has none), the VNI.
 *
 * <p>Verdicts: {@link #OK}, {@link #WRONG_KEY}, {@link #MALFORMED} (impossible header values:
 * IP version, header length, GRE routing, ERSPAN version, VXLAN without the I flag),
 * {@link #TOO_SHORT} (the datagram ends before its headers or the frame's own header),
 * {@link #NOT_TUNNEL} (a valid datagram of something else: another GRE protocol or version,
 * ERSPAN frame types other than Ethernet).
 *
 * <p><b>Note:</b> not thread-safe: a flyweight whose fields describe the last datagram decoded.
 * Never reads outside {@code [offset, offset + length)}.
 */
public final class TunnelDecoder {
    public static final int OK = 0;
    public static final int WRONG_KEY = 1;
    public static final int MALFORMED = 2;
    public static final int TOO_SHORT = 3;
    public static final int NOT_TUNNEL = 4;

    /**
     * Plain GRE carries IP packets without an Ethernet header; the ring stores Ethernet frames, so
     * each gets the header Decapsulator gives IP found in GRE, MACs + ethertype (GRE's protocol
     * field) + packet. Decapsulator takes the MACs of the Ethernet header that carried the tunnel;
     * a raw IP socket never sees that header, so both MACs are zero here.
     */
    public static final byte[] SYNTHETIC_MACS = new byte[ETH_MACS_LENGTH];

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final TunnelType type;
    private final long key;
    private final boolean ipHeaderIncluded;

    private MemorySegment seg;
    private long base;
    private int innerOffset;
    private int innerLength;
    private int etherType;

    /**
     * @param key              keep only this key/session/VNI, or -1 for all
     * @param ipHeaderIncluded true for IPv4 raw sockets (the datagram starts with the IPv4 header)
     */
    public TunnelDecoder(TunnelType type, long key, boolean ipHeaderIncluded) {
        this.type = type == TunnelType.ERSPAN3 ? TunnelType.ERSPAN : type;
        this.key = key;
        this.ipHeaderIncluded = ipHeaderIncluded;
    }

    /** Decodes the datagram of {@code length} bytes at {@code offset}; returns a verdict. */
    public int decode(MemorySegment s, long offset, int length) {
        seg = s;
        base = offset;
        try {
            return type == TunnelType.VXLAN ? vxlan(length) : ip(length);
        } finally {
            seg = null;
        }
    }

    private int ip(int length) {
        int p = 0;
        int end = length;
        if (ipHeaderIncluded) {
            if (length < IPV4_MIN_HEADER) {
                return TOO_SHORT;
            }
            int vihl = u8(0);
            int ihl = (vihl & 0x0F) * 4;
            if (vihl >>> 4 != 4 || ihl < IPV4_MIN_HEADER) {
                return MALFORMED;
            }
            int total = u16(IPV4_TOTAL_LENGTH_OFFSET);
            if (total < ihl) {
                return MALFORMED;
            }
            if (length < ihl || total > length) {
                return TOO_SHORT;
            }
            if (u8(IPV4_PROTOCOL_OFFSET) != IPPROTO_GRE) {
                return NOT_TUNNEL;
            }
            p = ihl;
            end = total;
        }
        return gre(p, end);
    }

    private int gre(int g, int end) {
        if (end - g < GRE_BASE_LENGTH) {
            return TOO_SHORT;
        }
        int flags = u16(g);
        int proto = u16(g + GRE_PROTOCOL_OFFSET);
        if ((flags & GRE_VERSION_MASK) != 0) {
            return NOT_TUNNEL;   // version 1 is PPTP's enhanced GRE
        }
        if ((flags & GRE_FLAG_ROUTING) != 0) {
            return MALFORMED;    // RFC 2784 deprecated source routing
        }
        boolean hasKey = (flags & GRE_FLAG_KEY) != 0;
        boolean hasSeq = (flags & GRE_FLAG_SEQUENCE) != 0;
        int keyAt = g + GRE_BASE_LENGTH + ((flags & GRE_FLAG_CHECKSUM) != 0 ? GRE_OPTION_LENGTH : 0);
        int p = keyAt + (hasKey ? GRE_OPTION_LENGTH : 0) + (hasSeq ? GRE_OPTION_LENGTH : 0);
        if (p > end) {
            return TOO_SHORT;
        }
        return switch (type) {
            case GRETAP -> proto != ETHERTYPE_TEB ? NOT_TUNNEL : greKey(hasKey, keyAt) ? frame(p, end) : WRONG_KEY;
            case GRE -> proto != ETHERTYPE_IPV4 && proto != ETHERTYPE_IPV6 ? NOT_TUNNEL
                    : greKey(hasKey, keyAt) ? ipPacket(p, end, proto) : WRONG_KEY;
            default -> erspan(proto, hasSeq, p, end);
        };
    }

    private boolean greKey(boolean hasKey, int at) {
        return key < 0 || (hasKey && (i32(at) & 0xFFFF_FFFFL) == key);
    }

    private int erspan(int proto, boolean hasSeq, int p, int end) {
        if (proto == ETHERTYPE_ERSPAN_I_II && !hasSeq) {
            return key >= 0 ? WRONG_KEY : frame(p, end);    // type I: no header, no session ID
        }
        if (proto == ETHERTYPE_ERSPAN_I_II) {
            if (end - p < ERSPAN2_HEADER) {
                return TOO_SHORT;
            }
            if (u8(p) >>> 4 != ERSPAN_VERSION_II) {
                return MALFORMED;
            }
            return session(p) ? frame(p + ERSPAN2_HEADER, end) : WRONG_KEY;
        }
        if (proto == ETHERTYPE_ERSPAN_III) {
            if (end - p < ERSPAN3_HEADER) {
                return TOO_SHORT;
            }
            if (u8(p) >>> 4 != ERSPAN_VERSION_III) {
                return MALFORMED;
            }
            int w = u16(p + ERSPAN3_FLAGS_OFFSET);
            if ((w >>> ERSPAN3_FT_SHIFT & ERSPAN3_FT_MASK) != 0) {
                return NOT_TUNNEL;
            }
            int inner = p + ERSPAN3_HEADER + ((w & ERSPAN3_FLAG_O) != 0 ? ERSPAN3_PLATFORM_SUBHEADER : 0);
            if (inner > end) {
                return TOO_SHORT;
            }
            return session(p) ? frame(inner, end) : WRONG_KEY;
        }
        return NOT_TUNNEL;
    }

    private boolean session(int p) {
        return key < 0 || (u16(p + ERSPAN_SESSION_WORD_OFFSET) & ERSPAN_SESSION_MASK) == key;
    }

    private int vxlan(int length) {
        if (length < VXLAN_HEADER) {
            return TOO_SHORT;
        }
        if ((u8(0) & VXLAN_FLAG_I) == 0) {
            return MALFORMED;
        }
        if (key >= 0 && (i32(VXLAN_VNI_OFFSET) >>> 8) != key) {
            return WRONG_KEY;
        }
        return frame(VXLAN_HEADER, length);
    }

    private int frame(int p, int end) {
        if (end - p < ETH_HEADER_LENGTH) {
            return TOO_SHORT;
        }
        innerOffset = p;
        innerLength = end - p;
        etherType = -1;
        return OK;
    }

    private int ipPacket(int p, int end, int proto) {
        if (end - p < 1) {
            return TOO_SHORT;
        }
        int version = u8(p) >>> 4;
        if (version != (proto == ETHERTYPE_IPV4 ? 4 : 6)) {
            return MALFORMED;
        }
        innerOffset = p;
        innerLength = end - p;
        etherType = proto;
        return OK;
    }

    /** After {@link #OK}: where the frame (or, for gre, the IP packet) starts, from the datagram's start. */
    public int innerOffset() {
        return innerOffset;
    }

    public int innerLength() {
        return innerLength;
    }

    /** After {@link #OK} on gre: the IP packet's ethertype for the synthetic header; -1 for a frame. */
    public int etherType() {
        return etherType;
    }

    public static String reason(int verdict) {
        return switch (verdict) {
            case OK -> "ok";
            case WRONG_KEY -> "wrong_key";
            case MALFORMED -> "malformed";
            case TOO_SHORT -> "too_short";
            case NOT_TUNNEL -> "not_tunnel";
            default -> "unknown";
        };
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
