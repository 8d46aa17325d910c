package io.pushcap.sink.tap;

import io.pushcap.capture.TestFrames;
import io.pushcap.synth.Frames;
import io.pushcap.testing.Cmd;
import io.pushcap.testsupport.PacketHex;
import io.pushcap.testsupport.TapNet;
import io.pushcap.testsupport.TapRings;
import io.pushcap.testsupport.Tcpdump;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What {@code pushcap tx -E} puts on the wire, captured by tcpdump on the far end of a veth pair
 * and dissected by tshark field by field (gre.key, gre.sequence_number, gre.proto,
 * erspan.version, erspan.spanid, vxlan.vni, outer and inner ip.src); the inner frames, cut out of
 * the capture by editcap, equal the ring's frames byte for byte. (This kernel has no ip_gre
 * module, so no kernel GRE device can decapsulate; {@link KernelTunnelDeviceTest} does that
 * where one exists, and the rx round trips in io.pushcap.capture.tunnel check our own receiver.)
 */
class TunnelFieldsTest {
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static TapNet net;
    private static Path dir;
    private static List<byte[]> frames;
    private static Path ring;

    @BeforeAll
    static void setUp() throws Exception {
        net = TapNet.create(9000);
        dir = Files.createTempDirectory(Path.of("/dev/shm"), "pushcap-fields-");
        frames = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            frames.add(i % 10 == 3 ? TestFrames.frame(i, 100) : TestFrames.frame(i, -1));
        }
        for (int port = 0; port < 20; port++) {
            frames.add(Frames.ipUdp("10.0.0.1", "10.0.0.2", 30000 + port, 53, new byte[40]));
        }
        ring = TapRings.ring(dir.resolve("ring"), 8 << 20, frames);
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (net != null) {
            net.close();
        }
        if (dir != null) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Sends the ring once with {@code encap}, captures {@code count} packets matching {@code filter}. */
    private static Path send(String name, String filter, int count, String... txArgs) throws Exception {
        Path cap = dir.resolve(name + ".pcap");
        try (Tcpdump t = Tcpdump.start(TapNet.prefix(net.nsB), net.ifB, cap, count, filter)) {
            Path log = Files.createTempFile(dir, "tx", ".log");
            List<String> args = new ArrayList<>(List.of("tx"));
            args.addAll(List.of(txArgs));
            args.addAll(List.of("--from-start", "--once", ring.toString()));
            Process p = TapNet.pushcap(net.nsA, log, args.toArray(String[]::new));
            assertTrue(p.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), Files.readString(log));
            assertEquals(0, p.exitValue(), Files.readString(log));
            return t.await(DEADLINE);
        }
    }

    /** One row of tshark fields per packet; occurrence f (outermost) or l (innermost). */
    private static List<String[]> fields(Path pcap, char occurrence, String... names) {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-r", pcap.toString(), "-T", "fields", "-E", "separator=|",
                "-E", "occurrence=" + occurrence));
        for (String n : names) {
            cmd.addAll(List.of("-e", n));
        }
        Cmd.require("tshark", "tshark");
        return Cmd.run(null, 120, cmd).ok().lines().stream().map(l -> l.split("\\|", -1)).toList();
    }

    /** The frames inside: editcap removes the outer {@code chop} bytes of every packet. */
    private static List<String> inner(Path pcap, int chop) {
        Path out = pcap.resolveSibling(pcap.getFileName() + ".inner.pcap");
        Cmd.run("editcap", "-C", Integer.toString(chop), pcap.toString(), out.toString()).ok();
        return PacketHex.of(out);
    }

    private static void assertSequence(List<String[]> rows, int column) {
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(Integer.toString(i), rows.get(i)[column], "sequence number of packet " + i);
        }
    }

    @Test
    void shouldSendGretapWithKeySequenceAndTheWholeFrame() throws Exception {
        Path cap = send("gretap", "ip proto 47", frames.size(), "-E", "gretap:" + TapNet.IP_B, "-K", "77");
        List<String[]> outer = fields(cap, 'f', "ip.src", "ip.dst", "gre.proto", "gre.key", "gre.sequence_number");
        List<String[]> innermost = fields(cap, 'l', "ip.src");
        for (int i = 0; i < outer.size(); i++) {
            assertArrayEquals(new String[] {TapNet.IP_A, TapNet.IP_B, "0x6558", "0x0000004d"},
                    java.util.Arrays.copyOf(outer.get(i), 4), "packet " + i);
            assertEquals("10.0.0.1", innermost.get(i)[0], "inner ip.src of packet " + i);
        }
        assertSequence(outer, 4);
        PacketHex.assertSamePackets(PacketHex.of(frames), inner(cap, 14 + 20 + 12));
    }

    @Test
    void shouldSendOnlyTheIpPacketWithItsProtocolWhenPlainGre() throws Exception {
        List<byte[]> ip = new ArrayList<>();
        for (byte[] f : frames) {
            ip.add(Frames.l3(f));
        }
        Path cap = send("gre", "ip proto 47", frames.size(), "-E", "gre:" + TapNet.IP_B, "-K", "0.0.1.2");
        List<String[]> outer = fields(cap, 'f', "gre.proto", "gre.key", "gre.sequence_number");
        for (String[] row : outer) {
            assertEquals("0x0800", row[0]);
            assertEquals("0x00000102", row[1]);
        }
        assertSequence(outer, 2);
        PacketHex.assertSamePackets(PacketHex.of(ip), inner(cap, 14 + 20 + 12));
    }

    @Test
    void shouldSendErspanTypeIiWithSessionAndSequence() throws Exception {
        Path cap = send("erspan2", "ip proto 47", frames.size(), "-E", "erspan:" + TapNet.IP_B, "-K", "300");
        List<String[]> rows = fields(cap, 'f', "gre.proto", "gre.sequence_number", "erspan.version", "erspan.spanid",
                "erspan.vlan", "erspan.encap", "gre.key");
        for (int i = 0; i < rows.size(); i++) {
            String[] r = rows.get(i);
            assertEquals("0x88be", r[0]);
            assertEquals("1", r[2], "ERSPAN version 1 = type II");
            assertEquals("300", r[3]);
            boolean tagged = i < 200 && i % 10 == 3;
            assertEquals(tagged ? "100" : "0", r[4], "VLAN of packet " + i);
            assertEquals(tagged ? "3" : "0", r[5], "encap type of packet " + i);
            assertEquals("", r[6], "ERSPAN sends no GRE key");
        }
        assertSequence(rows, 1);
        PacketHex.assertSamePackets(PacketHex.of(frames), inner(cap, 14 + 20 + 8 + 8));
    }

    @Test
    void shouldSendErspanTypeIiiWithSessionSequenceAndTimestamp() throws Exception {
        Path cap = send("erspan3", "ip proto 47", frames.size(), "-E", "erspan3:" + TapNet.IP_B, "-K", "1023");
        List<String[]> rows = fields(cap, 'f', "gre.proto", "gre.sequence_number", "erspan.version", "erspan.spanid",
                "erspan.timestamp", "erspan.ft", "erspan.p");
        long firstTs = TapRings.START_NANOS / 100_000 & 0xFFFF_FFFFL;
        for (int i = 0; i < rows.size(); i++) {
            String[] r = rows.get(i);
            assertEquals("0x22eb", r[0]);
            assertEquals("2", r[2], "ERSPAN version 2 = type III");
            assertEquals("1023", r[3]);
            assertEquals(firstTs + (i * 1000L) / 100_000, Long.parseLong(r[4]), "capture time in 100 us units");
            assertEquals("0", r[5], "frame type Ethernet");
        }
        assertSequence(rows, 1);
        PacketHex.assertSamePackets(PacketHex.of(frames), inner(cap, 14 + 20 + 8 + 12));
    }

    @Test
    void shouldSendVxlanWithVniAndOneSourcePortPerInnerFlow() throws Exception {
        Path cap = send("vxlan", "udp port 4789", frames.size(), "-E", "vxlan:" + TapNet.IP_B, "-K", "4242");
        List<String[]> outer = fields(cap, 'f', "ip.src", "udp.srcport", "udp.dstport", "vxlan.vni", "vxlan.flags");
        List<String[]> innermost = fields(cap, 'l', "ip.src", "udp.srcport", "udp.dstport");
        String[] range = TapNet.in(net.nsA, "cat", "/proc/sys/net/ipv4/ip_local_port_range").trim().split("\\s+");
        Map<String, String> portOfFlow = new HashMap<>();
        Set<String> ports = new HashSet<>();
        for (int i = 0; i < outer.size(); i++) {
            String[] o = outer.get(i);
            assertEquals(TapNet.IP_A, o[0]);
            assertEquals("4789", o[2]);
            assertEquals("4242", o[3]);
            int port = Integer.parseInt(o[1]);
            assertTrue(port >= Integer.parseInt(range[0]) && port <= Integer.parseInt(range[1]),
                    "source port " + port + " in the ephemeral range " + String.join("-", range));
            String flow = String.join(",", innermost.get(i));
            String before = portOfFlow.putIfAbsent(flow, o[1]);
            assertTrue(before == null || before.equals(o[1]), "flow " + flow + " used ports " + before + " and " + o[1]);
            ports.add(o[1]);
        }
        assertEquals(22, portOfFlow.size(), "2 flows of 200 frames + 20 one-packet flows");
        assertTrue(ports.size() >= 4, "inner flows spread over source ports: " + ports);
        PacketHex.assertSamePackets(PacketHex.of(frames), inner(cap, 14 + 20 + 8 + 8));
    }
}
