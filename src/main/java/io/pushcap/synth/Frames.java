package io.pushcap.synth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

import static io.pushcap.pipeline.decap.EncapDescriptor.*;

/**
 * Hand-crafted Ethernet frames for tests and benchmarks: plain IPv4/IPv6 TCP, UDP, ICMP and ARP
 * frames, and wrappers that tag, label or tunnel an existing frame. Every length and checksum is
 * exact; results are fresh arrays, the inputs are never modified.
 *
 * <pre>{@code
 * byte[] inner = Frames.ipv4Tcp("10.0.0.1", "10.0.0.2", 40000, 80, Frames.SYN, new byte[0]);
 * byte[] f = Frames.vxlan(Frames.Outer.v4("192.0.2.1", "192.0.2.2"), 42, Frames.vlan(inner, 100));
 * }</pre>
 *
 * <p><b>Note:</b> stateless and thread-safe; allocates freely (not for hot paths).
 */
public final class Frames {
    public static final int FIN = Headers.TCP_FIN;
    public static final int SYN = Headers.TCP_SYN;
    public static final int RST = Headers.TCP_RST;
    public static final int PSH = Headers.TCP_PSH;
    public static final int ACK = Headers.TCP_ACK;

    public static final byte[] MAC_A = mac("02:00:00:00:00:0a");
    public static final byte[] MAC_B = mac("02:00:00:00:00:0b");
    public static final byte[] BROADCAST = mac("ff:ff:ff:ff:ff:ff");

    private static final int HEADROOM = 512;
    private static final int[] NO_TAGS = new int[0];

    private Frames() {
    }

    /**
     * The outer Ethernet and IP headers of a tunnel.
     *
     * @param dstMac outer destination MAC
     * @param srcMac outer source MAC
     * @param srcIp  outer source address, 4 or 16 bytes
     * @param dstIp  outer destination address, same family
     * @param ttl    outer TTL / hop limit
     */
    public record Outer(byte[] dstMac, byte[] srcMac, byte[] srcIp, byte[] dstIp, int ttl) {
        /** MAC_A to MAC_B, TTL 64, between two IPv4 literals. */
        public static Outer v4(String src, String dst) {
            return new Outer(MAC_B, MAC_A, ip(src), ip(dst), 64);
        }

        /** MAC_A to MAC_B, hop limit 64, between two IPv6 literals. */
        public static Outer v6(String src, String dst) {
            return new Outer(MAC_B, MAC_A, ip(src), ip(dst), 64);
        }

        boolean v6() {
            return srcIp.length == 16;
        }
    }

    /** GRE options (RFC 2890): checksum, key, sequence number. */
    public record Gre(boolean checksum, boolean hasKey, int key, boolean hasSeq, int seq) {
        public static final Gre PLAIN = new Gre(false, false, 0, false, 0);

        public Gre withKey(int k) {
            return new Gre(checksum, true, k, hasSeq, seq);
        }

        public Gre withSeq(int s) {
            return new Gre(checksum, hasKey, key, true, s);
        }

        public Gre withChecksum() {
            return new Gre(true, hasKey, key, hasSeq, seq);
        }
    }

