package io.pushcap.capture.tunnel;

import io.pushcap.capture.TestFrames;
import io.pushcap.pcap.LinkType;
import io.pushcap.synth.Frames;
import io.pushcap.testsupport.PacketHex;
import io.pushcap.testsupport.TapNet;
import io.pushcap.testsupport.TapRings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Our own tunnel round trip across two namespaces: {@code pushcap tx -E} in A sends a ring's
 * frames, {@code pushcap rx -E} in B receives them into another ring, which must then hold
 * exactly the original frames (plain GRE: with the synthetic Ethernet header). The veth MTU is
 * 1500, so the larger frames travel as IP fragments that the kernel reassembles before rx sees
 * them. Keys, VNIs and sessions that differ are dropped and counted.
 */
class TunnelRoundTripTest {
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(90);
    private static TapNet net;
    private static Path dir;
    private static List<byte[]> frames;
    private static Path source;
    private Process rx;
    private Path rxLog;
    private Path ring;

    @BeforeAll
    static void setUp() throws Exception {
        net = TapNet.create(1500);
        dir = Files.createTempDirectory(Path.of("/dev/shm"), "pushcap-rt-");
        frames = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            frames.add(TestFrames.frame(i, i % 9 == 4 ? 100 : -1));
        }
        frames.add(Frames.ipTcp("2001:db8::1", "2001:db8::2", 1000, 80, Frames.SYN, new byte[0]));
        frames.add(Frames.arpRequest("10.0.0.1", "10.0.0.2"));
        for (int i = 0; i < 5; i++) {
            frames.add(Frames.ipUdp("10.0.0.1", "10.0.0.2", 4000 + i, 7000, new byte[1472]));   // 1514 bytes
        }
        source = TapRings.ring(dir.resolve("source"), 8 << 20, frames);
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

    @AfterEach
    void stopRx() throws InterruptedException {
        if (rx != null && rx.isAlive()) {
            rx.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private void startRx(String... args) throws Exception {
        ring = TapRings.ring(Files.createTempFile(dir, "rx", ".ring").resolveSibling("rx-" + System.nanoTime()), 8 << 20);
        rxLog = Files.createTempFile(dir, "rx", ".log");
        List<String> a = new ArrayList<>(List.of("rx"));
        a.addAll(List.of(args));
        a.add(ring.toString());
        rx = TapNet.pushcap(net.nsB, rxLog, a.toArray(String[]::new));
        waitFor("rx to bind its socket", () -> TapRings.info(ring).linkType() == LinkType.ETHERNET ? 1 : 0, 1);
    }

    private void waitFor(String what, LongSupplier value, long expected) throws Exception {
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        long v;
        while ((v = value.getAsLong()) < expected) {
            if (rx != null && !rx.isAlive()) {
                fail("rx exited (" + rx.exitValue() + ") while waiting for " + what + ": " + Files.readString(rxLog));
            }
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what + ": " + v + " < " + expected + "; rx log: " + Files.readString(rxLog));
            }
            Thread.sleep(10);
        }
    }

