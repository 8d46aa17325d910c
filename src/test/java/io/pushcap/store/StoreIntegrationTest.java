package io.pushcap.store;

import io.pushcap.capture.JavaProcess;
import io.pushcap.capture.VethPair;
import io.pushcap.cli.Main;
import io.pushcap.pcap.LinkType;
import io.pushcap.ring.RingFile;
import io.pushcap.ring.RingInfo;
import io.pushcap.testing.Cmd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The whole way in and out, each pushcap command in its own JVM: a generated capture replayed
 * with tcpreplay into one end of a veth pair between two network namespaces (offloads off),
 * {@code rx -i} on the other end into a ring, {@code record} into the store, then
 * {@code push --offline <capture name>} with filters. Every target's output must be exactly what
 * tcpdump reads from the replayed capture with the same filter (frames byte for byte, in order);
 * a tcpdump on the receiving end and the kernel's drop counter confirm nothing was lost on the way.
 */
class StoreIntegrationTest {
    private static final int PACKETS = 4000;
    private static VethPair veth;
    private static Path dir;
    private static Path in;
    private static Path twin;
    private final List<Process> processes = new ArrayList<>();

    @BeforeAll
    static void network() throws Exception {
        veth = VethPair.create();
        // Tagged and tunnelled frames of the generated mix are up to 1522 bytes.
        VethPair.in(veth.nsA, "ip", "link", "set", "dev", veth.vethA, "mtu", "9000");
        VethPair.in(veth.nsB, "ip", "link", "set", "dev", veth.vethB, "mtu", "9000");
        dir = Files.createTempDirectory(Path.of("/dev/shm"), "pushcap-store-it-");
        in = dir.resolve("in.pcap");
        twin = dir.resolve("twin.pcap");
        int rc = Main.commandLine().execute("gen", "-w", in.toString(), "--twin", twin.toString(), "--packets",
                Integer.toString(PACKETS), "--mix", "mixed", "--seed", "11", "--flows", "200");
        assertThat(rc).as("pushcap gen").isZero();
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (veth != null) {
            veth.close();
        }
        StoreTestSupport.deleteTree(dir);
    }

