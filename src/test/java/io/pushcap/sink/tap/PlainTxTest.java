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
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code pushcap tx -i} through a veth pair between two namespaces: what tcpdump captures on the
 * far end equals the ring's packets byte for byte, with -s and -V as editcap and tcprewrite make
 * them, --strip-vlan, one error (not a flood) for frames larger than the MTU, and several tx
 * sharing a ring and a NIC.
 */
class PlainTxTest {
    private static final int PACKETS = 1000;
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final Pattern SENT = Pattern.compile("sent (\\d+) packets");

    private static TapNet net;
    private static Path dir;
    private static List<byte[]> frames;

    @BeforeAll
    static void setUp() throws Exception {
        net = TapNet.create(1500);
        dir = Files.createTempDirectory(Path.of("/dev/shm"), "pushcap-tx-");
        frames = new ArrayList<>();
        for (int i = 0; i < PACKETS; i++) {
            frames.add(TestFrames.frame(i, -1));
        }
        frames.set(7, Frames.arpRequest("10.0.0.1", "10.0.0.2"));
        frames.set(8, Frames.ipTcp("2001:db8::1", "2001:db8::2", 1, 2, Frames.SYN, new byte[0]));
        frames.set(9, Frames.qinq(TestFrames.frame(9, -1), 10, 20));
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

    private static Path ring(String name, List<byte[]> content) {
        return TapRings.ring(dir.resolve(name), 16 << 20, content);
    }

    /** Runs tx in namespace A until it has sent the ring once; returns its log. */
    private static String tx(String... args) throws Exception {
        Path log = Files.createTempFile(dir, "tx", ".log");
        Process p = TapNet.pushcap(net.nsA, log, args);
        assertTrue(p.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), "tx did not finish: " + Files.readString(log));
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), "tx failed: " + out);
        return out;
    }

    private static Tcpdump capture(String name, int count) throws Exception {
        return Tcpdump.start(TapNet.prefix(net.nsB), net.ifB, dir.resolve(name), count, null);
    }

    private static long sent(String log) {
        Matcher m = SENT.matcher(log);
        assertTrue(m.find(), "no summary in: " + log);
        return Long.parseLong(m.group(1));
    }

    @Test
    void shouldSendEveryFrameByteForByteWhenPlain() throws Exception {
        Path ring = ring("plain", frames);
        try (Tcpdump t = capture("plain.pcap", PACKETS)) {
            // fluxcap's spelling, as in its manual: -tx -i eth2 ring
            String log = tx("-tx", "-i", net.ifA, "--from-start", "--once", ring.toString());
            assertEquals(PACKETS, sent(log), log);
            PacketHex.assertSamePackets(PacketHex.of(frames), PacketHex.of(t.await(DEADLINE)));
        }
    }

    @Test
    void shouldTagAndTruncateLikeTcprewriteAndEditcapWhenVlanAndSnaplenGiven() throws Exception {
        List<byte[]> ipv4 = frames.subList(10, PACKETS);
        Path ring = ring("edit", ipv4);
        Path in = TapRings.pcap(dir.resolve("edit-in.pcap"), ipv4);
        Path tagged = dir.resolve("edit-tagged.pcap");
        Path expected = dir.resolve("edit-expected.pcap");
        Cmd.run("tcprewrite", "--enet-vlan=add", "--enet-vlan-tag=100", "--enet-vlan-cfi=0", "--enet-vlan-pri=0",
                "-i", in.toString(), "-o", tagged.toString()).ok();
        Cmd.run("editcap", "-s", "96", tagged.toString(), expected.toString()).ok();
        try (Tcpdump t = capture("edit.pcap", ipv4.size())) {
            String log = tx("tx", "-i", net.ifA, "-V", "100", "-s", "96", "--from-start", "--once", ring.toString());
            assertTrue(log.contains("truncated " + ipv4.stream().filter(f -> f.length + 4 > 96).count()), log);
            PacketHex.assertSamePackets(PacketHex.of(expected), PacketHex.of(t.await(DEADLINE)));
        }
    }

    @Test
    void shouldRemoveTheOuterTagWhenStripVlan() throws Exception {
        List<byte[]> tagged = new ArrayList<>();
        List<byte[]> expected = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            byte[] f = TestFrames.frame(i, i % 2 == 0 ? 100 : -1);
            tagged.add(f);
            expected.add(i % 2 == 0 ? withoutOuterTag(f) : f);
        }
        tagged.add(Frames.qinq(TestFrames.frame(200, -1), 30, 40));
        expected.add(Frames.vlan(TestFrames.frame(200, -1), 40));
        Path ring = ring("strip", tagged);
        try (Tcpdump t = capture("strip.pcap", expected.size())) {
            tx("tx", "-i", net.ifA, "--strip-vlan", "--from-start", "--once", ring.toString());
            PacketHex.assertSamePackets(PacketHex.of(expected), PacketHex.of(t.await(DEADLINE)));
        }
    }

    private static byte[] withoutOuterTag(byte[] f) {
        byte[] out = new byte[f.length - 4];
        System.arraycopy(f, 0, out, 0, 12);
        System.arraycopy(f, 16, out, 12, f.length - 16);
        return out;
    }

    @Test
    void shouldLogOneErrorNamingSizeMtuAndFixesWhenFramesExceedTheMtu() throws Exception {
        List<byte[]> mixed = new ArrayList<>();
        List<byte[]> fitting = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            if (i % 3 == 0) {
                mixed.add(Frames.ipUdp("10.0.0.1", "10.0.0.2", 1, 2, new byte[3000 - 42]));
            } else {
                byte[] f = TestFrames.frame(i, -1);
                mixed.add(f);
                fitting.add(f);
            }
        }
        Path ring = ring("big", mixed);
        try (Tcpdump t = capture("big.pcap", fitting.size())) {
            String log = tx("tx", "-i", net.ifA, "--from-start", "--once", ring.toString());
            assertTrue(log.contains("dropped too_big=200 "), log);
            assertEquals(fitting.size(), sent(log));
            List<String> errors = log.lines().filter(l -> l.contains("too big")).toList();
            assertEquals(1, errors.size(), "one message, not one per packet: " + log);
            String e = errors.getFirst();
            for (String part : new String[] {"ERROR", "a 3000-byte frame is too big for " + net.ifA, "MTU 1500",
                    "truncate with -s 1514", "ethtool -K IFACE gro off gso off tso off lro off"}) {
                assertTrue(e.contains(part), "'" + part + "' missing from: " + e);
            }
            PacketHex.assertSamePackets(PacketHex.of(fitting), PacketHex.of(t.await(DEADLINE)));
        }
    }

    @Test
    void shouldReplicateARingAndAggregateRingsWhenSeveralTxShareThem() throws Exception {
        List<byte[]> one = frames.subList(100, 400);
        List<byte[]> two = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            two.add(TestFrames.frame(5000 + i, 200));
        }
        Path r1 = ring("shared1", one);
        Path r2 = ring("shared2", two);
        int expected = 2 * one.size() + two.size();
        try (Tcpdump t = capture("shared.pcap", expected)) {
            Path[] logs = new Path[3];
            Process[] txs = new Process[3];
            String[] rings = {r1.toString(), r1.toString(), r2.toString()};
            for (int i = 0; i < 3; i++) {
                logs[i] = Files.createTempFile(dir, "tx" + i, ".log");
                txs[i] = TapNet.pushcap(net.nsA, logs[i], "tx", "-i", net.ifA, "--from-start", "--once", rings[i]);
            }
            for (int i = 0; i < 3; i++) {
                assertTrue(txs[i].waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), Files.readString(logs[i]));
                assertEquals(i < 2 ? one.size() : two.size(), sent(Files.readString(logs[i])));
            }
            List<String> want = new ArrayList<>(PacketHex.of(one));
            want.addAll(PacketHex.of(one));
            want.addAll(PacketHex.of(two));
            List<String> got = new ArrayList<>(PacketHex.of(t.await(DEADLINE)));
            want.sort(null);
            got.sort(null);
            PacketHex.assertSamePackets(want, got);
        }
    }
}
