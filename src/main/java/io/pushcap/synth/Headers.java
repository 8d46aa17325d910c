package io.pushcap.synth;

import static io.pushcap.pipeline.decap.EncapDescriptor.*;

/**
 * Writers for each protocol header, prepending to a {@link FrameBuffer} whose bytes already hold
 * everything the header covers, so lengths and checksums are exact. Addresses are byte arrays of
 * 4 (IPv4) or 16 (IPv6) bytes and 6 (MAC).
 *
 * <p><b>Note:</b> stateless and thread-safe; allocation-free.
 */
final class Headers {
    static final int TCP_FIN = 0x01;
    static final int TCP_SYN = 0x02;
    static final int TCP_RST = 0x04;
    static final int TCP_PSH = 0x08;
    static final int TCP_ACK = 0x10;

    /** TCP options: none (20-byte header). */
    static final int TCP_OPTS_NONE = 0;
    /** MSS, SACK permitted, timestamps, window scale (40-byte header), as on SYN and SYN-ACK. */
    static final int TCP_OPTS_SYN = 1;
    /** NOP, NOP, timestamps (32-byte header), as on established segments. */
    static final int TCP_OPTS_TS = 2;

    private Headers() {
    }

    /** Prepends the ethertype and the tags (outermost first in {@code tags}: TPID<<16 | TCI). */
    static void ethertypeAndTags(FrameBuffer f, int[] tags, int etherType) {
        f.put16(f.prepend(2), etherType);
        for (int i = tags.length - 1; i >= 0; i--) {
            f.put32(f.prepend(TAG_LENGTH), tags[i]);
        }
    }

    /** Prepends the two MACs; returns their position. */
    static int macs(FrameBuffer f, byte[] dst, byte[] src) {
        int p = f.prepend(ETH_MACS_LENGTH);
        f.put(p, dst);
        f.put(p + 6, src);
        return p;
    }

    static int ethernet(FrameBuffer f, byte[] dst, byte[] src, int[] tags, int etherType) {
        ethertypeAndTags(f, tags, etherType);
        return macs(f, dst, src);
    }

    static void ipv4(FrameBuffer f, byte[] src, byte[] dst, int protocol, int ttl, int id, boolean dontFragment, int tos) {
        int p = f.prepend(IPV4_MIN_HEADER);
        int total = f.length();
        f.put8(p, 0x45);
        f.put8(p + 1, tos);
        f.put16(p + 2, total);
        f.put16(p + 4, id);
        f.put16(p + 6, dontFragment ? 0x4000 : 0);
        f.put8(p + 8, ttl);
        f.put8(p + 9, protocol);
        f.put16(p + 10, 0);
        f.put(p + 12, src);
        f.put(p + 16, dst);
        f.put16(p + 10, Checksums.finish(Checksums.add(f.buf, p, IPV4_MIN_HEADER, 0)));
    }

    static void ipv6(FrameBuffer f, byte[] src, byte[] dst, int nextHeader, int hopLimit, int flowLabel, int trafficClass) {
        int payload = f.length();
        int p = f.prepend(IPV6_HEADER);
        f.put32(p, (6 << 28) | ((trafficClass & 0xff) << 20) | (flowLabel & 0xFFFFF));
        f.put16(p + 4, payload);
        f.put8(p + 6, nextHeader);
        f.put8(p + 7, hopLimit);
        f.put(p + 8, src);
        f.put(p + 24, dst);
    }

    /** IPv4 or IPv6 by the address length. */
    static void ip(FrameBuffer f, byte[] src, byte[] dst, int protocol, int ttl, int id, int flowLabel) {
        if (src.length == 4) {
            ipv4(f, src, dst, protocol, ttl, id, protocol == IPPROTO_TCP || protocol == IPPROTO_UDP, 0);
        } else {
            ipv6(f, src, dst, protocol, ttl, flowLabel, 0);
        }
    }

    static void udp(FrameBuffer f, byte[] srcIp, byte[] dstIp, int sport, int dport, boolean checksum) {
        int p = f.prepend(UDP_HEADER);
        int len = f.length();
        f.put16(p, sport);
        f.put16(p + 2, dport);
        f.put16(p + 4, len);
        f.put16(p + 6, 0);
        if (checksum || srcIp.length == 16) {
            long acc = Checksums.pseudoHeader(srcIp, dstIp, IPPROTO_UDP, len);
            int c = Checksums.finish(Checksums.add(f.buf, p, len, acc));
            f.put16(p + 6, c == 0 ? 0xFFFF : c);
        }
    }

    static void tcp(FrameBuffer f, byte[] srcIp, byte[] dstIp, int sport, int dport, int seq, int ack, int flags,
                    int window, int options, int tsVal, int tsEcr, int mss) {
        int optLen = switch (options) {
            case TCP_OPTS_SYN -> 20;
            case TCP_OPTS_TS -> 12;
            default -> 0;
        };
        int p = f.prepend(20 + optLen);
        int len = f.length();
        f.put16(p, sport);
        f.put16(p + 2, dport);
        f.put32(p + 4, seq);
        f.put32(p + 8, (flags & TCP_ACK) != 0 ? ack : 0);
        f.put8(p + 12, ((20 + optLen) / 4) << 4);
        f.put8(p + 13, flags);
        f.put16(p + 14, window);
        f.put16(p + 16, 0);
        f.put16(p + 18, 0);
        int o = p + 20;
        if (options == TCP_OPTS_SYN) {
            f.put8(o, 2);               // MSS
            f.put8(o + 1, 4);
            f.put16(o + 2, mss);
            f.put8(o + 4, 4);           // SACK permitted
            f.put8(o + 5, 2);
            writeTimestamps(f, o + 6, tsVal, tsEcr);
            f.put8(o + 16, 1);          // NOP
            f.put8(o + 17, 3);          // window scale 7
            f.put8(o + 18, 3);
            f.put8(o + 19, 7);
        } else if (options == TCP_OPTS_TS) {
            f.put8(o, 1);
            f.put8(o + 1, 1);
            writeTimestamps(f, o + 2, tsVal, tsEcr);
        }
        long acc = Checksums.pseudoHeader(srcIp, dstIp, IPPROTO_TCP, len);
        f.put16(p + 16, Checksums.finish(Checksums.add(f.buf, p, len, acc)));
    }

