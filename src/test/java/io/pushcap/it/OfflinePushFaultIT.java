package io.pushcap.it;

import io.pushcap.testing.Cmd;
import io.pushcap.testsupport.Await;
import io.pushcap.testsupport.PushcapCli;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The offline half of the fault suite, through {@code bin/pushcap}: an offline push of two targets
 * is killed with SIGKILL ten times at random points (while the JVM starts, once it holds its
 * locks, after a random number of published files, in the middle of a split), then run to
 * completion. After every kill no file under a final name is corrupt (capinfos reads them all);
 * at the end each target's published files hold exactly tcpdump's selection of the input,
 * nothing lost or twice, no {@code .pending} file is left, and the manifest names each file
 * once with the SHA-256 of what the file now holds. A second push of the same target and state
 * directory, started while the first runs, is refused with the first one's pid (exit 5).
 */
class OfflinePushFaultIT {
    private static final Pattern PUBLISHED_NS = Pattern.compile("\"published_ns\":(\\d+)");
    private static final Pattern NAME = Pattern.compile("\"name\":\"([^\"]+)\"");
    private static final Pattern SHA = Pattern.compile("\"sha256\":\"([0-9a-f]+)\"");

    @TempDir
    Path dir;
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        started.forEach(Process::destroyForcibly);
    }

    private Path capture;
    private Path cfg;

    private void prepare(String size, String split) throws Exception {
        prepare(size, split, "");
    }

    /** @param extra more keys for both targets ("MaxMbps = 80, ") */
    private void prepare(String size, String split, String extra) throws Exception {
        capture = dir.resolve("in.pcap");
        PushcapCli.run(dir, Duration.ofMinutes(2), Map.of(), "gen", "-w", capture.toString(), "--size", size).ok();
        cfg = dir.resolve("push.lua");
        Files.writeString(cfg, """
                local Config = {}
                Config.Target = {}
                table.insert(Config.Target, { %3$s Desc = "all", Path = "%1$s/out/all", Split = "--split-size %2$s",
                    FileName = "--filename-tstr-HHMMSS_SUB", FilterBPF = "" })
                -- Decap = false: tcpdump's "tcp" (which does not look inside tunnels) is then the exact judge.
                table.insert(Config.Target, { %3$s Desc = "tcp", Path = "%1$s/out/tcp", Split = "--split-size %2$s",
                    FileName = "--filename-tstr-HHMMSS_SUB", FilterBPF = "tcp", Decap = false })
                return Config
                """.formatted(dir, split, extra));
    }

    private Process startPush() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(PushcapCli.launcher().toString(), "push", "--config", cfg.toString(),
                "--force", "--offline", capture.toString(), "--log-dir", dir.resolve("logs").toString(),
                "--state-dir", dir.resolve("var").toString())
                .directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("push.out").toFile()));
        pb.environment().putIfAbsent("PUSHCAP_NO_BUILD", "1");
        Process p = pb.start();
        started.add(p);
        return p;
    }

    @Test
    void shouldPublishTcpdumpsSelectionExactlyOnceWhenKilledTenTimesAtRandomPoints() throws Exception {
        Cmd.require("capinfos", "wireshark-common");
        prepare("40m", "2e6");
        Random random = new Random(Long.getLong("fault.seed", System.nanoTime()));
        for (int kill = 0; kill < 10; kill++) {
            long runStart = System.currentTimeMillis() * 1_000_000L;
            Process push = startPush();
            int point = random.nextInt(4);
            String what;
            switch (point) {
                case 0 -> what = "while the JVM starts";
                case 1 -> {
                    what = "once it holds its target locks";
                    waitFor(push, what, () -> lockedBy(push.pid()));
                }
                case 2 -> {
                    int files = 1 + random.nextInt(12);
                    what = "after " + files + " files of this run";
                    waitFor(push, what, () -> publishedSince(runStart) >= files);
                }
                default -> {
                    what = "in the middle of a split";
                    waitFor(push, what, this::pendingHasBytes);
                }
            }
            push.destroyForcibly();
            assertThat(push.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertFinalFilesReadable("after kill " + (kill + 1) + " " + what);
        }
        Process last = startPush();
        assertThat(last.waitFor(5, TimeUnit.MINUTES)).as("the push after the kills finishes").isTrue();
        assertThat(last.exitValue()).as("exit of the last push:\n%s", Files.readString(dir.resolve("push.out")))
                .isZero();

        assertThat(files(p -> p.endsWith(".pending"))).as(".pending files left").isEmpty();
        assertFinalFilesReadable("at the end");
        assertTarget("all", Cmd.tcpdump(capture, "--nano", "-tt", "-q"));
        assertTarget("tcp", Cmd.tcpdump(capture, "--nano", "-tt", "-q", "tcp"));
    }

    @Test
    void shouldRefuseASecondPushOfTheSameTargetsNamingTheFirstPid() throws Exception {
        // Capped at 80 Mbit/s, the first push takes ~15 s: long enough for the second JVM to start
        // whatever the machine's load (uncapped, a 300 MB push once ended first).
        prepare("150m", "50e6", "MaxMbps = 80,");
        Process first = startPush();
        waitFor(first, "the first push holds its locks", () -> lockedBy(first.pid()));
        PushcapCli.Result second = PushcapCli.run(dir, Duration.ofMinutes(2), Map.of(), "push", "--config",
                cfg.toString(), "--force", "--offline", capture.toString(), "--log-dir", dir.resolve("logs").toString(),
                "--state-dir", dir.resolve("var").toString());
        boolean firstStillRunning = first.isAlive();
        assertThat(first.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(first.exitValue()).as("the first push:\n%s", Files.readString(dir.resolve("push.out"))).isZero();
        assertThat(firstStillRunning).as("the first push was still running when the second was refused").isTrue();
        assertThat(second.exit()).as(second.all()).isEqualTo(5);
        assertThat(second.stderr().strip()).doesNotContain("\n")
                .contains("target 'all'").contains("pid " + first.pid()).contains("--state-dir");
        assertThat(files(p -> p.endsWith(".pending"))).isEmpty();
        assertTarget("all", Cmd.tcpdump(capture, "--nano", "-tt", "-q"));
    }

    /** The published files of {@code desc}, in name (= time) order, hold {@code expected}, and the manifest each once. */
    private void assertTarget(String desc, List<String> expected) throws Exception {
        List<Path> published = files(p -> p.contains("/out/" + desc + "_") && p.endsWith(".pcap"));
        List<String> got = new ArrayList<>();
        for (Path f : published) {
            got.addAll(Cmd.tcpdump(f, "--nano", "-tt", "-q"));
        }
        assertThat(got).as("packets published by %s, in order", desc).hasSize(expected.size());
        assertThat(got).isEqualTo(expected);

        List<String> lines = Files.readAllLines(dir.resolve("var/manifest/" + desc + ".jsonl"));
        Set<String> names = new HashSet<>();
        for (String line : lines) {
            Matcher n = NAME.matcher(line);
            Matcher s = SHA.matcher(line);
            assertThat(n.find() && s.find()).as("manifest line %s", line).isTrue();
            assertThat(names.add(n.group(1))).as("%s listed once in the manifest", n.group(1)).isTrue();
            assertThat(s.group(1)).as("manifest SHA-256 of %s is that of its content", n.group(1))
                    .isEqualTo(sha256(Path.of(n.group(1))));
        }
        assertThat(names).containsExactlyInAnyOrderElementsOf(published.stream().map(Path::toString).toList());
    }

    /** Every file under a final name is a whole capture: capinfos reads each to its end. */
    private void assertFinalFilesReadable(String when) throws IOException {
        List<Path> finals = files(p -> p.endsWith(".pcap"));
        if (finals.isEmpty()) {
            return;
        }
        List<String> cmd = new ArrayList<>(List.of("capinfos", "-c", "-M"));
        finals.forEach(f -> cmd.add(f.toString()));
        Cmd.Result r = Cmd.run(null, 120, cmd);
        assertThat(r.exitCode()).as("capinfos of every final file %s:\n%s%s", when, r.stdout(), r.stderr()).isZero();
    }

    private List<Path> files(java.util.function.Predicate<String> name) throws IOException {
        Path out = dir.resolve("out");
        if (!Files.isDirectory(out)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(out)) {
            return s.filter(p -> name.test(p.toString())).sorted().toList();
        }
    }

    private boolean lockedBy(long pid) {
        try {
            Path lock = dir.resolve("var/locks/tcp.lock");
            return Files.exists(lock) && Files.readString(lock).strip().equals(Long.toString(pid));
        } catch (IOException e) {
            return false;
        }
    }

    /** Files of target "all" published by the run that started at {@code sinceNanos}. */
    private long publishedSince(long sinceNanos) {
        try {
            Path m = dir.resolve("var/manifest/all.jsonl");
            if (!Files.exists(m)) {
                return 0;
            }
            Set<String> names = new HashSet<>();
            for (String line : Files.readAllLines(m, StandardCharsets.UTF_8)) {
                Matcher t = PUBLISHED_NS.matcher(line);
                Matcher n = NAME.matcher(line);
                if (t.find() && n.find() && Long.parseLong(t.group(1)) >= sinceNanos) {
                    names.add(n.group(1));
                }
            }
            return names.size();
        } catch (IOException | RuntimeException e) {
            return 0;   // read while being replaced
        }
    }

    private boolean pendingHasBytes() {
        try {
            return files(p -> p.endsWith(".pending")).stream().anyMatch(p -> p.toFile().length() > 100_000);
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits for {@code condition}; a push that ended first (all published) is fine too, and killing it is a no-op. */
    private void waitFor(Process push, String what, java.util.function.BooleanSupplier condition) {
        Await.until(what, Duration.ofMinutes(2), () -> condition.getAsBoolean() || !push.isAlive());
    }

    private static String sha256(Path f) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(f)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                d.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }
}
