package io.pushcap.pipeline;

import io.pushcap.capture.JavaProcess;
import io.pushcap.pcap.Packet;
import io.pushcap.ring.RingFile;
import io.pushcap.ring.RingWriter;
import io.pushcap.testing.Cmd;
import io.pushcap.testing.Frames;
import io.pushcap.testsupport.FtpTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** Real-time push from a ring, in a separate JVM, stopped with SIGTERM. */
class LivePushTest {
    @TempDir
    Path dir;
    Path ring;
    RingFile ringFile;
    RingWriter writer;
    final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void ring() {
        ring = dir.resolve("r.ring");
        ringFile = RingFile.create(ring, new RingFile.CreateOptions(8L << 20, false));
        writer = ringFile.writer("test");
        writer.declare(1, 262144);
    }

    @AfterEach
    void cleanUp() {
        processes.forEach(Process::destroyForcibly);
        writer.close();
        ringFile.close();
    }

    void write(int n, int seed) {
        long now = System.currentTimeMillis() * 1_000_000L;
        for (int i = 0; i < n; i++) {
            byte[] f = Frames.udp(0x0a000001, 0x0a000002, 1000 + seed, 2000 + i, 64, seed + i);
            writer.write(new Packet().set(MemorySegment.ofArray(f), 0, f.length, f.length, now + i, 1, 0));
        }
    }

    Path config(String target) throws IOException {
        Path c = dir.resolve("push_live.lua");
        Files.writeString(c, "local Config = {}\nConfig.Target = {}\ntable.insert(Config.Target, {" + target
                + "})\nreturn Config\n");
        return c;
    }