    private static String tx(String... args) throws Exception {
        Path log = Files.createTempFile(dir, "tx", ".log");
        List<String> a = new ArrayList<>(List.of("tx"));
        a.addAll(List.of(args));
        a.addAll(List.of("--from-start", "--once", source.toString()));
        Process p = TapNet.pushcap(net.nsA, log, a.toArray(String[]::new));
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), Files.readString(log));
        assertEquals(0, p.exitValue(), Files.readString(log));
        return Files.readString(log);
    }

    /** Waits for {@code n} packets in the ring, stops rx cleanly, returns its log. */
    private String receive(int n) throws Exception {
        waitFor(n + " packets in the ring", () -> TapRings.info(ring).packets(), n);
        rx.destroy();
        assertTrue(rx.waitFor(30, TimeUnit.SECONDS), "rx did not stop on SIGTERM");
        String log = Files.readString(rxLog);
        assertEquals(n, TapRings.info(ring).packets(), "no more packets than sent: " + log);
        return log;
    }

    private void assertRingHolds(List<byte[]> expected) {
        PacketHex.assertSamePackets(PacketHex.of(expected), PacketHex.of(TapRings.read(ring)));
    }

    @Test
    void shouldReceiveExactlyTheSentFramesWhenGretapWithKey() throws Exception {
        startRx("-E", "gretap:" + TapNet.IP_B, "-i", net.ifB, "-K", "77");
        String txLog = tx("-E", "gretap:" + TapNet.IP_B, "-K", "77");
        assertTrue(txLog.matches("(?s).*fragmented [1-9]\\d*.*"), "large frames went as IP fragments: " + txLog);
        String log = receive(frames.size());
        assertTrue(log.contains("received " + frames.size() + ", accepted " + frames.size()), log);
        assertRingHolds(frames);
    }

    @Test
    void shouldReceiveIpPacketsWithASyntheticEthernetHeaderWhenPlainGre() throws Exception {
        List<byte[]> expected = new ArrayList<>();
        for (byte[] f : frames) {
            int type = Frames.etherType(f);
            if (type == 0x0800 || type == 0x86DD) {
                expected.add(Frames.synthetic(new byte[12], Frames.l3(f)));
            }
        }
        startRx("-E", "gre:" + TapNet.IP_B);
        String txLog = tx("-E", "gre:" + TapNet.IP_B);
        assertTrue(txLog.contains("not_ip=1 "), "the ARP frame cannot go over plain GRE: " + txLog);
        receive(expected.size());
        assertRingHolds(expected);
    }

    @Test
    void shouldReceiveErspanTypesIiAndIiiWhenSessionMatches() throws Exception {
        startRx("-E", "erspan:" + TapNet.IP_B, "-K", "5");
        tx("-E", "erspan:" + TapNet.IP_B, "-K", "6");
        tx("-E", "erspan:" + TapNet.IP_B, "-K", "5");
        tx("-E", "erspan3:" + TapNet.IP_B, "-K", "5");
        String log = receive(2 * frames.size());
        assertTrue(log.contains("dropped wrong_key=" + frames.size() + " "), "session 6 dropped and counted: " + log);
        List<byte[]> twice = new ArrayList<>(frames);
        twice.addAll(frames);
        assertRingHolds(twice);
    }

    @Test
    void shouldReceiveVxlanOnItsPortAndDropOtherVnis() throws Exception {
        startRx("-E", "vxlan:" + TapNet.IP_B + ":8472", "-K", "4242");
        tx("-E", "vxlan:" + TapNet.IP_B + ":8472", "-K", "4243");
        tx("-E", "vxlan:" + TapNet.IP_B + ":8472", "-K", "4242");
        String log = receive(frames.size());
        assertTrue(log.contains("received " + 2 * frames.size() + ", accepted " + frames.size()), log);
        assertTrue(log.contains("wrong_key=" + frames.size() + " "), log);
        assertRingHolds(frames);
    }

    @Test
    void shouldTagTruncateAndFilterInnerFramesWhenRxOptionsGiven() throws Exception {
        List<byte[]> expected = new ArrayList<>();
        for (byte[] f : frames) {
            int udp = Frames.typeOffset(f) + 2 + 20;
            boolean port5000 = Frames.etherType(f) == 0x0800 && f[udp - 20 + 9] == 17
                    && (((f[udp + 2] & 0xFF) << 8 | (f[udp + 3] & 0xFF)) == 5000);
            if (port5000) {
                expected.add(java.util.Arrays.copyOf(Frames.vlan(f, 7), Math.min(f.length + 4, 100)));
            }
        }
        startRx("-E", "gretap", "-f", "udp port 5000 or (vlan and udp port 5000)", "-V", "7", "-s", "100");
        tx("-E", "gretap:" + TapNet.IP_B);
        String log = receive(expected.size());
        assertTrue(log.contains("filtered " + (frames.size() - expected.size())), log);
        assertRingHolds(expected);
    }

    @Test
    void shouldReceiveExactlyTheSentFramesWhenTheTunnelRunsOverIpv6() throws Exception {
        for (String[] nv : new String[][] {{net.nsA, net.ifA, "fd00:99::1"}, {net.nsB, net.ifB, "fd00:99::2"}}) {
            TapNet.in(nv[0], "sysctl", "-qw", "net.ipv6.conf." + nv[1] + ".disable_ipv6=0");
            TapNet.in(nv[0], "ip", "-6", "addr", "add", nv[2] + "/64", "dev", nv[1], "nodad");
        }
        String macB = TapNet.in(net.nsB, "cat", "/sys/class/net/" + net.ifB + "/address").trim();
        TapNet.in(net.nsA, "ip", "-6", "neigh", "replace", "fd00:99::2", "lladdr", macB, "dev", net.ifA, "nud", "permanent");
        startRx("-E", "gretap:fd00:99::2", "-K", "9");
        tx("-E", "gretap:fd00:99::2", "-K", "9");
        receive(frames.size());
        assertRingHolds(frames);
        startRx("-E", "vxlan:[fd00:99::2]:4789", "-K", "9");
        tx("-E", "vxlan:[fd00:99::2]", "-K", "9");
        receive(frames.size());
        assertRingHolds(frames);
    }
}