    private static void writeTimestamps(FrameBuffer f, int o, int tsVal, int tsEcr) {
        f.put8(o, 8);
        f.put8(o + 1, 10);
        f.put32(o + 2, tsVal);
        f.put32(o + 6, tsEcr);
    }

    /** ICMP (IPv4, when {@code srcIp} is null or 4 bytes) or ICMPv6 echo request/reply. */
    static void icmpEcho(FrameBuffer f, byte[] srcIp, byte[] dstIp, boolean request, int id, int seq) {
        int p = f.prepend(8);
        int len = f.length();
        boolean v6 = srcIp != null && srcIp.length == 16;
        f.put8(p, v6 ? (request ? 128 : 129) : (request ? 8 : 0));
        f.put8(p + 1, 0);
        f.put16(p + 2, 0);
        f.put16(p + 4, id);
        f.put16(p + 6, seq);
        long acc = v6 ? Checksums.pseudoHeader(srcIp, dstIp, IPPROTO_ICMPV6, len) : 0;
        f.put16(p + 2, Checksums.finish(Checksums.add(f.buf, p, len, acc)));
    }

    static void arp(FrameBuffer f, int op, byte[] sha, byte[] spa, byte[] tha, byte[] tpa) {
        int p = f.prepend(28);
        f.put16(p, 1);
        f.put16(p + 2, ETHERTYPE_IPV4);
        f.put8(p + 4, 6);
        f.put8(p + 5, 4);
        f.put16(p + 6, op);
        f.put(p + 8, sha);
        f.put(p + 14, spa);
        f.put(p + 18, tha);
        f.put(p + 24, tpa);
    }

    static void mplsLabel(FrameBuffer f, int label, int tc, boolean bottom, int ttl) {
        f.put32(f.prepend(MPLS_ENTRY_LENGTH), (label << 12) | ((tc & 7) << 9) | (bottom ? MPLS_BOTTOM_OF_STACK : 0) | (ttl & 0xff));
    }

    /** MPLS labels, outermost first; the last gets the bottom-of-stack bit. */
    static void mplsStack(FrameBuffer f, int[] labels, int ttl) {
        for (int i = labels.length - 1; i >= 0; i--) {
            mplsLabel(f, labels[i], 0, i == labels.length - 1, ttl);
        }
    }

    /** The RFC 4385 pseudowire control word: first nibble 0, flags 0, sequence number. */
    static void pwControlWord(FrameBuffer f, int seq) {
        f.put32(f.prepend(PW_CONTROL_WORD_LENGTH), seq & 0xFFFF);
    }

    static void gre(FrameBuffer f, int protocol, boolean checksum, boolean hasKey, int key, boolean hasSeq, int seq) {
        if (hasSeq) {
            f.put32(f.prepend(4), seq);
        }
        if (hasKey) {
            f.put32(f.prepend(4), key);
        }
        if (checksum) {
            f.put32(f.prepend(4), 0);
        }
        int p = f.prepend(GRE_BASE_LENGTH);
        f.put16(p, (checksum ? GRE_FLAG_CHECKSUM : 0) | (hasKey ? GRE_FLAG_KEY : 0) | (hasSeq ? GRE_FLAG_SEQUENCE : 0));
        f.put16(p + 2, protocol);
        if (checksum) {
            f.put16(p + 4, Checksums.finish(Checksums.add(f.buf, p, f.length(), 0)));
        }
    }

    static void vxlan(FrameBuffer f, int vni) {
        int p = f.prepend(VXLAN_HEADER);
        f.put32(p, VXLAN_FLAG_I << 24);
        f.put32(p + 4, vni << 8);
    }

    static void erspan2(FrameBuffer f, int vlan, int cos, int session, int index) {
        int p = f.prepend(ERSPAN2_HEADER);
        f.put16(p, (ERSPAN_VERSION_II << 12) | (vlan & 0xFFF));
        // COS, En = 3 (trunk: original tag kept in the frame), T = 0, session
        f.put16(p + 2, ((cos & 7) << 13) | (3 << 11) | (session & 0x3FF));
        f.put32(p + 4, index & 0xFFFFF);
    }

    static void erspan3(FrameBuffer f, int vlan, int cos, int session, int timestamp, int sgt, int hwId,
                        boolean platformSubheader, int platformId, int portId) {
        if (platformSubheader) {
            int s = f.prepend(ERSPAN3_PLATFORM_SUBHEADER);
            // Platf ID 0x1 layout: 6-bit platform id, 26 reserved, then 32-bit port id/index.
            f.put32(s, (platformId & 0x3F) << 26);
            f.put32(s + 4, portId);
        }
        int p = f.prepend(ERSPAN3_HEADER);
        f.put16(p, (ERSPAN_VERSION_III << 12) | (vlan & 0xFFF));
        f.put16(p + 2, ((cos & 7) << 13) | (session & 0x3FF));
        f.put32(p + 4, timestamp);
        f.put16(p + 8, sgt);
        // P=0, FT=0 (Ethernet), Hw ID, D=0, Gra=1 (100 us), O
        f.put16(p + 10, ((hwId & 0x3F) << 4) | (1 << 1) | (platformSubheader ? ERSPAN3_FLAG_O : 0));
    }
}