    Process push(Path cfg) throws IOException {
        Path log = dir.resolve("push.out");
        ProcessBuilder pb = new ProcessBuilder(JavaProcess.command(List.of(), "io.pushcap.cli.Main", "push", "--config",
                cfg.toString(), "--log-dir", dir.resolve("logs").toString(), "--state-dir", dir.resolve("var").toString()));
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("PUSHCAP_STORE", dir.resolve("store").toString());
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    Path manifest() {
        return dir.resolve("var/manifest/t.jsonl");
    }

    int manifestLines() {
        try {
            return Files.exists(manifest()) ? Files.readAllLines(manifest()).size() : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    boolean logSays(String text) {
        try {
            Path log = dir.resolve("logs/push_t.cur");
            return Files.exists(log) && Files.readString(log).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    void waitFor(String what, int seconds, BooleanSupplier c) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                Path out = dir.resolve("push.out");
                fail("timed out after " + seconds + " s waiting until " + what + "\n"
                        + (Files.exists(out) ? Files.readString(out) : ""));
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    long stop(Process p) throws Exception {
        p.destroy();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("push stops within 30 s of SIGTERM").isTrue();
        return p.exitValue();
    }

    List<Path> files(String glob) throws IOException {
        Path out = dir.resolve("out");
        if (!Files.isDirectory(out)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(out)) {
            return s.filter(p -> out.getFileSystem().getPathMatcher("glob:" + glob).matches(p.getFileName())).sorted().toList();
        }
    }

    @Test
    void shouldRetryWithoutEndVisiblyAndKeepOtherTargetsRunningWhenAServerIsDownInALivePush() throws Exception {
        try (FtpTestServer ftp = FtpTestServer.unstarted(dir.resolve("ftp"))) {
            // RetryFor = 1 would end the target in an offline push; live, the service retries for ever.
            Path cfg = dir.resolve("push_live.lua");
            Files.writeString(cfg, "local Config = {}\nConfig.Target = {}\n"
                    + "table.insert(Config.Target, {Desc = 't', Path = '" + dir.resolve("out") + "/', Source = '" + ring
                    + "', Split = '--split-time 1e9', FileName = '--filename-epoch-sec'})\n"
                    + "table.insert(Config.Target, {Desc = 'ftp', Mode = 'CURL', Path = '" + ftp.url() + "/live/', Source = '"
                    + ring + "', Split = '--split-time 1e9', FileName = '--filename-epoch-sec', RetryFor = 1})\n"
                    + "return Config\n");
            Path out = dir.resolve("push.out");
            ProcessBuilder pb = new ProcessBuilder(JavaProcess.command(List.of(), "io.pushcap.cli.Main", "push", "--config",
                    cfg.toString(), "--log-dir", dir.resolve("logs").toString(), "--state-dir",
                    dir.resolve("var").toString(), "--stuck-after", "2"));
            pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
            Process p = pb.start();
            processes.add(p);
            waitFor("targets started", 20, () -> logSays("source ring") && ftpLogSays("sink check failed"));
            write(10, 6);
            waitFor("the File target publishes while the FTP server is down", 60, () -> manifestLines() == 1);
            waitFor("the FTP target reported STUCK, past its RetryFor", 30, () -> ftpLogSays("STUCK for"));
            assertThat(p.isAlive()).isTrue();
            assertThat(ftpLogSays("gave up")).isFalse();
            ftp.start();
            waitFor("the FTP target recovers once its server is up", 60, () -> ftpLogSays("recovered:"));
            assertThat(stop(p)).isZero();
            List<Path> got;
            try (Stream<Path> st = Files.list(ftp.home().resolve("live"))) {
                got = st.filter(f -> f.toString().endsWith(".pcap")).toList();
            }
            assertThat(got).hasSize(1);
            assertThat(Cmd.capinfosPackets(got.getFirst())).isEqualTo(10);
        }
    }

    boolean ftpLogSays(String text) {
        try {
            Path log = dir.resolve("logs/push_ftp.cur");
            return Files.exists(log) && Files.readString(log).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void shouldCloseTimeSplitAtItsBoundaryWhenNoFurtherPacketArrives() throws Exception {
        Process p = push(config("Desc = 't', Path = '" + dir.resolve("out") + "/', Source = '" + ring
                + "', Split = '--split-time 1e9', FileName = '--filename-epoch-sec'"));
        waitFor("target started", 20, () -> logSays("source ring"));
        write(10, 1);
        waitFor("the split is published at its boundary, with no packet after it", 60, () -> manifestLines() == 1);
        assertThat(Cmd.capinfosPackets(files("*.pcap").getFirst())).isEqualTo(10);
        assertThat(stop(p)).isZero();
    }

    @Test
    void shouldPublishOpenSplitAfterTimeoutRingWithoutPackets() throws Exception {
        Process p = push(config("Desc = 't', Path = '" + dir.resolve("out") + "/', Source = '" + ring
                + "', Split = '--split-time 3600e9', FileName = '--filename-epoch-sec', TimeoutRing = 5e8"));
        waitFor("target started", 20, () -> logSays("source ring"));
        write(7, 2);
        waitFor("TimeoutRing publishes the hour-long split early", 60, () -> manifestLines() == 1);
        assertThat(Cmd.capinfosPackets(files("*.pcap").getFirst())).isEqualTo(7);
        assertThat(stop(p)).isZero();
    }

    @Test
    void shouldStartAtTheOldestRecordOnlyWhenFollowStartIsTrue() throws Exception {
        write(5, 3);
        Process late = push(config("Desc = 't', Path = '" + dir.resolve("out") + "/', Source = '" + ring
                + "', FollowStart = false, Split = '--split-time 1e9', FileName = '--filename-epoch-sec'"));
        waitFor("target started", 20, () -> logSays("source ring"));
        write(3, 4);
        waitFor("split of the new packets", 60, () -> manifestLines() == 1);
        assertThat(stop(late)).isZero();
        assertThat(Cmd.capinfosPackets(files("*.pcap").getFirst())).isEqualTo(3);
    }

    @Test
    void shouldPublishOpenSplitAndExitZeroWhenSigtermArrives() throws Exception {
        Process p = push(config("Desc = 't', Path = '" + dir.resolve("out") + "/', Source = '" + ring
                + "', FollowStart = true, Split = '--split-time 3600e9', FileName = '--filename-epoch-sec'"));
        write(42, 5);
        waitFor("packets read", 20, () -> logSays("New Split"));
        assertThat(manifestLines()).isZero();
        assertThat(stop(p)).isZero();
        assertThat(manifestLines()).isEqualTo(1);
        assertThat(Cmd.capinfosPackets(files("*.pcap").getFirst())).isEqualTo(42);
        assertThat(files("*.pending")).isEmpty();
    }

    @Test
    void shouldExitWithStatusThreeAndForgetPositionUnderRingTimeoutExit() throws Exception {
        Process p = push(config("Desc = 't', Path = '" + dir.resolve("out") + "/', Source = '" + ring
                + "', FollowStart = true, Split = '--split-time 1e9', FileName = '--filename-epoch-sec',"
                + " PipeCmd = 'false', TimeoutRing = 1e9, StreamCat = '--ring-timeout-exit '"));
        write(20, 6);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("push exits by itself").isTrue();
        assertThat(p.exitValue()).isEqualTo(PushJob.EXIT_RING_TIMEOUT);
        assertThat(logSays("ring-timeout-exit")).isTrue();
        assertThat(dir.resolve("var/cursors/t.json")).doesNotExist();
        assertThat(files("*.pcap")).isEmpty();
    }

    @Test
    void shouldFollowStoredCaptureByNameWhileItIsRecorded() throws Exception {
        ProcessBuilder rec = new ProcessBuilder(JavaProcess.command(List.of(), "io.pushcap.cli.Main", "record", ring.toString(),
                "--store", dir.resolve("store").toString(), "--name", "cap1", "--flush-interval", "20ms"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("record.out").toFile());
        Process recorder = rec.start();
        processes.add(recorder);
        waitFor("capture cap1 exists", 20, () -> Files.exists(dir.resolve("store/cap1")));
        write(12, 8);
        Process p = push(config("Desc = 't', Path = '" + dir.resolve("out") + "/', Source = 'cap1', FollowStart = true,"
                + " Split = '--split-time 1e9', FileName = '--filename-epoch-sec'"));
        waitFor("the recorded packets are pushed from the capture", 20, () -> manifestLines() == 1);
        assertThat(logSays("source capture")).isTrue();
        assertThat(Cmd.capinfosPackets(files("*.pcap").getFirst())).isEqualTo(12);
        assertThat(stop(p)).isZero();
        recorder.destroy();
        assertThat(recorder.waitFor(20, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void shouldFeedLocalRingThatCatHandsToTsharkWhenModeIsLxc() throws Exception {
        Path lxc = dir.resolve("lxc_ring0");
        RingFile.create(lxc, new RingFile.CreateOptions(4L << 20, false)).close();
        Process p = push(config("Desc = 't', Mode = 'LXC', Path = '" + lxc + "', Source = '" + ring
                + "', FollowStart = true, FilterBPF = 'udp dst port 2001 or udp dst port 2003'"));
        Path catOut = dir.resolve("cat.pcap");
        ProcessBuilder cat = new ProcessBuilder(JavaProcess.command(List.of(), "io.pushcap.cli.Main", "cat",
                "--from-start", lxc.toString())).redirectOutput(catOut.toFile()).redirectError(dir.resolve("cat.err").toFile());
        Process c = cat.start();
        processes.add(c);
        write(10, 7);
        waitFor("both matching packets in the LXC ring", 20, () -> catOut.toFile().length() >= 24 + 2 * (16 + 106));
        c.destroy();
        c.waitFor(10, TimeUnit.SECONDS);
        assertThat(stop(p)).isZero();
        Cmd.require("tshark", "tshark");
        List<String> ports = Cmd.run("tshark", "-r", catOut.toString(), "-T", "fields", "-e", "udp.dstport").ok().lines();
        assertThat(ports).containsExactly("2001", "2003");
    }
}
