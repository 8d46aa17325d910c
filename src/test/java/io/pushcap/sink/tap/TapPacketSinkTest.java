package io.pushcap.sink.tap;

import io.pushcap.capture.TestFrames;
import io.pushcap.capture.VethPair;
import io.pushcap.config.Mode;
import io.pushcap.config.TargetConfig;
import io.pushcap.metrics.MetricsRegistry;
import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.Packet;
import io.pushcap.sink.PacketSink;
import io.pushcap.sink.PacketSinkProvider;
import io.pushcap.sink.SinkContext;
import io.pushcap.synth.Frames;
import io.pushcap.testsupport.PacketHex;
import io.pushcap.testsupport.Targets;
import io.pushcap.testsupport.Tcpdump;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A push target with {@code Mode = "TAP"}, in process: the provider registered through
 * ServiceLoader builds a {@link TapPacketSink} from the target's keys; what it writes arrives
 * byte for byte on the far end of a veth pair (one end in this namespace, the other in a test
 * namespace), the rate cap waits instead of dropping, a VXLAN target reaches a UDP socket with one
 * source port per inner flow, and an interface that goes down fails {@link PacketSink#flush()}
 * so the runner retries.
 */
class TapPacketSinkTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static String ns;
    private static String ifA;
    private static String ifB;
    private static Path dir;

    @BeforeAll
    static void setUp() throws Exception {
        String id = String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
        ns = "pushcap-tk" + id;
        ifA = "tk" + id + "a";
        ifB = "tk" + id + "b";
        if (!"0".equals(run("id", "-u").trim())) {
            fail("this test needs root (CAP_NET_ADMIN, CAP_NET_RAW); CI runs it as root");
        }
        Runtime.getRuntime().addShutdownHook(new Thread(TapPacketSinkTest::cleanUp));
        run("ip", "netns", "add", ns);
        VethPair.in(ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
        run("ip", "link", "add", ifA, "type", "veth", "peer", "name", ifB, "netns", ns);
        run("sysctl", "-qw", "net.ipv6.conf." + ifA + ".disable_ipv6=1");
        run("ethtool", "-K", ifA, "tso", "off", "gso", "off", "tx", "off", "txvlan", "off");
        VethPair.in(ns, "ethtool", "-K", ifB, "gro", "off", "rx", "off", "rxvlan", "off");
        run("ip", "link", "set", ifA, "up");
        VethPair.in(ns, "ip", "link", "set", ifB, "up");
        dir = Files.createTempDirectory(Path.of("/dev/shm"), "pushcap-sink-");
    }

    @AfterAll
    static void tearDown() throws IOException {
        cleanUp();
        if (dir != null) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void cleanUp() {
        try {
            new ProcessBuilder("ip", "link", "del", ifA).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
            new ProcessBuilder("ip", "netns", "del", ns).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            // best effort; the names are unique
        }
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
        return out;
    }

    private static PacketSink sink(String desc, String path, Map<String, String> options, double maxMbps) {
        PacketSinkProvider provider = PacketSinkProvider.forMode(Mode.TAP);
        assertInstanceOf(TapPacketSinkProvider.class, provider, "registered through META-INF/services");
        TargetConfig t = Targets.target(desc + "-" + System.nanoTime(), Mode.TAP, path, options, maxMbps);
        return provider.create(t, LinkType.ETHERNET, SinkContext.system());
    }

    private static void write(PacketSink s, List<byte[]> frames) throws IOException {
        Packet p = new Packet();
        for (byte[] f : frames) {
            s.write(p.set(MemorySegment.ofArray(f), 0, f.length, f.length, 1L, LinkType.ETHERNET, 0));
        }
    }

    private static List<byte[]> frames(int n) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(TestFrames.frame(i, -1));
        }
        return out;
    }

    @Test
    void shouldTagAndSendEveryPacketOutOfTheNicWhenTargetNamesIt() throws Exception {
        List<byte[]> frames = frames(300);
        try (Tcpdump t = Tcpdump.start(VethPair.prefix(ns), ifB, dir.resolve("nic.pcap"), frames.size(), null)) {
            try (PacketSink s = sink("nic", ifA, Map.of("Vlan", "100"), 0)) {
                assertEquals("tap", s.kind());
                write(s, frames);
                s.flush();
                assertEquals(frames.size(), s.packetsWritten());
            }
            PacketHex.assertSamePackets(PacketHex.of(frames.stream().map(f -> Frames.vlan(f, 100)).toList()),
                    PacketHex.of(t.await(DEADLINE)));
        }
    }

    @Test
    void shouldWaitForTheRateCapInsteadOfDroppingWhenMaxMbpsIsSet() throws Exception {
        List<byte[]> frames = frames(500);   // ~390 KB: several times the 64 KiB burst at 2 Mbit/s
        try (Tcpdump t = Tcpdump.start(VethPair.prefix(ns), ifB, dir.resolve("capped.pcap"), frames.size(), null);
             TapPacketSink s = (TapPacketSink) sink("capped", ifA, Map.of(), 2)) {
            write(s, frames);
            s.flush();
            assertEquals(frames.size(), s.packetsWritten(), "nothing dropped");
            assertEquals(0, s.counters().dropped());
            assertTrue(s.counters().throttledNanos.get() > 0, "the cap made the sink wait");
            PacketHex.assertSamePackets(PacketHex.of(frames), PacketHex.of(t.await(DEADLINE)));
        }
    }

    @Test
    void shouldFailFlushSoTheRunnerRetriesWhenTheInterfaceIsDown() throws Exception {
        try (PacketSink s = sink("down", ifA, Map.of(), 0)) {
            run("ip", "link", "set", ifA, "down");
            try {
                write(s, frames(10));
                IOException e = assertThrows(IOException.class, s::flush);
                assertTrue(e.getMessage().contains("cannot send to " + ifA), e.getMessage());
            } finally {
                run("ip", "link", "set", ifA, "up");
            }
            write(s, frames(10));
            s.flush();
            assertEquals(10, s.packetsWritten());
        }
    }

    @Test
    void shouldReachAUdpSocketWithOneSourcePortPerInnerFlowWhenVxlan() throws Exception {
        try (DatagramChannel server = DatagramChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            List<byte[]> frames = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                frames.add(Frames.ipUdp("10.0.0.1", "10.0.0.2", 20000 + i % 40, 53, new byte[i]));
            }
            try (PacketSink s = sink("vxlan", "127.0.0.1:" + port, Map.of("Encap", "vxlan", "Key", "99"), 0)) {
                write(s, frames);
                s.flush();
            }
            Map<Integer, Integer> portOfFlow = new HashMap<>();
            Set<Integer> ports = new HashSet<>();
            ByteBuffer b = ByteBuffer.allocate(65536);
            for (int i = 0; i < frames.size(); i++) {
                b.clear();
                InetSocketAddress from = (InetSocketAddress) server.receive(b);
                b.flip();
                byte[] d = new byte[b.remaining()];
                b.get(d);
                assertArrayEquals(new byte[] {8, 0, 0, 0, 0, 0, 99, 0}, Arrays.copyOf(d, 8), "VXLAN header, VNI 99");
                assertArrayEquals(frames.get(i), Arrays.copyOfRange(d, 8, d.length), "inner frame " + i);
                Integer before = portOfFlow.putIfAbsent(20000 + i % 40, from.getPort());
                assertTrue(before == null || before == from.getPort(), "one source port per flow");
                ports.add(from.getPort());
            }
            assertTrue(ports.size() >= 4, "40 flows over several of the " + UdpTransmitter.POOL + " ports: " + ports);
        }
    }

    @Test
    void shouldCountAndSkipFramesThatAreNotEthernet() throws Exception {
        TapPacketSink s = (TapPacketSink) sink("sll", ifA, Map.of(), 0);
        try (s) {
            byte[] f = new byte[60];
            s.write(new Packet().set(MemorySegment.ofArray(f), 0, 60, 60, 1L, LinkType.LINUX_SLL, 0));
            s.flush();
            assertEquals(0, s.packetsWritten());
            assertEquals(1, s.counters().notEthernet.get());
        }
        assertTrue(MetricsRegistry.global().prometheus().lines()
                        .anyMatch(l -> l.startsWith("pushcap_tap_dropped_total{reason=\"not_ethernet\",tap=\"sll-") && l.endsWith("} 1.0")),
                "exported under its stable name");
    }
}
