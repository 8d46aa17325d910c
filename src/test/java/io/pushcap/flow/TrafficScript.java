package io.pushcap.flow;

import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.PcapWriter;
import io.pushcap.pcap.TimestampPrecision;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.pushcap.flow.Frames.*;

/**
 * Builds a small mixed capture (TCP sessions with SYN/FIN, UDP, ICMP, IPv6 with extension headers,
 * VLAN, QinQ, IPv4 fragments) and, independently of the meter, what each flow key must total:
 * packets and IP octets, counted from the parameters the frames are made from.
 */
public final class TrafficScript {
    /** "proto src sport dst dport vlan" as nfdump reports it (ICMP: "type.code" in the port places). */
    public record Totals(long packets, long octets) {
        Totals plus(long octets) {
            return new Totals(packets + 1, this.octets + octets);
        }
    }

    private record Frame(long ts, byte[] bytes) {
    }

    private final List<Frame> frames = new ArrayList<>();
    private final Map<String, Totals> expected = new TreeMap<>();
    private final long t0;

    public TrafficScript(long t0Nanos) {
        this.t0 = t0Nanos;
    }

    public Map<String, Totals> expected() {
        return expected;
    }

    public int frameCount() {
        return frames.size();
    }

    private void add(long ts, byte[] frame, String key, long ipLength) {
        frames.add(new Frame(ts, frame));
        expected.merge(key, new Totals(1, ipLength), (a, b) -> a.plus(ipLength));
    }

    private static String key(int proto, String src, int sport, String dst, int dport, int vlan) {
        return proto + " " + src + " " + sport + " " + dst + " " + dport + " " + vlan;
    }

    private byte[] l2(int[] tags, boolean v6, byte[] ip) {
        return tags.length == 0 ? eth(v6 ? 0x86dd : 0x0800, ip) : ethTagged(tags, v6 ? 0x86dd : 0x0800, ip);
    }

    /** A TCP session: handshake, {@code data} exchanges, FIN both ways, last ACK. */
    public void tcpSession(String c, int cport, String s, int sport, int data, long startMs, int[] tags) {
        boolean v6 = c.indexOf(':') >= 0;
        int vlan = tags.length == 0 ? 0 : tags[1] & 0xfff;
        long t = t0 + startMs * 1_000_000L;
        List<int[]> steps = new ArrayList<>(); // direction (0 c->s), flags, payload
        steps.add(new int[]{0, SYN, 0});
        steps.add(new int[]{1, SYN | ACK, 0});
        steps.add(new int[]{0, ACK, 0});
        for (int i = 0; i < data; i++) {
            steps.add(new int[]{0, PSH | ACK, 20 + (i * 37) % 400});
            steps.add(new int[]{1, PSH | ACK, 100 + (i * 131) % 1300});
        }
        steps.add(new int[]{0, FIN | ACK, 0});
        steps.add(new int[]{1, FIN | ACK, 0});
        steps.add(new int[]{0, ACK, 0});
        for (int[] st : steps) {
            boolean up = st[0] == 0;
            String src = up ? c : s;
            String dst = up ? s : c;
            int sp = up ? cport : sport;
            int dp = up ? sport : cport;
            byte[] seg = tcp(sp, dp, st[1], bytes(st[2]));
            byte[] ip = v6 ? ipv6(src, dst, TCP, seg) : ipv4(src, dst, TCP, seg);
            add(t, l2(tags, v6, ip), key(TCP, src, sp, dst, dp, vlan), ip.length);
            t += 3_000_000L + (st[2] * 1000L);
        }
    }

    /** Request/response UDP exchanges. */
    public void udpExchange(String c, int cport, String s, int sport, int count, long startMs, int[] tags) {
        boolean v6 = c.indexOf(':') >= 0;
        int vlan = tags.length == 0 ? 0 : tags[1] & 0xfff;
        long t = t0 + startMs * 1_000_000L;
        for (int i = 0; i < count; i++) {
            byte[] q = udp(cport, sport, bytes(30 + i));
            byte[] qi = v6 ? ipv6(c, s, UDP, q) : ipv4(c, s, UDP, q);
            add(t, l2(tags, v6, qi), key(UDP, c, cport, s, sport, vlan), qi.length);
            byte[] r = udp(sport, cport, bytes(90 + 3 * i));
            byte[] ri = v6 ? ipv6(s, c, UDP, r) : ipv4(s, c, UDP, r);
            add(t + 500_000L, l2(tags, v6, ri), key(UDP, s, sport, c, cport, vlan), ri.length);
            t += 200_000_000L;
        }
    }

