package io.pushcap.it;

import io.pushcap.testing.Cmd;
import io.pushcap.testsupport.PushcapCli;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile paths and inputs given to {@code check}, {@code push} and {@code convert} through
 * {@code bin/pushcap}: each is refused before anything starts with one clear line naming the
 * key and the value, and exit 2 (USAGE), never an "internal error" (70) or a stack trace. A
 * {@code Path} under /proc used to pass {@code check} and then fail the push with "internal error
 * ... IOException".
 */
class PushErrorsIT {
    @TempDir
    Path dir;
    private Path capture;
    private Path readOnly;

    @BeforeEach
    void capture() throws Exception {
        capture = dir.resolve("in.pcap");
        PushcapCli.run(dir, Duration.ofMinutes(1), Map.of(), "gen", "-w", capture.toString(), "--size", "2m").ok();
    }

    @AfterEach
    void unmount() {
        if (readOnly != null) {
            Cmd.run("umount", readOnly.toString());
        }
    }

    private Path config(String name, String path) throws Exception {
        return oneTarget(name, "Desc = \"t\", Path = \"" + path + "\", Split = \"--split-size 1e6\","
                + " FileName = \"--filename-tstr-HHMMSS_SUB\", FilterBPF = \"\"");
    }

    /** A push_pcap.lua of one target whose fields are {@code target}. */
    private Path oneTarget(String name, String target) throws Exception {
        Path cfg = dir.resolve(name + ".lua");
        Files.writeString(cfg, "local Config = {}\nConfig.Target = {}\ntable.insert(Config.Target, { " + target
                + " })\nreturn Config\n");
        return cfg;
    }

    private PushcapCli.Result push(Path cfg, String source, String logDir, String stateDir) throws Exception {
        return PushcapCli.run(dir, Duration.ofMinutes(1), Map.of(), "push", "--config", cfg.toString(), "--force",
                "--offline", source, "--log-dir", logDir, "--state-dir", stateDir);
    }

    /** Exit 2 with a clear message holding every one of {@code expected}, and no internal error or trace. */
    private static void assertRefused(PushcapCli.Result r, String... expected) {
        assertThat(r.exit()).as("exit; output:\n%s", r.all()).isEqualTo(2);
        assertClear(r, expected);
    }

    /**
     * An input that is no capture at all: USAGE (2), or DAMAGED (4) should the readers report it
     * so; never an internal error.
     */
    private static void assertNoCapture(PushcapCli.Result r, String... expected) {
        assertThat(r.exit()).as("exit; output:\n%s", r.all()).isIn(2, 4);
        assertClear(r, expected);
    }

    private static void assertClear(PushcapCli.Result r, String... expected) {
        assertThat(r.all()).contains(expected).doesNotContain("internal error").doesNotContain("Exception")
                .doesNotContain("\tat ");
    }

    @Test
    void shouldRefuseAPathOnAKernelFileSystemInCheckAndPush() throws Exception {
        for (String path : List.of("/proc/pushcap/out", "/sys/pushcap")) {
            Path cfg = config("kernel", path);
            assertRefused(PushcapCli.run(dir, "check", cfg.toString()), "Path", path, "file system");
            PushcapCli.Result r = push(cfg, capture.toString(), "logs", "var");
            assertRefused(r, "target 't'", "Path", path, "file system");
            assertThat(r.stderr().strip()).doesNotContain("\n");
        }
    }

    @Test
    void shouldRefuseAPathUnderAFileOrOnAReadOnlyFileSystem() throws Exception {
        Files.writeString(dir.resolve("afile"), "x");
        assertRefused(PushcapCli.run(dir, "check", config("underfile", dir + "/afile/out").toString()),
                "Path", dir + "/afile/out", "not a directory");

        readOnly = Files.createDirectory(dir.resolve("ro"));
        Cmd.Result mount = Cmd.run("mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", readOnly.toString());
        assertThat(mount.exitCode()).as("mount a read-only tmpfs (the test runs as root): %s", mount.stderr()).isZero();
        Path cfg = config("readonly", readOnly + "/out");
        assertRefused(PushcapCli.run(dir, "check", cfg.toString()), "Path", readOnly + "/out", "read-only file system");
        assertRefused(push(config("ok", dir + "/out/t"), capture.toString(), readOnly + "/logs", "var"),
                "--log-dir", readOnly + "/logs", "read-only file system");
    }

    @Test
    void shouldNameTheLogOrStateDirWhenItCannotHoldFiles() throws Exception {
        Path cfg = config("ok", dir + "/out/t");
        Files.writeString(dir.resolve("afile"), "x");
        assertRefused(push(cfg, capture.toString(), "afile", "var"), "--log-dir afile", "not a directory");
        assertRefused(push(cfg, capture.toString(), "/proc/pushcap-logs", "var"), "--log-dir /proc/pushcap-logs",
                "proc file system");
        assertRefused(push(cfg, capture.toString(), "logs", "afile"), "target 't'", "--state-dir", "afile",
                "not a directory");
        assertRefused(push(cfg, capture.toString(), "logs", "/sys/pushcap-state"), "--state-dir", "sysfs");
    }

