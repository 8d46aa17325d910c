package io.pushcap.it;

import io.pushcap.testing.Cmd;
import io.pushcap.testsupport.CraftedCaptures;
import io.pushcap.testsupport.FtpTestServer;
import io.pushcap.testsupport.PushcapCli;
import io.pushcap.testsupport.S3ProxyServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code KeepFiles} and {@code KeepBytes} through the real {@code bin/pushcap push --offline}: a
 * target that keeps everything publishes the reference files; beside it, a {@code KeepFiles = 3}
 * target and a {@code KeepBytes} target (a human size) must hold exactly the newest of those files,
 * byte for byte (capinfos reads each), with foreign files in their directory untouched, the
 * deletions counted in {@code $PUSHCAP_STATUS_DIR/metrics.prom} and logged one line each. A second
 * run with later packets (a restart: nothing in memory) enforces the limits over the first run's
 * files too. S3 (against S3Proxy), FTP (Apache FtpServer) and rclone targets do the same.
 */
class KeepOutputIT {
    private static final Duration DEADLINE = Duration.ofSeconds(180);
    private static final String KEEP_BYTES = "0.3MB";
    private static final long KEEP_BYTES_VALUE = 300_000;
    private static final String BUCKET = "keep";

    @TempDir
    Path dir;

    @Test
    void shouldKeepExactlyTheNewestFilesWhenKeepFilesOrKeepBytesIsSetAcrossARestart() throws Exception {
        Path out = dir.resolve("out");
        Files.createDirectories(out.resolve("keep3"));
        // Not the target's: another suffix, a note, a pending file of a name it never writes.
        List<String> foreign = List.of("20231114_221320.000000000.pcap.gz", "README",
                "20991231_000000.000000000.pcap.pending");
        for (String f : foreign) {
            Files.writeString(out.resolve("keep3").resolve(f), "not pushcap's");
        }
        Path cfg = config(fileTarget("all", out, "") + fileTarget("keep3", out, "KeepFiles = 3,")
                + fileTarget("keepbytes", out, "KeepBytes = \"" + KEEP_BYTES + "\","));

        for (int run = 1; run <= 2; run++) {
            Path in = CraftedCaptures.ethernet(dir.resolve("in" + run + ".pcap"), 600, run * 4000L);
            List<Path> before3 = ownFiles(out.resolve("keep3"));
            List<Path> beforeBytes = ownFiles(out.resolve("keepbytes"));
            List<Path> allBefore = ownFiles(out.resolve("all"));
            PushcapCli.Result r = push(in, cfg, Map.of(), "logs" + run);
            assertThat(r.exit()).as(r.all()).isZero();

            List<Path> all = ownFiles(out.resolve("all"));
            List<Path> newInRun = all.subList(allBefore.size(), all.size());
            assertThat(newInRun).as("run %d publishes files after those of the run before", run).hasSizeGreaterThan(4);

            // KeepFiles = 3: the three newest names, with the reference's bytes.
            List<Path> kept3 = ownFiles(out.resolve("keep3"));
            assertSameFiles(kept3, all.subList(all.size() - 3, all.size()));
            assertThat(names(out.resolve("keep3"))).as("foreign files stay").containsAll(foreign);
            List<String> deleted3 = deletedNames(before3, newInRun, kept3);
            assertThat(metric("pushcap_target_retention_deleted_files_total", "keep3")).isEqualTo(deleted3.size());
            assertThat(metric("pushcap_target_retention_deleted_bytes_total", "keep3"))
                    .isEqualTo(sizeOf(out.resolve("all"), deleted3));
            assertThat(metric("pushcap_target_retention_kept_files", "keep3")).isEqualTo(3);
            assertThat(metric("pushcap_target_retention_failures_total", "keep3")).isZero();
            assertThat(statusOf("keep3", "retention_deleted_files")).as("/status's source").isEqualTo(deleted3.size());
            assertThat(statusOf("all", "retention_deleted_files")).isZero();
            assertThat(logDeletions("logs" + run, "keep3")).as("one log line per deletion in run %d", run)
                    .containsExactlyElementsOf(deleted3.stream().map(n -> out.resolve("keep3") + "/" + n).toList());

            // KeepBytes: the newest files whose sizes add up to at most the limit.
            List<Path> expectedBytes = newestWithin(all, KEEP_BYTES_VALUE);
            assertThat(expectedBytes).as("the limit keeps some but not all files of %s", sizes(all)).hasSizeBetween(2, all.size() - 2);
            List<Path> keptBytes = ownFiles(out.resolve("keepbytes"));
            assertSameFiles(keptBytes, expectedBytes);
            List<String> deletedBytes = deletedNames(beforeBytes, newInRun, keptBytes);
            assertThat(metric("pushcap_target_retention_deleted_files_total", "keepbytes")).isEqualTo(deletedBytes.size());
            assertThat(metric("pushcap_target_retention_kept_bytes", "keepbytes"))
                    .isEqualTo(sizeOf(out.resolve("keepbytes"), names(keptBytes)));

            // The reference keeps all; the manifest records every published name, deleted or not.
            assertThat(manifestLines("keep3")).isEqualTo(all.size());
            assertThat(metric("pushcap_target_retention_deleted_files_total", "all")).as("no limit, no counter").isEqualTo(-1);
            if (run == 2) {
                assertThat(deleted3).as("the restarted push deletes the first run's files too")
                        .containsAll(names(before3));
            }
        }
        assertThat(Files.readString(dir.resolve("logs2/push_keep3.cur")))
                .contains("retention: KeepFiles 3 of this target's files in " + out.resolve("keep3") + "/");
    }