    /** ICMP or ICMPv6 echo request/reply pairs. */
    public void ping(String a, String b, int count, long startMs) {
        boolean v6 = a.indexOf(':') >= 0;
        int proto = v6 ? ICMPV6 : ICMP;
        int req = v6 ? 128 : 8;
        int rep = v6 ? 129 : 0;
        long t = t0 + startMs * 1_000_000L;
        for (int i = 0; i < count; i++) {
            byte[] q = icmp(req, 0, bytes(56));
            byte[] qi = v6 ? ipv6(a, b, proto, q) : ipv4(a, b, proto, q);
            add(t, l2(new int[0], v6, qi), key(proto, a, req, b, 0, 0), qi.length);
            byte[] r = icmp(rep, 0, bytes(56));
            byte[] ri = v6 ? ipv6(b, a, proto, r) : ipv4(b, a, proto, r);
            add(t + 100_000L, l2(new int[0], v6, ri), key(proto, b, rep, a, 0, 0), ri.length);
            t += 1_000_000_000L;
        }
    }

    /** An IPv4 UDP datagram in two fragments: the first keeps the ports, the second is keyed with ports 0. */
    public void fragmentedUdp(String a, String b, int sport, int dport, long atMs) {
        long t = t0 + atMs * 1_000_000L;
        byte[] first = ipv4(a, b, UDP, 64, 0, 0x2000, udp(sport, dport, bytes(1472)));
        add(t, eth(0x0800, first), key(UDP, a, sport, b, dport, 0), first.length);
        byte[] second = ipv4(a, b, UDP, 64, 0, 185, bytes(500));
        add(t + 10_000L, eth(0x0800, second), key(UDP, a, 0, b, 0, 0), second.length);
    }

    /** IPv6 UDP behind hop-by-hop and destination options headers. */
    public void ipv6WithExtensions(String a, String b, int sport, int dport, int count, long startMs) {
        long t = t0 + startMs * 1_000_000L;
        for (int i = 0; i < count; i++) {
            byte[] payload = concat(ipv6Ext(60, 0, new byte[0]), ipv6Ext(UDP, 1, new byte[0]), udp(sport, dport, bytes(10 + i)));
            byte[] ip = ipv6(a, b, 0, payload);
            add(t, eth(0x86dd, ip), key(UDP, a, sport, b, dport, 0), ip.length);
            t += 50_000_000L;
        }
    }

    /** Some ARP frames: not IP, never metered. */
    public void arp(int count, long atMs) {
        for (int i = 0; i < count; i++) {
            frames.add(new Frame(t0 + atMs * 1_000_000L + i, eth(0x0806, bytes(28))));
        }
    }

    /** Writes the frames in time order as classic pcap. */
    public void write(Path file, TimestampPrecision precision) throws IOException {
        frames.sort(Comparator.comparingLong(Frame::ts));
        try (PcapWriter w = PcapWriter.create(file, LinkType.ETHERNET, 65535, precision)) {
            for (Frame f : frames) {
                w.write(f.ts, f.bytes.length, MemorySegment.ofArray(f.bytes), 0, f.bytes.length);
            }
        }
    }

    /** The standard mix the collector tests use; {@code qinq} adds double-tagged flows softflowd cannot parse. */
    public static TrafficScript standard(long t0Nanos, boolean qinq) {
        TrafficScript s = new TrafficScript(t0Nanos);
        for (int i = 0; i < 30; i++) {
            s.tcpSession("10.0." + (i / 8) + "." + (10 + i), 40000 + i, "10.1.0." + (1 + i % 3), i % 2 == 0 ? 80 : 443,
                    1 + i % 6, i * 700L, new int[0]);
        }
        for (int i = 0; i < 6; i++) {
            s.tcpSession("2001:db8:1::" + Integer.toHexString(0x10 + i), 50000 + i, "2001:db8:2::1", 443, 2 + i, 1000 + i * 900L,
                    new int[0]);
        }
        for (int i = 0; i < 12; i++) {
            s.udpExchange("10.2.0." + (5 + i), 33000 + i, "10.3.0.53", 53, 1 + i % 4, 300 + i * 1100L, new int[0]);
        }
        for (int i = 0; i < 4; i++) {
            s.udpExchange("192.168.10." + (1 + i), 5000 + i, "192.168.20.1", 514, 3, 2000 + i * 500L,
                    new int[]{0x8100, 10 + i});
        }
        s.tcpSession("172.16.0.1", 45000, "172.16.9.9", 22, 4, 5000, new int[]{0x8100, 300});
        if (qinq) {
            s.udpExchange("10.9.0.1", 7000, "10.9.0.2", 7001, 2, 6000, new int[]{0x88a8, 100, 0x8100, 200});
        }
        s.ping("10.4.0.1", "10.4.0.2", 5, 100);
        s.ping("2001:db8:3::1", "2001:db8:3::2", 3, 400);
        s.fragmentedUdp("10.5.0.1", "10.5.0.2", 6000, 6001, 1500);
        s.ipv6WithExtensions("2001:db8:4::1", "2001:db8:4::2", 7777, 8888, 4, 2500);
        s.udpExchange("2001:db8:5::1", 9999, "2001:db8:5::53", 53, 3, 3000, new int[0]);
        s.arp(5, 50);
        return s;
    }
}