    @Test
    void shouldRefuseOfflineSourcesThatAreNoCaptures() throws Exception {
        Path cfg = config("ok", dir + "/out/t");
        Path fifo = dir.resolve("fifo");
        Cmd.run("mkfifo", fifo.toString()).ok();
        assertRefused(push(cfg, fifo.toString(), "logs", "var"), fifo.toString(), "not a regular file");
        Path empty = Files.createFile(dir.resolve("empty.pcap"));
        assertNoCapture(push(cfg, empty.toString(), "logs", "var"), empty.toString(), "empty");
        Path junk = Files.createDirectory(dir.resolve("junk"));
        Files.writeString(junk.resolve("notes.pcap"), "not a capture at all\n");
        assertNoCapture(push(cfg, junk.toString(), "logs", "var"), "notes.pcap");
        Path none = Files.createDirectory(dir.resolve("none"));
        Files.writeString(none.resolve("readme.txt"), "x");
        assertRefused(push(cfg, none.toString(), "logs", "var"), none.toString(), "no .pcap");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void shouldRefuseAConvertOutputThatCannotBeCreated() throws Exception {
        Files.writeString(dir.resolve("afile"), "x");
        assertRefused(PushcapCli.run(dir, "convert", capture.toString(), "/proc/x.pcap"), "/proc/x.pcap",
                "proc file system");
        assertRefused(PushcapCli.run(dir, "convert", capture.toString(), "afile/x.pcap"), "afile/x.pcap",
                "not a directory");
    }

    /**
     * libpcap compiles no filter for some link types (802.15.4, DSA tags, NFLOG...): the target's
     * FilterBPF, checked for Ethernet with the config, meets the input's link type only at start.
     */
    @Test
    void shouldNameTheTargetKeyAndLinkTypeWhenTheFilterCannotBeCompiledForTheInput() throws Exception {
        Path wpan = dir.resolve("wpan.pcap");
        try (var w = io.pushcap.pcap.PcapWriter.create(wpan, 195, 127, io.pushcap.pcap.TimestampPrecision.NANO)) {
            byte[] frame = {0x41, (byte) 0x88, 0x01, (byte) 0xcd, (byte) 0xab, (byte) 0xff, (byte) 0xff, 0x01, 0x00};
            w.write(1_700_000_000_000_000_000L, frame.length, java.lang.foreign.MemorySegment.ofArray(frame), 0,
                    frame.length);
        }
        Path cfg = oneTarget("tcp", "Desc = \"tcp\", Path = \"" + dir + "/out/\", Split = \"--split-time 60e9\","
                + " FileName = \"--filename-epoch-sec\", FilterBPF = \"tcp\"");
        assertRefused(push(cfg, wpan.toString(), "logs", "var"), "target 'tcp': FilterBPF: BPF filter 'tcp': IEEE 802.15.4"
                + " link-layer type filtering not implemented (the input's link type is LINKTYPE_195, 195)");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    /** Captures from before 2001 (tcpdump's test files start at 86400 s): names stay in time order. */
    @Test
    void shouldPushEveryPacketInTimeOrderedNamesWhenTimesPrecede2001() throws Exception {
        Path old = dir.resolve("old.pcap");
        try (var w = io.pushcap.pcap.PcapWriter.create(old, 1, 65535, io.pushcap.pcap.TimestampPrecision.NANO)) {
            byte[] frame = new byte[60];
            frame[12] = 0x08;
            for (long t : new long[] {86_400L, 172_800L, 1_514_385_133L}) {
                w.write(t * 1_000_000_000L, 60, java.lang.foreign.MemorySegment.ofArray(frame), 0, 60);
            }
        }
        Path cfg = oneTarget("old", "Desc = \"old\", Path = \"" + dir + "/old/\", Split = \"--split-time 60e9\","
                + " FileName = \"--filename-epoch-sec-startend\"");
        PushcapCli.Result r = push(cfg, old.toString(), "logs", "var");
        assertThat(r.exit()).as(r.all()).isZero();
        try (var names = Files.list(dir.resolve("old"))) {
            assertThat(names.map(n -> n.getFileName().toString()).sorted().toList()).containsExactly(
                    "0000086400-0000086460.pcap", "0000172800-0000172860.pcap", "1514385120-1514385180.pcap");
        }
    }

    /**
     * A service stopping its schedule signals the push's whole process group, the config's
     * evaluator child included: that is a stop (130), not a configuration error (it was exit 2,
     * "evaluating the script failed: the evaluator exited with status 143").
     */
    @Test
    void shouldExitInterruptedWhenStoppedWhileTheConfigIsEvaluated() throws Exception {
        Path cfg = dir.resolve("slow.lua");
        // ~11 s of evaluation here (few Lua instructions, each building a 10 MB string): still running when stopped.
        Files.writeString(cfg, "for i = 1, 400 do local s = string.rep('ab', 5000000) end\n"
                + "local Config = {}\nConfig.Target = {}\ntable.insert(Config.Target, { Desc = \"t\", Path = \""
                + dir + "/slow/\", Split = \"--split-time 60e9\", FileName = \"--filename-epoch-sec\" })\nreturn Config\n");
        // set -m: the push gets a process group of its own, as a schedule's loader does under serve.
        String script = "set -m; \"$0\" push --config \"$1\" --force --offline \"$2\" --log-dir logs --state-dir var"
                + " 2>err.txt & pid=$!; sleep 2.5; kill -TERM -- -$pid; wait $pid; echo exit=$?";
        Cmd.Result r = Cmd.run(null, 60, List.of("bash", "-c", "cd " + dir + " && PUSHCAP_NO_BUILD=1 " + script,
                PushcapCli.launcher().toString(), cfg.toString(), capture.toString()));
        String err = Files.readString(dir.resolve("err.txt"));
        assertThat(r.stdout().strip()).as(err).isEqualTo("exit=130");
        assertThat(err).contains("push: stopped while evaluating " + cfg + "; nothing was pushed")
                .doesNotContain("evaluator exited");
        assertThat(dir.resolve("slow")).doesNotExist();
    }
}
