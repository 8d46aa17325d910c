package io.pushcap.sink.tap;

import io.pushcap.capture.TestFrames;
import io.pushcap.testsupport.PacketHex;
import io.pushcap.testsupport.TapNet;
import io.pushcap.testsupport.TapRings;
import io.pushcap.testsupport.Tcpdump;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The Linux kernel as the judge of our encapsulation: a kernel tunnel device in the receiving
 * namespace decapsulates what {@code pushcap tx -E} sends, and tcpdump on that device must see
 * exactly the ring's frames. VXLAN always runs (the kernel here has the vxlan module); GRETAP and
 * ERSPAN need the ip_gre module and skip, saying so, where {@code ip link add ... type gretap}
 * fails with "Unknown device type".
 */
class KernelTunnelDeviceTest {
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private TapNet net;
    private Path dir;

    @BeforeEach
    void setUp() throws Exception {
        net = TapNet.create(9000);
        dir = Files.createTempDirectory(Path.of("/dev/shm"), "pushcap-kdev-");
    }

    @AfterEach
    void tearDown() throws IOException {
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

    private static List<byte[]> frames(int first, int n, int vlanEvery) {
        List<byte[]> out = new ArrayList<>();
        for (int i = first; i < first + n; i++) {
            out.add(TestFrames.frame(i, vlanEvery > 0 && i % vlanEvery == 0 ? 100 : -1));
        }
        return out;
    }

    private void tx(Path ring, String... encap) throws Exception {
        Path log = Files.createTempFile(dir, "tx", ".log");
        List<String> args = new ArrayList<>(List.of("tx"));
        args.addAll(List.of(encap));
        args.addAll(List.of("--from-start", "--once", ring.toString()));
        Process p = TapNet.pushcap(net.nsA, log, args.toArray(String[]::new));
        assertTrue(p.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), Files.readString(log));
        assertEquals(0, p.exitValue(), Files.readString(log));
    }

    /** Creates a kernel device in namespace B, or skips the test when the kernel lacks the module. */
    private void device(String type, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "link", "add"));
        cmd.addAll(List.of(args));
        try {
            TapNet.in(net.nsB, cmd.toArray(String[]::new));
        } catch (IOException e) {
            Assumptions.assumeFalse(e.getMessage().contains("Unknown device type"),
                    "the kernel has no ip_gre module (`ip link add ... type " + type + "` says 'Unknown device type'),"
                            + " so no kernel " + type + " device can decapsulate; TunnelFieldsTest (tshark) and"
                            + " TunnelRoundTripTest (rx -E) check " + type + " instead");
            throw e;
        }
        TapNet.in(net.nsB, "ip", "link", "set", args[0], "up");
    }

    private String counter(String iface, String name) throws Exception {
        return TapNet.in(net.nsB, "cat", "/sys/class/net/" + iface + "/statistics/" + name).trim();
    }

    @Test
    void shouldDeliverExactlyTheRingsFramesWhenAKernelVxlanDeviceDecapsulates() throws Exception {
        device("vxlan", "vx42", "type", "vxlan", "id", "42", "dstport", "4789", "local", TapNet.IP_B, "dev", net.ifB,
                "nolearning");
        List<byte[]> frames = frames(0, 500, 7);
        Path ring = TapRings.ring(dir.resolve("ring"), 8 << 20, frames);
        try (Tcpdump t = Tcpdump.start(TapNet.prefix(net.nsB), "vx42", dir.resolve("vx.pcap"), frames.size(), null)) {
            tx(ring, "-E", "vxlan:" + TapNet.IP_B, "-K", "42");
            PacketHex.assertSamePackets(PacketHex.of(frames), PacketHex.of(t.await(DEADLINE)));
        }
        assertEquals(Integer.toString(frames.size()), counter("vx42", "rx_packets"));
    }

    @Test
    void shouldBeDroppedByTheKernelWhenTheVniDiffers() throws Exception {
        device("vxlan", "vx42", "type", "vxlan", "id", "42", "dstport", "4789", "local", TapNet.IP_B, "dev", net.ifB,
                "nolearning");
        List<byte[]> wrong = frames(10_000, 100, 0);
        List<byte[]> right = frames(20_000, 100, 0);
        Path wrongRing = TapRings.ring(dir.resolve("wrong"), 8 << 20, wrong);
        Path rightRing = TapRings.ring(dir.resolve("right"), 8 << 20, right);
        try (Tcpdump device = Tcpdump.start(TapNet.prefix(net.nsB), "vx42", dir.resolve("vx.pcap"), right.size(), null);
             Tcpdump underlay = Tcpdump.start(TapNet.prefix(net.nsB), net.ifB, dir.resolve("under.pcap"), wrong.size(),
                     "udp port 4789")) {
            tx(wrongRing, "-E", "vxlan:" + TapNet.IP_B, "-K", "43");
            assertEquals(wrong.size(), PacketHex.of(underlay.await(DEADLINE)).size(), "VNI 43 reached the host");
            tx(rightRing, "-E", "vxlan:" + TapNet.IP_B, "-K", "42");
            PacketHex.assertSamePackets(PacketHex.of(right), PacketHex.of(device.await(DEADLINE)));
        }
        assertEquals(Integer.toString(right.size()), counter("vx42", "rx_packets"), "nothing of VNI 43 on the device");
    }

    @Test
    void shouldDeliverExactlyTheRingsFramesWhenAKernelGretapDeviceDecapsulates() throws Exception {
        device("gretap", "gt77", "type", "gretap", "local", TapNet.IP_B, "remote", TapNet.IP_A, "key", "77");
        List<byte[]> frames = frames(0, 300, 5);
        Path ring = TapRings.ring(dir.resolve("ring"), 8 << 20, frames);
        try (Tcpdump t = Tcpdump.start(TapNet.prefix(net.nsB), "gt77", dir.resolve("gt.pcap"), frames.size(), null)) {
            tx(ring, "-E", "gretap:" + TapNet.IP_B, "-K", "77");
            PacketHex.assertSamePackets(PacketHex.of(frames), PacketHex.of(t.await(DEADLINE)));
        }
    }

    @Test
    void shouldDeliverExactlyTheRingsFramesWhenKernelErspanDevicesDecapsulate() throws Exception {
        device("erspan", "es2", "type", "erspan", "seq", "key", "300", "local", TapNet.IP_B, "remote", TapNet.IP_A,
                "erspan_ver", "1", "erspan", "1");
        List<byte[]> frames = frames(0, 300, 5);
        Path ring = TapRings.ring(dir.resolve("ring"), 8 << 20, frames);
        try (Tcpdump t = Tcpdump.start(TapNet.prefix(net.nsB), "es2", dir.resolve("es2.pcap"), frames.size(), null)) {
            tx(ring, "-E", "erspan:" + TapNet.IP_B, "-K", "300");
            PacketHex.assertSamePackets(PacketHex.of(frames), PacketHex.of(t.await(DEADLINE)));
        }
        TapNet.in(net.nsB, "ip", "link", "del", "es2");
        device("erspan", "es3", "type", "erspan", "seq", "key", "301", "local", TapNet.IP_B, "remote", TapNet.IP_A,
                "erspan_ver", "2", "erspan_dir", "ingress", "erspan_hwid", "0");
        try (Tcpdump t = Tcpdump.start(TapNet.prefix(net.nsB), "es3", dir.resolve("es3.pcap"), frames.size(), null)) {
            tx(ring, "-E", "erspan3:" + TapNet.IP_B, "-K", "301");
            PacketHex.assertSamePackets(PacketHex.of(frames), PacketHex.of(t.await(DEADLINE)));
        }
    }
}