    @AfterEach
    void stopProcesses() throws InterruptedException {
        for (Process p : processes) {
            if (p.isAlive()) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private Process start(Process p) {
        processes.add(p);
        return p;
    }

    private void waitFor(String what, BooleanSupplier condition, Path... logs) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            for (Process p : processes) {
                if (!p.isAlive()) {
                    fail(p.info().commandLine().orElse("a process") + " exited (" + p.exitValue() + ") while waiting for "
                            + what + "\n" + logs(logs));
                }
            }
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what + "\n" + logs(logs));
            }
            Thread.sleep(20);
        }
    }

    private static String logs(Path... logs) throws IOException {
        StringBuilder b = new StringBuilder();
        for (Path l : logs) {
            b.append("--- ").append(l.getFileName()).append(":\n").append(Files.exists(l) ? Files.readString(l) : "")
                    .append('\n');
        }
        return b.toString();
    }

    private static RingInfo info(Path ring) {
        try (RingFile r = RingFile.openReadOnly(ring)) {
            return r.info();
        }
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
        assertThat(p.exitValue()).isEqualTo(143);
    }

    /** Frames as tcpdump prints them (link header, hex), without timestamps, which replay changes. */
    private static List<String> frames(List<Path> files, String... filter) {
        List<String> out = new ArrayList<>();
        for (Path f : files) {
            List<String> args = new ArrayList<>(List.of("-t", "-e", "-xx"));
            args.addAll(List.of(filter));
            out.addAll(Cmd.tcpdump(f, args.toArray(String[]::new)));
        }
        return out;
    }

    private static List<Path> published(Path outDir) throws IOException {
        if (!Files.isDirectory(outDir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(outDir)) {
            return s.filter(p -> p.toString().endsWith(".pcap")).sorted().toList();
        }
    }

    @Test
    void shouldPushExactlyWhatTcpdumpReadsWhenRecordedFromAVethThroughRxAndRecord() throws Exception {
        Path ring = dir.resolve("ring");
        RingFile.create(ring, new RingFile.CreateOptions(64 << 20, false)).close();
        Path store = dir.resolve("store");
        Path rxLog = dir.resolve("rx.log");
        Path recLog = dir.resolve("record.log");
        Path judgeLog = dir.resolve("judge.log");
        Path judge = dir.resolve("judge.pcap");

        List<String> tcpdumpCmd = new ArrayList<>(VethPair.prefix(veth.nsB));
        tcpdumpCmd.addAll(List.of("tcpdump", "-i", veth.vethB, "-U", "-B", "16384", "-w", judge.toString()));
        Process judgeProc = start(new ProcessBuilder(tcpdumpCmd).redirectErrorStream(true)
                .redirectOutput(judgeLog.toFile()).start());
        Process rx = start(JavaProcess.pushcap(VethPair.prefix(veth.nsB), null, rxLog, "rx", "-i", veth.vethB,
                ring.toString()));
        Process record = start(JavaProcess.pushcap(List.of(), null, recLog, "record", ring.toString(), "--store",
                store.toString(), "--name", "veth_20210521_0101", "--chunk-size", "256k"));
        waitFor("tcpdump, rx and record to start", () -> logHas(judgeLog, "listening on")
                && info(ring).linkType() == LinkType.ETHERNET
                && Store.at(store).contains("veth_20210521_0101"), rxLog, recLog, judgeLog);

        VethPair.in(veth.nsA, "tcpreplay", "-q", "-i", veth.vethA, "--pps=20000", in.toString());

        CaptureDir cap = Store.at(store).capture("veth_20210521_0101");
        waitFor("every packet in the ring", () -> info(ring).packets() >= PACKETS, rxLog, recLog);
        waitFor("every packet recorded", () -> CaptureRecorderTest.storedQuietly(cap) >= PACKETS, rxLog, recLog);
        waitFor("the receiving end's tcpdump to write every packet", () -> packetsIn(judge) >= PACKETS, judgeLog);
        stop(record);
        stop(rx);
        judgeProc.destroy();
        assertThat(judgeProc.waitFor(30, TimeUnit.SECONDS)).isTrue();

        RingInfo ri = info(ring);
        assertThat(ri.kernelDrops()).as("kernel drops at 20,000 packets/s").isZero();
        assertThat(ri.packets()).isEqualTo(PACKETS);
        assertThat(frames(List.of(judge))).as("the receiving end's tcpdump saw the replayed frames unchanged")
                .isEqualTo(frames(List.of(in)));

        CaptureInfo info = CaptureInfo.read(cap);
        assertThat(info.state()).isEqualTo("finished");
        assertThat(info.packets()).isEqualTo(PACKETS);
        assertThat(info.lostPackets()).isZero();
        assertThat(info.chunks()).isGreaterThan(3);

        ByteArrayOutputStream json = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        try {
            System.setOut(new PrintStream(json, true, StandardCharsets.UTF_8));
            assertThat(Main.commandLine().execute("captures", "--store", store.toString(), "--json")).isZero();
        } finally {
            System.setOut(saved);
        }
        assertThat(json.toString(StandardCharsets.UTF_8)).contains("\"name\":\"veth_20210521_0101\"")
                .contains("\"packets\":" + PACKETS).contains("\"recording\":false");

        Path out = dir.resolve("out");
        Path config = dir.resolve("push_pcap.lua");
        Files.writeString(config, """
                local Config = {}
                Config.Target = {}
                table.insert(Config.Target, { Desc = "all", Mode = "File", Path = "%1$s/all/", Split = "--split-time 60e9",
                    FileName = "--filename-epoch-sec-startend", Decap = false })
                table.insert(Config.Target, { Desc = "tcp", Mode = "File", Path = "%1$s/tcp/", Split = "--split-time 60e9",
                    FileName = "--filename-epoch-sec-startend", FilterBPF = "tcp", Decap = false })
                table.insert(Config.Target, { Desc = "vlan-udp", Mode = "File", Path = "%1$s/vlan-udp/",
                    Split = "--split-byte 100000", FileName = "--filename-tstr-HHMMSS", FilterBPF = "vlan and udp",
                    Decap = false })
                table.insert(Config.Target, { Desc = "inner-udp", Mode = "File", Path = "%1$s/inner-udp/",
                    Split = "--split-time 60e9", FileName = "--filename-epoch-sec-startend", FilterBPF = "udp",
                    WriteDecap = true })
                return Config
                """.formatted(out));
        int rc = Main.commandLine().execute("push", "--config", config.toString(), "--force", "--store", store.toString(),
                "--log-dir", dir.resolve("logs").toString(), "--state-dir", dir.resolve("var").toString(), "--no-progress",
                "--offline", "veth_20210521_0101");
        assertThat(rc).as("push --offline <capture name>").isZero();

        assertThat(frames(published(out.resolve("all")))).isEqualTo(frames(List.of(in)));
        assertThat(frames(published(out.resolve("tcp")))).isEqualTo(frames(List.of(in), "tcp")).isNotEmpty();
        assertThat(frames(published(out.resolve("vlan-udp")))).isEqualTo(frames(List.of(in), "vlan and udp"))
                .isNotEmpty();
        assertThat(frames(published(out.resolve("inner-udp")))).as("decapsulated udp, judged on the generator's twin")
                .isEqualTo(frames(List.of(twin), "udp")).isNotEmpty();
        long recordBytes = 0;
        for (Path f : published(out.resolve("all"))) {
            recordBytes += Files.size(f) - 24;
        }
        assertThat(recordBytes).as("bytes: the replayed capture's records").isEqualTo(Files.size(in) - 24);
    }

    /** Complete records in a pcap file being written (a partial last record is not counted). */
    private static long packetsIn(Path pcap) {
        long n = 0;
        try (io.pushcap.pcap.CaptureReader r = io.pushcap.pcap.CaptureFiles.open(pcap)) {
            io.pushcap.pcap.Packet p = new io.pushcap.pcap.Packet();
            while (r.next(p)) {
                n++;
            }
        } catch (IOException | RuntimeException partial) {
            // a record being written, or the header not yet there
        }
        return n;
    }

    private static boolean logHas(Path log, String text) {
        try {
            return Files.exists(log) && Files.readString(log).contains(text);
        } catch (IOException e) {
            return false;
        }
    }
}