    public static byte[] mac(String s) {
        String[] parts = s.split(":");
        if (parts.length != 6) {
            throw new IllegalArgumentException("not a MAC address: " + s);
        }
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            b[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return b;
    }

    /** An IPv4 or IPv6 literal as 4 or 16 bytes (no name lookup). */
    public static byte[] ip(String literal) {
        if (!literal.matches("[0-9a-fA-F:.]+")) {
            throw new IllegalArgumentException("not an IP literal: " + literal);
        }
        try {
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP literal: " + literal, e);
        }
    }

    private static FrameBuffer payload(byte[] payload) {
        FrameBuffer f = new FrameBuffer(HEADROOM + payload.length + 64);
        f.reset(HEADROOM);
        f.append(payload, 0, payload.length);
        return f;
    }

    private static byte[] finish(FrameBuffer f) {
        f.padTo(60);
        return Arrays.copyOfRange(f.buf, f.start, f.end);
    }

    private static byte[] finishUnpadded(FrameBuffer f) {
        return Arrays.copyOfRange(f.buf, f.start, f.end);
    }

    private static int etherTypeOf(byte[] ip) {
        return ip.length == 16 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
    }

    /** Ethernet frame MAC_A to MAC_B carrying TCP over IPv4 or IPv6 (by the address literals), seq 1000, ack 2000. */
    public static byte[] ipTcp(String src, String dst, int sport, int dport, int flags, byte[] payload) {
        return ipTcp(src, dst, sport, dport, flags, 1000, 2000, payload);
    }

    /** Like {@link #ipTcp(String, String, int, int, int, byte[])} with explicit sequence and acknowledgement numbers. */
    public static byte[] ipTcp(String src, String dst, int sport, int dport, int flags, int seq, int ack, byte[] payload) {
        byte[] s = ip(src);
        byte[] d = ip(dst);
        FrameBuffer f = payload(payload);
        Headers.tcp(f, s, d, sport, dport, seq, (flags & ACK) != 0 ? ack : 0, flags, 65535,
                Headers.TCP_OPTS_NONE, 0, 0, 0);
        Headers.ip(f, s, d, IPPROTO_TCP, 64, 1, 0x12345);
        Headers.ethernet(f, MAC_B, MAC_A, NO_TAGS, etherTypeOf(s));
        return finish(f);
    }

    public static byte[] ipv4Tcp(String src, String dst, int sport, int dport, int flags, byte[] payload) {
        return ipTcp(src, dst, sport, dport, flags, payload);
    }

    public static byte[] ipv6Tcp(String src, String dst, int sport, int dport, int flags, byte[] payload) {
        return ipTcp(src, dst, sport, dport, flags, payload);
    }

    /** Ethernet frame MAC_A to MAC_B carrying UDP over IPv4 or IPv6 (by the address literals). */
    public static byte[] ipUdp(String src, String dst, int sport, int dport, byte[] payload) {
        byte[] s = ip(src);
        byte[] d = ip(dst);
        FrameBuffer f = payload(payload);
        Headers.udp(f, s, d, sport, dport, true);
        Headers.ip(f, s, d, IPPROTO_UDP, 64, 1, 0x12345);
        Headers.ethernet(f, MAC_B, MAC_A, NO_TAGS, etherTypeOf(s));
        return finish(f);
    }

    /** ICMP (IPv4) or ICMPv6 echo request with 56 bytes of payload. */
    public static byte[] icmpEcho(String src, String dst, int id, int seq) {
        byte[] s = ip(src);
        byte[] d = ip(dst);
        byte[] data = new byte[56];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        FrameBuffer f = payload(data);
        Headers.icmpEcho(f, s, d, true, id, seq);
        Headers.ip(f, s, d, s.length == 16 ? IPPROTO_ICMPV6 : IPPROTO_ICMP, 64, 1, 0);
        Headers.ethernet(f, MAC_B, MAC_A, NO_TAGS, etherTypeOf(s));
        return finish(f);
    }

    /** Broadcast ARP request from MAC_A: who has {@code target}, tell {@code sender}. */
    public static byte[] arpRequest(String sender, String target) {
        FrameBuffer f = payload(new byte[0]);
        Headers.arp(f, 1, MAC_A, ip(sender), new byte[6], ip(target));
        Headers.ethernet(f, BROADCAST, MAC_A, NO_TAGS, ETHERTYPE_ARP);
        return finish(f);
    }

    /** A frame of the given ethertype and payload. */
    public static byte[] ethernet(byte[] dst, byte[] src, int etherType, byte[] payload) {
        FrameBuffer f = payload(payload);
        Headers.ethernet(f, dst, src, NO_TAGS, etherType);
        return finishUnpadded(f);
    }

    /** A copy of {@code frame} with other MACs. */
    public static byte[] withMacs(byte[] frame, byte[] dst, byte[] src) {
        byte[] out = frame.clone();
        System.arraycopy(dst, 0, out, ETH_DST_OFFSET, 6);
        System.arraycopy(src, 0, out, ETH_SRC_OFFSET, 6);
        return out;
    }

    /** Inserts a tag (TPID {@code tpid}, VLAN id {@code vid}) as the outermost tag of {@code frame}. */
    public static byte[] tag(byte[] frame, int tpid, int vid) {
        byte[] out = new byte[frame.length + TAG_LENGTH];
        System.arraycopy(frame, 0, out, 0, ETH_MACS_LENGTH);
        out[12] = (byte) (tpid >>> 8);
        out[13] = (byte) tpid;
        out[14] = (byte) ((vid >>> 8) & 0x0F);
        out[15] = (byte) vid;
        System.arraycopy(frame, ETH_MACS_LENGTH, out, 16, frame.length - ETH_MACS_LENGTH);
        return out;
    }

    public static byte[] vlan(byte[] frame, int vid) {
        return tag(frame, ETHERTYPE_VLAN, vid);
    }

    /** 802.1ad: S-tag (0x88a8) {@code outerVid} around C-tag (0x8100) {@code innerVid}. */
    public static byte[] qinq(byte[] frame, int outerVid, int innerVid) {
        return tag(vlan(frame, innerVid), ETHERTYPE_QINQ, outerVid);
    }

    /** Offset of the ethertype that follows the MACs and every tag of {@code frame}. */
    public static int typeOffset(byte[] frame) {
        int p = ETH_TYPE_OFFSET;
        while (isTag(u16(frame, p))) {
            p += TAG_LENGTH;
        }
        return p;
    }

    /** The packet after the Ethernet header and tags (the IP packet of an IP frame). */
    public static byte[] l3(byte[] frame) {
        return Arrays.copyOfRange(frame, typeOffset(frame) + 2, frame.length);
    }

    /** The ethertype after the tags. */
    public static int etherType(byte[] frame) {
        return u16(frame, typeOffset(frame));
    }

    /** Ethernet/[tags]/IP to Ethernet/[tags]/MPLS(labels, outermost first)/IP. */
    public static byte[] mpls(byte[] frame, int... labels) {
        int t = typeOffset(frame);
        FrameBuffer f = payload(Arrays.copyOfRange(frame, t + 2, frame.length));
        Headers.mplsStack(f, labels, 64);
        f.put16(f.prepend(2), ETHERTYPE_MPLS);
        int p = f.prepend(t);
        System.arraycopy(frame, 0, f.buf, p, t);
        return finishUnpadded(f);
    }

    /** An Ethernet pseudowire: MPLS frame from {@code src} to {@code dst} carrying {@code inner}. */
    public static byte[] mplsPw(byte[] dst, byte[] src, boolean controlWord, byte[] inner, int... labels) {
        FrameBuffer f = payload(inner);
        if (controlWord) {
            Headers.pwControlWord(f, 7);
        }
        Headers.mplsStack(f, labels, 64);
        Headers.ethernet(f, dst, src, NO_TAGS, ETHERTYPE_MPLS);
        return finishUnpadded(f);
    }

    /** GRE over {@code outer} carrying {@code payload} with protocol type {@code protocol}. */
    public static byte[] gre(Outer outer, Gre gre, int protocol, byte[] payload) {
        FrameBuffer f = payload(payload);
        Headers.gre(f, protocol, gre.checksum(), gre.hasKey(), gre.key(), gre.hasSeq(), gre.seq());
        return outer(f, outer, IPPROTO_GRE);
    }

    /** GRE carrying the IP packet of {@code innerFrame}, protocol type from its ethertype. */
    public static byte[] greIp(Outer outer, Gre gre, byte[] innerFrame) {
        return gre(outer, gre, etherType(innerFrame), l3(innerFrame));
    }

    /** GRETAP (transparent Ethernet bridging, 0x6558) carrying {@code innerFrame}. */
    public static byte[] gretap(Outer outer, Gre gre, byte[] innerFrame) {
        return gre(outer, gre, ETHERTYPE_TEB, innerFrame);
    }

    /** ERSPAN type I: GRE 0x88be without sequence number, the frame right after GRE. */
    public static byte[] erspan1(Outer outer, byte[] innerFrame) {
        return gre(outer, Gre.PLAIN, ETHERTYPE_ERSPAN_I_II, innerFrame);
    }

    /** ERSPAN type II: GRE 0x88be with sequence number {@code seq}, 8-byte ERSPAN header. */
    public static byte[] erspan2(Outer outer, int session, int seq, byte[] innerFrame) {
        FrameBuffer f = payload(innerFrame);
        Headers.erspan2(f, 0, 0, session, seq);
        Headers.gre(f, ETHERTYPE_ERSPAN_I_II, false, false, 0, true, seq);
        return outer(f, outer, IPPROTO_GRE);
    }

    /** ERSPAN type III: GRE 0x22eb, 12-byte header, plus the 8-byte platform subheader when asked. */
    public static byte[] erspan3(Outer outer, int session, boolean platformSubheader, byte[] innerFrame) {
        FrameBuffer f = payload(innerFrame);
        Headers.erspan3(f, 0, 0, session, 123456, 0, 1, platformSubheader, 1, 42);
        Headers.gre(f, ETHERTYPE_ERSPAN_III, false, false, 0, true, 1);
        return outer(f, outer, IPPROTO_GRE);
    }

    /** VXLAN to UDP port 4789. */
    public static byte[] vxlan(Outer outer, int vni, byte[] innerFrame) {
        return vxlan(outer, VXLAN_PORT, vni, innerFrame);
    }

    public static byte[] vxlan(Outer outer, int port, int vni, byte[] innerFrame) {
        FrameBuffer f = payload(innerFrame);
        Headers.vxlan(f, vni);
        Headers.udp(f, outer.srcIp(), outer.dstIp(), 49152 + (vni & 0x3FFF), port, false);
        return outer(f, outer, IPPROTO_UDP);
    }

    private static byte[] outer(FrameBuffer f, Outer outer, int protocol) {
        Headers.ip(f, outer.srcIp(), outer.dstIp(), protocol, outer.ttl(), 7, 0);
        Headers.ethernet(f, outer.dstMac(), outer.srcMac(), NO_TAGS, outer.v6() ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4);
        return finishUnpadded(f);
    }

    /** The frame decapsulation should give for an IP packet found inside {@code carrier}: carrier's MACs, the IP ethertype, the packet. */
    public static byte[] synthetic(byte[] macsFrom, byte[] ipPacket) {
        byte[] out = new byte[ETH_HEADER_LENGTH + ipPacket.length];
        System.arraycopy(macsFrom, 0, out, 0, ETH_MACS_LENGTH);
        int type = (ipPacket[0] & 0xF0) == 0x60 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
        out[12] = (byte) (type >>> 8);
        out[13] = (byte) type;
        System.arraycopy(ipPacket, 0, out, ETH_HEADER_LENGTH, ipPacket.length);
        return out;
    }

    /** Concatenation helper for hand-written expectations. */
    public static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    static boolean isTag(int type) {
        return type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_9100 || type == ETHERTYPE_QINQ_9200;
    }

    private static int u16(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }
}