    @Test
    void shouldKeepTheNewestObjectsUnderTheTargetsPrefixWhenAnS3TargetSetsKeepFiles() throws Exception {
        try (S3ProxyServer s3 = S3ProxyServer.start(dir.resolve("s3"), true)) {
            try (S3Client c = s3.client()) {
                c.createBucket(b -> b.bucket(BUCKET));
                c.putObject(b -> b.bucket(BUCKET).key("s3keep/README"), software.amazon.awssdk.core.sync.RequestBody.fromString("x"));
                c.putObject(b -> b.bucket(BUCKET).key("s3keep/old/20231114_221320.000000000.pcap"),
                        software.amazon.awssdk.core.sync.RequestBody.fromString("in a subdirectory"));
            }
            Path out = dir.resolve("out");
            Path cfg = config(fileTarget("all", out, "") + """
                    table.insert(Config.Target, {
                        Desc = "s3keep", Mode = "S3", Path = "s3://%s/s3keep/", Split = "--split-time 100ms",
                        FileName = "--filename-tstr-HHMMSS_SUB", Endpoint = "%s", Region = "us-east-1", KeepFiles = 2 })
                    """.formatted(BUCKET, s3.endpoint()));
            Path in = CraftedCaptures.ethernet(dir.resolve("in.pcap"), 600, 4000L);
            PushcapCli.Result r = push(in, cfg, Map.of("AWS_ACCESS_KEY_ID", S3ProxyServer.IDENTITY,
                    "AWS_SECRET_ACCESS_KEY", S3ProxyServer.CREDENTIAL), "logs");
            assertThat(r.exit()).as(r.all()).isZero();

            List<Path> all = ownFiles(out.resolve("all"));
            List<String> keys;
            Path got = Files.createDirectories(dir.resolve("got"));
            try (S3Client c = s3.client()) {
                keys = c.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix("s3keep/")).contents().stream()
                        .map(S3Object::key).sorted().toList();
                for (String k : keys) {
                    if (k.endsWith(".pcap") && !k.contains("/old/")) {
                        c.getObject(b -> b.bucket(BUCKET).key(k), ResponseTransformer.toFile(got.resolve(k.substring(7))));
                    }
                }
            }
            List<String> newest = names(all.subList(all.size() - 2, all.size()));
            List<String> expected = new ArrayList<>(List.of("s3keep/README", "s3keep/old/20231114_221320.000000000.pcap"));
            newest.forEach(n -> expected.add("s3keep/" + n));
            assertThat(keys).containsExactlyInAnyOrderElementsOf(expected);
            assertSameFiles(ownFiles(got), all.subList(all.size() - 2, all.size()));
            assertThat(metric("pushcap_target_retention_deleted_files_total", "s3keep")).isEqualTo(all.size() - 2);
            assertThat(metric("pushcap_target_retention_failures_total", "s3keep")).isZero();
            assertThat(logDeletions("logs", "s3keep")).hasSize(all.size() - 2).allSatisfy(l -> assertThat(l)
                    .startsWith("s3://" + BUCKET + "/s3keep/"));
        }
    }

    @Test
    void shouldKeepTheNewestFilesWhenFtpAndRcloneTargetsSetKeepFiles() throws Exception {
        try (FtpTestServer ftp = FtpTestServer.start(dir.resolve("ftp"))) {
            Files.createDirectories(ftp.home().resolve("ftpkeep"));
            Files.writeString(ftp.home().resolve("ftpkeep/README"), "not pushcap's");
            Path conf = Files.writeString(dir.resolve("rclone.conf"), "[disk]\ntype = local\n");
            Path out = dir.resolve("out");
            Path cfg = config(fileTarget("all", out, "") + """
                    table.insert(Config.Target, {
                        Desc = "ftpkeep", Mode = "CURL", Path = "%s/ftpkeep/", Split = "--split-time 100ms",
                        FileName = "--filename-tstr-HHMMSS_SUB", KeepFiles = 2 })
                    table.insert(Config.Target, {
                        Desc = "rclonekeep", Mode = "RCLONE", Path = "disk:%s/", Split = "--split-time 100ms",
                        FileName = "--filename-tstr-HHMMSS_SUB", RcloneConfig = "%s", KeepFiles = 2 })
                    """.formatted(ftp.url(), out.resolve("rclonekeep"), conf));
            Path in = CraftedCaptures.ethernet(dir.resolve("in.pcap"), 600, 4000L);
            PushcapCli.Result r = push(in, cfg, Map.of(), "logs");
            assertThat(r.exit()).as(r.all()).isZero();

            List<Path> all = ownFiles(out.resolve("all"));
            List<Path> newest = all.subList(all.size() - 2, all.size());
            assertSameFiles(ownFiles(ftp.home().resolve("ftpkeep")), newest);
            assertThat(names(ftp.home().resolve("ftpkeep"))).contains("README").hasSize(3);
            assertSameFiles(ownFiles(out.resolve("rclonekeep")), newest);
            for (String desc : List.of("ftpkeep", "rclonekeep")) {
                assertThat(metric("pushcap_target_retention_deleted_files_total", desc)).as(desc).isEqualTo(all.size() - 2);
                assertThat(metric("pushcap_target_retention_failures_total", desc)).as(desc).isZero();
                assertThat(logDeletions("logs", desc)).as(desc).hasSize(all.size() - 2);
            }
            assertThat(String.join("\n", logDeletions("logs", "ftpkeep"))).as("no password in the log")
                    .doesNotContain(FtpTestServer.PASSWORD).doesNotContain("p%40ss");
        }
    }

    private static String fileTarget(String desc, Path out, String extra) {
        return """
                table.insert(Config.Target, {
                    Desc = "%s", Mode = "File", Path = "%s/%s/", Split = "--split-time 100ms",
                    FileName = "--filename-tstr-HHMMSS_SUB", %s })
                """.formatted(desc, out, desc, extra);
    }

    private Path config(String body) throws IOException {
        Path c = dir.resolve("push_pcap.lua");
        Files.writeString(c, "local Config = {}\nConfig.Target = {}\n" + body + "\nreturn Config\n");
        return c;
    }

    /** One push; each run logs into its own {@code logDir} (a run within the same minute would append to the last one's log). */
    private PushcapCli.Result push(Path in, Path cfg, Map<String, String> extra, String logDir) throws Exception {
        Map<String, String> env = new HashMap<>(extra);
        env.put("PUSHCAP_STATUS_DIR", dir.resolve("status").toString());
        return PushcapCli.run(dir, DEADLINE, env, "push", "--config", cfg.toString(), "--force", "--no-progress",
                "--log-dir", dir.resolve(logDir).toString(), "--state-dir", dir.resolve("var").toString(),
                "--offline", in.toString());
    }

    /** The pushed captures in a directory, oldest first (their names sort in time order). */
    private static List<Path> ownFiles(Path d) throws IOException {
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(p -> p.getFileName().toString().matches("\\d{8}_\\d{6}\\.\\d{9}\\.pcap")).sorted().toList();
        }
    }

    private static List<String> names(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    private static List<String> names(List<Path> files) {
        return files.stream().map(p -> p.getFileName().toString()).toList();
    }

    /** Same names, same bytes, and each a whole capture that capinfos reads. */
    private static void assertSameFiles(List<Path> kept, List<Path> reference) throws IOException {
        assertThat(names(kept)).isEqualTo(names(reference));
        for (int i = 0; i < kept.size(); i++) {
            assertThat(Files.mismatch(kept.get(i), reference.get(i))).as("%s equals %s", kept.get(i), reference.get(i))
                    .isEqualTo(-1L);
            assertThat(Cmd.capinfosPackets(kept.get(i))).as("packets in %s", kept.get(i))
                    .isEqualTo(Cmd.capinfosPackets(reference.get(i))).isPositive();
        }
    }

    /** What a run deleted: the files there before it plus those it published, less what is left, oldest first. */
    private static List<String> deletedNames(List<Path> before, List<Path> published, List<Path> kept) {
        List<String> all = new ArrayList<>(names(before));
        all.addAll(names(published));
        all.removeAll(names(kept));
        return all.stream().sorted().toList();
    }

    private static List<Long> sizes(List<Path> files) throws IOException {
        List<Long> out = new ArrayList<>();
        for (Path f : files) {
            out.add(Files.size(f));
        }
        return out;
    }

    private static long sizeOf(Path d, List<String> names) throws IOException {
        long n = 0;
        for (String name : names) {
            n += Files.size(d.resolve(name));
        }
        return n;
    }

    /** The newest files whose sizes add up to at most {@code limit}, the newest always among them. */
    private static List<Path> newestWithin(List<Path> oldestFirst, long limit) throws IOException {
        List<Path> kept = new ArrayList<>();
        long total = 0;
        for (int i = oldestFirst.size() - 1; i >= 0; i--) {
            long size = Files.size(oldestFirst.get(i));
            if (!kept.isEmpty() && total + size > limit) {
                break;
            }
            kept.addFirst(oldestFirst.get(i));
            total += size;
        }
        return kept;
    }

    /** The locations the target's current log says retention deleted, in order. */
    private List<String> logDeletions(String logDir, String desc) throws IOException {
        Pattern p = Pattern.compile("^retention: deleted (\\S+) \\(\\d+ bytes; .*\\)$");
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve(logDir).resolve("push_" + desc + ".cur"))) {
            Matcher m = p.matcher(line);
            if (m.matches()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    private long manifestLines(String desc) throws IOException {
        return Files.readAllLines(dir.resolve("var/manifest").resolve(desc + ".jsonl")).size();
    }

    /** A target's field in the report the push wrote for /status ($PUSHCAP_STATUS_DIR/targets.properties). */
    private long statusOf(String desc, String field) throws IOException {
        java.util.Properties p = new java.util.Properties();
        try (var r = Files.newBufferedReader(dir.resolve("status/targets.properties"))) {
            p.load(r);
        }
        for (int i = 0; i < Integer.parseInt(p.getProperty("targets")); i++) {
            if (desc.equals(p.getProperty("target." + i + ".desc"))) {
                return Long.parseLong(p.getProperty("target." + i + "." + field));
            }
        }
        throw new AssertionError("no target " + desc + " in " + p);
    }

    /** A counter or gauge from the report the push wrote into $PUSHCAP_STATUS_DIR, -1 when absent. */
    private long metric(String name, String target) throws IOException {
        String text = Files.readString(dir.resolve("status/metrics.prom"));
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{[^}]*target=\"" + Pattern.quote(target)
                + "\"[^}]*}\\s+([0-9.eE+]+)$").matcher(text);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
    }
}
