package io.pushcap.it;

import io.pushcap.synth.Mix;
import io.pushcap.synth.TrafficGenerator;
import io.pushcap.testing.Cmd;
import io.pushcap.testsupport.Await;
import io.pushcap.testsupport.FtpTestServer;
import io.pushcap.testsupport.PushcapCli;
import io.pushcap.testsupport.S3ProxyServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults through the real launcher ({@code bin/pushcap push --force --offline}), with real S3
 * (S3Proxy) and FTP servers: a server down at start, killed mid-split, started late; a disk that
 * fills; a PipeCmd that fails or hangs; a ScriptNew that hangs. Each case proves that one failing
 * target never stops the others, that nothing is lost or published twice, and that an offline
 * push always ends (a target's retry budget, RetryFor, bounds it). Published files are judged by
 * tcpdump against its own reading of the input.
 */
class FaultPushIT {
    private static final String BUCKET = "pcaps";
    private static final Duration PUSH_DEADLINE = Duration.ofSeconds(240);

    @TempDir
    static Path shared;
    static Path capture;
    static List<String> all;

    @BeforeAll
    static void generate() throws IOException {
        capture = shared.resolve("mixed.pcap");
        // 40000 packets at 8000 pps starting at xx:30.5: six one-second splits.
        TrafficGenerator.builder().mix(Mix.MIXED).seed(11).packets(40_000).pps(8_000).flows(500)
                .startNanos(1_700_000_030_500_000_000L).write(capture);
        all = Cmd.tcpdump(capture, "--nano", "-tt", "-e", "-S");
    }

    @Test
    void shouldFinishFileTargetAndFailOnlyDeadTargetsWhenServersAreDownAtStart(@TempDir Path dir) throws Exception {
        S3ProxyServer s3 = S3ProxyServer.unstarted(dir.resolve("s3"), true);
        FtpTestServer ftp = FtpTestServer.unstarted(dir.resolve("ftp"));
        Path out = Files.createDirectories(dir.resolve("out"));
        Path cfg = config(dir, fileTarget("file", out) + s3Target("s3", s3, "RetryFor = 5,")
                + ftpTarget("ftp", ftp, "RetryFor = \"5s\","));

        PushcapCli.Result r = push(dir, cfg, s3Env());

        assertThat(r.exit()).as(r.all()).isEqualTo(1);
        assertThat(packetsOf(files(out))).isEqualTo(all);
        assertThat(r.all()).contains("2 of 3 target(s) did not publish everything (the others finished)")
                .containsPattern("target 's3' FAILED: gave up after \\d+ failed attempts? in [0-9.]+ s \\(retry budget"
                        + " RetryFor 5s spent\\)")
                .containsPattern("target 'ftp' FAILED: gave up .*RetryFor 5s spent")
                .doesNotContain("internal error");
        assertThat(metric(dir, "pushcap_target_retry_budget_spent_total", "s3")).isEqualTo(1);
        assertThat(metric(dir, "pushcap_target_sink_check_failures_total", "ftp")).isEqualTo(1);
    }

    @Test
    void shouldPublishEverythingOnceWhenServersAreKilledMidSplitAndRestarted(@TempDir Path dir) throws Exception {
        try (S3ProxyServer s3 = S3ProxyServer.start(dir.resolve("s3"), true);
             FtpTestServer ftp = FtpTestServer.start(dir.resolve("ftp"))) {
            s3.client().createBucket(b -> b.bucket(BUCKET));
            // MaxMbps slows both targets so that the servers die while splits are still to come.
            Path cfg = config(dir, s3Target("s3", s3, "MaxMbps = 24,") + ftpTarget("ftp", ftp, "MaxMbps = 24,"));
            Process push = pushAsync(dir, cfg, s3Env());
            try {
                Await.until("a first object on each server", Duration.ofSeconds(120),
                        () -> objects(s3).size() >= 1 && ftpFiles(ftp).size() >= 1);
                s3.kill();
                ftp.stop();
                // A target may have published its last split just before its server went (the
                // machine was quick): then it is done, not retrying. At least one must retry.
                Await.until("each target retrying or done", Duration.ofSeconds(120),
                        () -> retryingOrDone(dir, "s3") && retryingOrDone(dir, "ftp"));
                assertThat(logContains(dir, "s3", "split failed") || logContains(dir, "ftp", "split failed"))
                        .as("a server was killed while its target still had splits to publish").isTrue();
                s3.start();
                ftp.start();
                assertThat(push.waitFor(PUSH_DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
                assertThat(push.exitValue()).as(Files.readString(dir.resolve("push.out"))).isZero();
            } finally {
                push.destroyForcibly();
            }
            assertThat(packetsOf(downloadAll(s3, dir.resolve("got-s3")))).isEqualTo(all);
            assertThat(packetsOf(ftpFiles(ftp))).isEqualTo(all);
            assertManifestNamesOnce(dir, "s3");
            assertManifestNamesOnce(dir, "ftp");
        }
    }

    /**
     * The targets of an offline push share one read of the input (SharedFileRead: a ring of 8
     * batches of 1 MiB). A target whose server is down must leave it while it retries: the ~90 MB
     * input fills the ring many times over, so a target still holding a batch would stop the file
     * target until the other's RetryFor (10 minutes) ran out.
     */
    @Test
    void shouldPublishTheFileTargetWhileAnotherTargetsServerStaysDownWhenTheyShareTheRead(@TempDir Path dir)
            throws Exception {
        Path big = dir.resolve("big.pcap");
        TrafficGenerator.builder().mix(Mix.MIXED).seed(12).packets(100_000).pps(8_000).flows(500)
                .startNanos(1_700_000_030_500_000_000L).write(big);
        assertThat(Files.size(big)).as("ten times the ring").isGreaterThan(80L << 20);
        S3ProxyServer s3 = S3ProxyServer.unstarted(dir.resolve("s3"), true);
        Path out = Files.createDirectories(dir.resolve("out"));
        Path cfg = config(dir, fileTarget("file", out) + s3Target("s3", s3, "RetryFor = 600,"));
        Process push = pushAsync(dir, cfg, s3Env(), big);
        try {
            Await.until("the file target done", Duration.ofSeconds(120), () -> logContains(dir, "file", "push file: DONE"));
            assertThat(push.isAlive()).as("the s3 target still retries").isTrue();
            assertThat(logContains(dir, "s3", "split failed")).isTrue();
            push.destroy();
            assertThat(push.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            push.destroyForcibly();
        }
        assertThat(packetsOf(files(out))).isEqualTo(Cmd.tcpdump(big, "--nano", "-tt", "-e", "-S"));
        assertThat(Files.readString(dir.resolve("push.out"))).contains("did not publish everything")
                .doesNotContain("internal error");
    }

    @Test
    void shouldRecoverAndPublishEverythingWhenServersStartAfterThePush(@TempDir Path dir) throws Exception {
        S3ProxyServer s3 = S3ProxyServer.unstarted(dir.resolve("s3"), true);
        FtpTestServer ftp = FtpTestServer.unstarted(dir.resolve("ftp"));
        try (s3; ftp) {
            s3.createBucketDir(BUCKET);
            Files.createDirectories(ftp.home());
            Path cfg = config(dir, s3Target("s3", s3, "") + ftpTarget("ftp", ftp, ""));
            Process push = pushAsync(dir, cfg, s3Env());
            try {
                // A target may have published its last split just before its server went (the
                // machine was quick): then it is done, not retrying. At least one must retry.
                Await.until("each target retrying or done", Duration.ofSeconds(120),
                        () -> retryingOrDone(dir, "s3") && retryingOrDone(dir, "ftp"));
                assertThat(logContains(dir, "s3", "split failed") || logContains(dir, "ftp", "split failed"))
                        .as("a server was killed while its target still had splits to publish").isTrue();
                s3.start();
                ftp.start();
                assertThat(push.waitFor(PUSH_DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
                assertThat(push.exitValue()).as(Files.readString(dir.resolve("push.out"))).isZero();
            } finally {
                push.destroyForcibly();
            }
            assertThat(logContains(dir, "s3", "recovered")).isTrue();
            assertThat(packetsOf(downloadAll(s3, dir.resolve("got-s3")))).isEqualTo(all);
            assertThat(packetsOf(ftpFiles(ftp))).isEqualTo(all);
        }
    }

    @Test
    void shouldFailOnlyTheTargetWhoseDiskIsFullAndCompleteOnRerunWhenSpaceIsFreed(@TempDir Path dir) throws Exception {
        Path mnt = Path.of("/tmp/pushcap-full-" + UUID.randomUUID().toString().substring(0, 8));
        Files.createDirectories(mnt);
        mount(mnt, "size=1m");
        try {
            Path ok = Files.createDirectories(dir.resolve("ok"));
            Path cfg = config(dir, fileTarget("ok", ok) + """
                    table.insert(Config.Target, {
                        Desc = "full", Mode = "File", Path = "%s/", Split = "--split-time 1e9",
                        FileName = "--filename-epoch-sec-startend", RetryFor = 3 })
                    """.formatted(mnt));

            PushcapCli.Result r = push(dir, cfg, Map.of());

            assertThat(r.exit()).as(r.all()).isEqualTo(1);
            assertThat(r.all()).containsPattern("target 'full' FAILED: gave up .*No space left on device");
            assertThat(packetsOf(files(ok))).isEqualTo(all);
            // Whatever is under a final name on the full disk is whole, and in the manifest.
            Set<String> manifest = manifestNames(dir, "full");
            for (Path f : files(mnt)) {
                assertThat(manifest).as("published %s", f).anyMatch(n -> n.endsWith(f.getFileName().toString()));
                assertThat(Cmd.capinfosPackets(f)).isPositive();
            }
            assertThat(listAll(mnt)).noneMatch(p -> p.getFileName().toString().endsWith(".pending"));

            mount(mnt, "remount,size=256m");
            PushcapCli.Result again = push(dir, cfg, Map.of());
            assertThat(again.exit()).as(again.all()).isZero();
            assertThat(packetsOf(files(mnt))).isEqualTo(all);
        } finally {
            Cmd.run("umount", mnt.toString());
            Files.deleteIfExists(mnt);
        }
    }

    @Test
    void shouldBoundAndCountPipeCmdAndScriptNewFailuresWhenTheyFailOrHang(@TempDir Path dir) throws Exception {
        Path ok = Files.createDirectories(dir.resolve("ok"));
        Path scripted = Files.createDirectories(dir.resolve("scripted"));
        String hang = "sleep " + (7000 + ProcessHandle.current().pid() % 1000);
        // ScriptNew gets the file name as its argument: a script that ignores it and hangs.
        Path hangScript = dir.resolve("hang.sh");
        Files.writeString(hangScript, "#!/bin/sh\nexec " + hang + "\n");
        hangScript.toFile().setExecutable(true);
        Path cfg = config(dir, fileTarget("ok", ok) + """
                table.insert(Config.Target, {
                    Desc = "pipe-fails", Path = "%1$s/fails", Split = "--split-time 1e9",
                    FileName = "--filename-epoch-sec-startend", PipeCmd = "false", RetryFor = 3 })
                table.insert(Config.Target, {
                    Desc = "pipe-hangs", Path = "%1$s/hangs", Split = "--split-time 1e9",
                    FileName = "--filename-epoch-sec-startend", PipeCmd = "%2$s", PipeTimeout = "500ms",
                    RetryFor = 3 })
                table.insert(Config.Target, {
                    Desc = "script-hangs", Path = "%3$s/", Split = "--split-time 1e9",
                    FileName = "--filename-epoch-sec-startend", ScriptNew = "%4$s", ScriptTimeout = "500ms" })
                """.formatted(dir, hang, scripted, hangScript));

        PushcapCli.Result r = push(dir, cfg, Map.of());

        assertThat(r.exit()).as(r.all()).isEqualTo(1);
        assertThat(r.all()).containsPattern("target 'pipe-fails' FAILED: gave up .*PipeCmd 'false'")
                .containsPattern("target 'pipe-hangs' FAILED: gave up .*made no progress for 500ms \\(PipeTimeout\\)")
                .doesNotContain("target 'script-hangs' FAILED").doesNotContain("target 'ok' FAILED");
        assertThat(packetsOf(files(ok))).isEqualTo(all);
        List<Path> scriptedFiles = files(scripted);
        assertThat(packetsOf(scriptedFiles)).isEqualTo(all);
        assertThat(metric(dir, "pushcap_target_script_timeouts_total", "script-hangs")).isEqualTo(scriptedFiles.size());
        assertThat(metric(dir, "pushcap_target_pipe_timeouts_total", "pipe-hangs")).isPositive();
        assertThat(metric(dir, "pushcap_target_retry_budget_spent_total", "pipe-fails")).isEqualTo(1);
        assertThat(metric(dir, "pushcap_target_retry_budget_spent_total", "pipe-hangs")).isEqualTo(1);
        assertThat(dir.resolve("fails")).doesNotExist();
        String cmdline = hang;
        Await.until("no '" + hang + "' left running", Duration.ofSeconds(10), () -> ProcessHandle.allProcesses()
                .noneMatch(p -> p.info().commandLine().orElse("").contains(cmdline)));
    }

    // ---- helpers ----

    private static String fileTarget(String desc, Path out) {
        return """
                table.insert(Config.Target, {
                    Desc = "%s", Mode = "File", Path = "%s/", Split = "--split-time 1e9",
                    FileName = "--filename-epoch-sec-startend" })
                """.formatted(desc, out);
    }

    private static String s3Target(String desc, S3ProxyServer s3, String extra) {
        return """
                table.insert(Config.Target, {
                    Desc = "%s", Mode = "S3", Path = "s3://%s/%s/", Split = "--split-time 1e9",
                    FileName = "--filename-epoch-sec-startend", Endpoint = "%s", Region = "us-east-1", %s })
                """.formatted(desc, BUCKET, desc, s3.endpoint(), extra);
    }

    private static String ftpTarget(String desc, FtpTestServer ftp, String extra) {
        return """
                table.insert(Config.Target, {
                    Desc = "%s", Mode = "CURL", Path = "%s/%s/", Split = "--split-time 1e9",
                    FileName = "--filename-epoch-sec-startend", %s })
                """.formatted(desc, ftp.url(), desc, extra);
    }

    private static Map<String, String> s3Env() {
        return Map.of("AWS_ACCESS_KEY_ID", S3ProxyServer.IDENTITY, "AWS_SECRET_ACCESS_KEY", S3ProxyServer.CREDENTIAL);
    }

    private static Path config(Path dir, String body) throws IOException {
        Path c = dir.resolve("push_pcap.lua");
        Files.writeString(c, "local Config = {}\nConfig.Target = {}\n" + body + "\nreturn Config\n");
        return c;
    }

    private static List<String> pushArgs(Path dir, Path cfg) {
        return pushArgs(dir, cfg, capture);
    }

    private static List<String> pushArgs(Path dir, Path cfg, Path input) {
        return List.of("push", "--config", cfg.toString(), "--force", "--log-dir", dir.resolve("logs").toString(),
                "--state-dir", dir.resolve("var").toString(), "--no-progress", "--offline", input.toString());
    }

    private static Map<String, String> env(Path dir, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(extra);
        env.put("PUSHCAP_STATUS_DIR", dir.resolve("status").toString());
        return env;
    }

    private static PushcapCli.Result push(Path dir, Path cfg, Map<String, String> extra) throws Exception {
        return PushcapCli.run(dir, PUSH_DEADLINE, env(dir, extra), pushArgs(dir, cfg).toArray(String[]::new));
    }

    /** Starts the push and returns at once; its output goes to dir/push.out. */
    private static Process pushAsync(Path dir, Path cfg, Map<String, String> extra) throws IOException {
        return pushAsync(dir, cfg, extra, capture);
    }

    private static Process pushAsync(Path dir, Path cfg, Map<String, String> extra, Path input) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(PushcapCli.launcher().toString());
        cmd.addAll(pushArgs(dir, cfg, input));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(dir.resolve("push.out").toFile());
        pb.environment().putAll(env(dir, extra));
        pb.environment().putIfAbsent("PUSHCAP_NO_BUILD", "1");
        return pb.start();
    }

    private static List<Path> files(Path out) throws IOException {
        try (Stream<Path> s = Files.list(out)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".pcap")).sorted().toList();
        }
    }

    private static List<Path> listAll(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    private static List<Path> ftpFiles(FtpTestServer ftp) {
        Path d = ftp.home().resolve("ftp");
        try {
            return Files.isDirectory(d) ? files(d) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static List<String> packetsOf(List<Path> files) {
        List<String> out = new ArrayList<>();
        for (Path f : files) {
            out.addAll(Cmd.tcpdump(f, "--nano", "-tt", "-e", "-S"));
        }
        return out;
    }

    private static List<S3Object> objects(S3ProxyServer s3) {
        try (S3Client c = s3.client()) {
            return c.listObjectsV2Paginator(b -> b.bucket(BUCKET)).contents().stream().toList();
        } catch (RuntimeException e) {
            return List.of(); // the server is (re)starting
        }
    }

    private static List<Path> downloadAll(S3ProxyServer s3, Path to) throws IOException {
        Files.createDirectories(to);
        List<Path> got = new ArrayList<>();
        try (S3Client c = s3.client()) {
            for (S3Object o : objects(s3)) {
                if (!o.key().endsWith(".pcap")) {
                    // S3Proxy's filesystem store writes a blob to "<key>-<uuid>" and renames it;
                    // killed mid-write, that file stays and its listing shows it. Real S3 never does.
                    continue;
                }
                Path f = to.resolve(o.key().replace('/', '_'));
                c.getObject(GetObjectRequest.builder().bucket(BUCKET).key(o.key()).build(), ResponseTransformer.toFile(f));
                got.add(f);
            }
        }
        return got.stream().sorted().toList();
    }

    private static boolean logContains(Path dir, String desc, String text) {
        Path log = dir.resolve("logs").resolve("push_" + desc + ".cur");
        try {
            return Files.exists(log) && Files.readString(log).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    private static Set<String> manifestNames(Path dir, String desc) throws IOException {
        Path m = dir.resolve("var/manifest").resolve(desc + ".jsonl");
        Set<String> names = new HashSet<>();
        if (Files.exists(m)) {
            Pattern name = Pattern.compile("\"name\"\\s*:\\s*\"([^\"]+)\"");
            for (String line : Files.readAllLines(m)) {
                Matcher x = name.matcher(line);
                if (x.find()) {
                    names.add(x.group(1));
                }
            }
        }
        return names;
    }

    private static void assertManifestNamesOnce(Path dir, String desc) throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve("var/manifest").resolve(desc + ".jsonl"));
        assertThat(lines).hasSize(manifestNames(dir, desc).size());
        assertThat(lines).hasSize(6);
    }

    /** A counter from the final metrics report the push wrote into $PUSHCAP_STATUS_DIR. */
    private static long metric(Path dir, String name, String target) throws IOException {
        String text = Files.readString(dir.resolve("status/metrics.prom"));
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{[^}]*target=\"" + Pattern.quote(target)
                + "\"[^}]*}\\s+([0-9.eE+]+)$").matcher(text);
        assertThat(m.find()).as("%s{target=%s} in\n%s", name, target, text).isTrue();
        return (long) Double.parseDouble(m.group(1));
    }

    private static void mount(Path mnt, String options) {
        Cmd.Result r = Cmd.run("mount", "-t", "tmpfs", "-o", options, "tmpfs", mnt.toString());
        assertThat(r.exitCode()).as("mount -o %s %s (root needed): %s", options, mnt, r.stderr()).isZero();
    }

    private static boolean retryingOrDone(Path dir, String desc) {
        return logContains(dir, desc, "split failed") || logContains(dir, desc, "push " + desc + ": DONE");
    }

}
