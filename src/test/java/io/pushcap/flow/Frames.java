package io.pushcap.flow;

import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.Packet;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/** Hand-made frames for flow tests: Ethernet, VLAN tags, IPv4/IPv6 (with extension headers), TCP, UDP, ICMP, SCTP. */
public final class Frames {
    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int ICMP = 1;
    public static final int ICMPV6 = 58;
    public static final int SCTP = 132;
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;

    private Frames() {
    }

    public static byte[] addr(String a) {
        try {
            return InetAddress.getByName(a).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(a, e);
        }
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    /** Ethernet II with fixed MACs. */
    public static byte[] eth(int etherType, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + payload.length);
        b.put(new byte[]{0, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0x66, 0x77, (byte) 0x88, (byte) 0x99, (byte) 0xaa});
        b.putShort((short) etherType).put(payload);
        return b.array();
    }

    /** Ethernet with VLAN tags: pairs of (TPID, VID), outermost first. */
    public static byte[] ethTagged(int[] tags, int etherType, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + 2 * tags.length + payload.length);
        b.put(new byte[]{0, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0x66, 0x77, (byte) 0x88, (byte) 0x99, (byte) 0xaa});
        for (int i = 0; i < tags.length; i += 2) {
            b.putShort((short) tags[i]).putShort((short) tags[i + 1]);
        }
        b.putShort((short) etherType).put(payload);
        return b.array();
    }

    public static byte[] ipv4(String src, String dst, int proto, byte[] l4) {
        return ipv4(src, dst, proto, 64, 0, 0, l4);
    }

    /** IPv4 without options; {@code fragField} is the flags+offset word (0x2000 = MF, low 13 bits = offset/8). */
    public static byte[] ipv4(String src, String dst, int proto, int ttl, int tos, int fragField, byte[] l4) {
        ByteBuffer b = ByteBuffer.allocate(20 + l4.length);
        b.put((byte) 0x45).put((byte) tos).putShort((short) (20 + l4.length)).putShort((short) 1)
                .putShort((short) fragField).put((byte) ttl).put((byte) proto).putShort((short) 0)
                .put(addr(src)).put(addr(dst)).put(l4);
        byte[] a = b.array();
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += ((a[i] & 0xff) << 8) | (a[i + 1] & 0xff);
        }
        sum = (sum >>> 16) + (sum & 0xffff);
        sum += sum >>> 16;
        a[10] = (byte) (~sum >>> 8);
        a[11] = (byte) ~sum;
        return a;
    }

    public static byte[] ipv6(String src, String dst, int nextHeader, byte[] payload) {
        return ipv6(src, dst, nextHeader, 64, 0, payload);
    }

    public static byte[] ipv6(String src, String dst, int nextHeader, int hopLimit, int trafficClass, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(40 + payload.length);
        b.putInt((6 << 28) | (trafficClass << 20) | 0x12345).putShort((short) payload.length).put((byte) nextHeader)
                .put((byte) hopLimit).put(addr(src)).put(addr(dst)).put(payload);
        return b.array();
    }

    /** A generic IPv6 extension header (hop-by-hop, routing, destination options) of 8 * (1 + units) bytes. */
    public static byte[] ipv6Ext(int next, int units, byte[] rest) {
        byte[] h = new byte[8 * (1 + units)];
        h[0] = (byte) next;
        h[1] = (byte) units;
        return concat(h, rest);
    }

    /** IPv6 fragment header: offset in 8-byte units, M flag. */
    public static byte[] ipv6Frag(int next, int offsetUnits, boolean more, byte[] rest) {
        ByteBuffer b = ByteBuffer.allocate(8);
        b.put((byte) next).put((byte) 0).putShort((short) ((offsetUnits << 3) | (more ? 1 : 0))).putInt(0x1234);
        return concat(b.array(), rest);
    }

    public static byte[] tcp(int sport, int dport, int flags, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(20 + data.length);
        b.putShort((short) sport).putShort((short) dport).putInt(1).putInt(0).put((byte) (0x50 | (flags >>> 8)))
                .put((byte) flags).putShort((short) 1000).putInt(0).put(data);
        return b.array();
    }

    public static byte[] udp(int sport, int dport, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + data.length);
        b.putShort((short) sport).putShort((short) dport).putShort((short) (8 + data.length)).putShort((short) 0).put(data);
        return b.array();
    }

    public static byte[] icmp(int type, int code, byte[] rest) {
        ByteBuffer b = ByteBuffer.allocate(4 + rest.length);
        b.put((byte) type).put((byte) code).putShort((short) 0).put(rest);
        return b.array();
    }

    public static byte[] sctp(int sport, int dport) {
        ByteBuffer b = ByteBuffer.allocate(12);
        b.putShort((short) sport).putShort((short) dport).putInt(7).putInt(0);
        return b.array();
    }

    public static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        return b;
    }

    /** A packet view of an Ethernet frame. */
    public static Packet packet(byte[] frame, long tsNanos) {
        return packet(frame, tsNanos, LinkType.ETHERNET, 0);
    }

    public static Packet packet(byte[] frame, long tsNanos, int linkType, int ifIndex) {
        return new Packet().set(MemorySegment.ofArray(frame), 0, frame.length, frame.length, tsNanos, linkType, ifIndex);
    }
}
