package io.pushcap.capture;

import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.Packet;
import io.pushcap.pcap.PcapWriter;
import io.pushcap.pcap.TimestampPrecision;
import io.pushcap.ring.RingFile;
import io.pushcap.ring.RingInfo;
import io.pushcap.ring.RingReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * {@code pushcap rx -i} on a real interface: a veth pair between two network namespaces, tcpreplay
 * sending a generated capture into one end, rx capturing the other end into a ring in its own
 * process. What the ring holds must equal, byte for byte as tcpdump reads it, the replayed capture
 * (or tcprewrite/editcap's version of it for -V/-s, tcpdump's own filtering for -f).
 */
class RxLiveTest {
    private static final int PACKETS = 2000;
    private static VethPair veth;
    private static Path dir;
    private static Path in;
    private Process rx;
    private Path ring;
    private Path rxLog;

    @BeforeAll
    static void network() throws Exception {
        veth = VethPair.create();
        dir = Files.createTempDirectory(Path.of("/dev/shm"), "pushcap-live-");
        in = dir.resolve("in.pcap");
        TestFrames.writePcap(in, PACKETS, -1);
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (veth != null) {
            veth.close();
        }
        if (dir != null) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @BeforeEach
    void newRing() throws IOException {
        ring = Files.createTempFile(dir, "ring", "");
        Files.delete(ring);
        RingFile.create(ring, new RingFile.CreateOptions(8 << 20, false)).close();
        rxLog = Files.createTempFile(dir, "rx", ".log");
    }

    @AfterEach
    void stopRx() throws InterruptedException {
        if (rx != null && rx.isAlive()) {
            rx.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private void startRx(String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("rx", "-i", veth.vethB));
        args.addAll(List.of(options));
        args.add(ring.toString());
        rx = JavaProcess.pushcap(VethPair.prefix(veth.nsB), null, rxLog, args.toArray(String[]::new));
        waitFor("rx to start capturing", () -> info().linkType() == LinkType.ETHERNET ? 1 : 0, 1);
    }

    private RingInfo info() {
        try (RingFile r = RingFile.openReadOnly(ring)) {
            return r.info();
        }
    }

    private void waitFor(String what, LongSupplier value, long expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
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

    private void replay(Path pcap, int pps) throws Exception {
        VethPair.in(veth.nsA, "tcpreplay", "-q", "-i", veth.vethA, "--pps=" + pps, pcap.toString());
    }

    /** Stops rx with SIGTERM and checks it exits cleanly, releasing the writer slot. */
    private void stopCleanly() throws Exception {
        rx.destroy();
        assertTrue(rx.waitFor(30, TimeUnit.SECONDS), "rx did not stop on SIGTERM");
        assertEquals(143, rx.exitValue(), "exit status of a JVM stopped by SIGTERM");
        assertEquals(0, info().writerPid(), "rx released the writer slot on SIGTERM");
    }

    /** The ring's packets from the oldest, as a pcap file. */
    private Path export() throws IOException {
        Path out = Files.createTempFile(dir, "out", ".pcap");
        try (RingFile r = RingFile.open(ring);
             RingReader reader = r.reader(new RingReader.Options("export", RingReader.Start.OLDEST));
             PcapWriter w = PcapWriter.create(out, r.linkType(), 65535, TimestampPrecision.NANO)) {
            Packet p = new Packet();
            while (reader.next(p)) {
                w.write(p);
            }
            assertEquals(0, reader.lostPackets());
        }
        return out;
    }

    private static String tcpdump(Path pcap, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tcpdump", "-t", "-e", "-nn", "-xx", "-r", pcap.toString()));
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd));
        return out;
    }

    @Test
    void shouldCaptureEveryReplayedPacketExactlyWithoutKernelDrops() throws Exception {
        startRx();
        replay(in, 20_000);
        waitFor("all packets in the ring", () -> info().packets(), PACKETS);
        stopCleanly();
        RingInfo i = info();
        assertEquals(PACKETS, i.packets(), "no more and no fewer than tcpreplay sent");
        assertEquals(0, i.kernelDrops(), "kernel drops at a modest rate");
        assertEquals(Files.size(in) - 24 - 16L * PACKETS, i.bytes(), "bytes: the replayed capture's packet bytes");
        assertEquals(tcpdump(in), tcpdump(export()), "tcpdump reads the same frames from the ring as from the file");
    }

    @Test
    void shouldInsertVlanAndTruncateLiveExactlyLikeTcprewriteAndEditcap() throws Exception {
        Path tagged = dir.resolve("tagged.pcap");
        Path expected = dir.resolve("expected.pcap");
        VethPair.run(List.of("tcprewrite", "--enet-vlan=add", "--enet-vlan-tag=100", "--enet-vlan-cfi=0",
                "--enet-vlan-pri=0", "-i", in.toString(), "-o", tagged.toString()));
        VethPair.run(List.of("editcap", "-s", "96", tagged.toString(), expected.toString()));
        startRx("-V", "100", "-s", "96");
        replay(in, 20_000);
        waitFor("all packets in the ring", () -> info().packets(), PACKETS);
        stopCleanly();
        assertEquals(tcpdump(expected), tcpdump(export()));
    }

    @Test
    void shouldApplyBpfFilterInTheKernel() throws Exception {
        Path filtered = dir.resolve("filtered.pcap");
        VethPair.run(List.of("tcpdump", "-r", in.toString(), "-w", filtered.toString(), "udp port 5000"));
        startRx("-f", "udp port 5000");
        replay(in, 20_000);
        waitFor("the filtered packets", () -> info().packets(), PACKETS / 2);
        stopCleanly();
        assertEquals(PACKETS / 2, info().packets());
        assertEquals(tcpdump(filtered), tcpdump(export()));
    }

    @Test
    void shouldReportDownInterfaceAndResumeCapturingWhenItIsBack() throws Exception {
        startRx();
        replay(in, 20_000);
        waitFor("the first replay", () -> info().packets(), PACKETS);
        VethPair.in(veth.nsB, "ip", "link", "set", veth.vethB, "down");
        waitFor("rx to report the interface down",
                () -> log().contains("interface went down (operstate down)") ? 1 : 0, 1);
        VethPair.in(veth.nsB, "ip", "link", "set", veth.vethB, "up");
        waitFor("rx to reopen the interface", () -> info().sourceRestarts(), 1);
        waitFor("rx to log the restart", () -> log().contains("capturing again after") ? 1 : 0, 1);
        replay(in, 20_000);
        waitFor("the second replay", () -> info().packets(), 2L * PACKETS);
        stopCleanly();
        assertEquals(2L * PACKETS, info().packets());
        assertEquals(1, info().sourceRestarts());
    }

    private String log() {
        try {
            return Files.readString(rxLog);
        } catch (IOException e) {
            return "";
        }
    }
}
