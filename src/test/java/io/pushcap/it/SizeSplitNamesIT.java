package io.pushcap.it;

import io.pushcap.testsupport.FtpTestServer;
import io.pushcap.testsupport.PcapRecords;
import io.pushcap.testsupport.PushcapCli;
import io.pushcap.testsupport.S3ProxyServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Size splits ({@code --split-byte}) through {@code bin/pushcap push --force --offline}, with every
 * FileName encoder and on every sink that takes splits: each published name follows the encoder
 * (start and end are the split's first and last packet), the names sort in time, nothing is left
 * pending, and the splits together hold exactly tcpdump's selection, record for record.
 *
 * <p>Size splits named by start and end time used to retry forever ("this sink cannot publish ...
 * under another name"): the metering wrapper dropped the late name.
 */
class SizeSplitNamesIT {
    private static final String FILTER = "tcp";
    private static final String SPLIT = "--split-byte 100e3";
    private static Path input;
    private static List<String> expected;

    @BeforeAll
    static void generate(@TempDir Path dir) throws Exception {
        input = dir.resolve("in.pcap");
        PushcapCli.run(dir, "gen", "-w", input.toString(), "--packets", "3000", "--pps", "100", "--mix", "plain").ok();
        expected = records(input, FILTER);
        assertThat(expected).as("generated traffic holds tcp packets").hasSizeGreaterThan(1000);
    }

    @Test
    void shouldPublishStartEndNamedSizeSplitsWhenSinkIsFileS3FtpOrRclone(@TempDir Path tmp) throws Exception {
        try (S3ProxyServer s3 = S3ProxyServer.start(tmp.resolve("s3"), false);
             FtpTestServer ftp = FtpTestServer.start(tmp.resolve("ftp"));
             S3Client client = s3.client()) {
            client.createBucket(b -> b.bucket("splits"));
            Path rcloneConf = tmp.resolve("rclone.conf");
            Files.writeString(rcloneConf, "[loc]\ntype = local\n");
            Path fileDir = tmp.resolve("file");
            Path rcloneDir = tmp.resolve("rclone");
            String name = "\"--filename-epoch-sec-startend\"";
            Path config = tmp.resolve("push.lua");
            Files.writeString(config, String.join("\n",
                    "local Config = {}",
                    "Config.Target = {}",
                    target("file", "File", fileDir + "/tcp-", name, ""),
                    target("s3", "S3", "s3://splits/sz/tcp-", name,
                            "Endpoint = \"" + s3.endpoint() + "\", PathStyle = true,"),
                    target("ftp", "CURL", ftp.url() + "/sz/tcp-", name, ""),
                    target("rclone", "RCLONE", "loc:" + rcloneDir + "/tcp-", name,
                            "RcloneConfig = \"" + rcloneConf + "\","),
                    "return Config", ""));

            PushcapCli.Result r = push(tmp, config, Map.of("AWS_ACCESS_KEY_ID", S3ProxyServer.IDENTITY,
                    "AWS_SECRET_ACCESS_KEY", S3ProxyServer.CREDENTIAL, "AWS_REGION", "us-east-1"));

            Path s3Dir = tmp.resolve("s3-objects");
            Files.createDirectories(s3Dir);
            for (S3Object o : client.listObjectsV2Paginator(b -> b.bucket("splits")).contents()) {
                client.getObject(b -> b.bucket("splits").key(o.key()), s3Dir.resolve(o.key().replace('/', '_')));
            }
            assertSplits(r, fileDir, "tcp-", Format.STARTEND);
            assertSplits(r, s3Dir, "sz_tcp-", Format.STARTEND);
            assertSplits(r, ftp.home().resolve("sz"), "tcp-", Format.STARTEND);
            assertSplits(r, rcloneDir, "tcp-", Format.STARTEND);
        }
    }

    @Test
    void shouldNameSizeSplitsByTheirPacketsWhenEveryEncoderWritesToADirectoryOrAPrefix(@TempDir Path tmp)
            throws Exception {
        List<String> targets = new ArrayList<>();
        for (Format f : Format.values()) {
            targets.add(target("dir-" + f.name().toLowerCase(), "File", tmp.resolve("dir-" + f) + "/",
                    "\"" + f.option + "\"", ""));
            targets.add(target("prefix-" + f.name().toLowerCase(), "File", tmp.resolve("prefix-" + f) + "/tcp",
                    "\"" + f.option + "\"", ""));
        }
        Path config = tmp.resolve("push.lua");
        Files.writeString(config, "local Config = {}\nConfig.Target = {}\n" + String.join("\n", targets)
                + "\nreturn Config\n");

        PushcapCli.Result r = push(tmp, config, Map.of());

        for (Format f : Format.values()) {
            assertSplits(r, tmp.resolve("dir-" + f), "", f);
            assertSplits(r, tmp.resolve("prefix-" + f), "tcp", f);
        }
    }

    private static PushcapCli.Result push(Path tmp, Path config, Map<String, String> env) throws Exception {
        PushcapCli.Result r = PushcapCli.run(tmp, Duration.ofSeconds(240), env, "push", "--config", config.toString(),
                "--force", "--offline", input.toString(), "--log-dir", tmp.resolve("logs").toString(),
                "--state-dir", tmp.resolve("var").toString(), "--max-retries", "3");
        assertThat(r.exit()).as("push exit; output:\n%s", r.all()).isZero();
        return r;
    }

    private static String target(String desc, String mode, String path, String fileName, String extra) {
        return "table.insert(Config.Target, { Desc = \"" + desc + "\", Mode = \"" + mode + "\", Path = \"" + path
                + "\", Split = \"" + SPLIT + "\", FileName = " + fileName + ", FilterBPF = \"" + FILTER + "\", "
                + extra + " })";
    }

    /** The FileName encoders, with the stem each gives a split's first and last packet times (ns). */
    enum Format {
        STARTEND("--filename-epoch-sec-startend"),
        EPOCH("--filename-epoch-sec"),
        HHMM("--filename-tstr-HHMM"),
        HHMMSS("--filename-tstr-HHMMSS"),
        HHMMSS_TZ("--filename-tstr-HHMMSS_TZ"),
        HHMMSS_SUB("--filename-tstr-HHMMSS_SUB");

        final String option;

        Format(String option) {
            this.option = option;
        }

        String stem(String prefix, long first, long last) {
            long s = Math.floorDiv(first, 1_000_000_000L);
            ZonedDateTime utc = Instant.ofEpochSecond(s, Math.floorMod(first, 1_000_000_000L)).atZone(ZoneOffset.UTC);
            String sep = prefix.isEmpty() ? "" : "_";
            return prefix + switch (this) {
                case STARTEND -> s + "-" + Math.floorDiv(last + 999_999_999L, 1_000_000_000L);
                case EPOCH -> Long.toString(s);
                case HHMM -> sep + utc.format(DateTimeFormatter.ofPattern("yyyyMMdd_HHmm"));
                case HHMMSS -> sep + utc.format(DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss"));
                case HHMMSS_TZ -> sep + utc.withZoneSameInstant(ZoneId.systemDefault())
                        .format(DateTimeFormatter.ofPattern("yyyyMMdd_HHmmssxx"));
                case HHMMSS_SUB -> sep + utc.format(DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss")) + "."
                        + String.format("%09d", Math.floorMod(first, 1_000_000_000L));
            };
        }
    }

    /**
     * The directory holds several splits, nothing pending; each name is the encoder's stem of its
     * own first and last packet (plus {@code _NNN} where two splits share a stem); sorted by name
     * they are in time order and together equal tcpdump's selection record for record.
     */
    private static void assertSplits(PushcapCli.Result push, Path dir, String prefix, Format f) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        }
        assertThat(files).as("splits in %s; push output:\n%s", dir, push.all()).hasSizeGreaterThan(3);
        List<String> all = new ArrayList<>();
        long previousLast = Long.MIN_VALUE;
        for (Path file : files) {
            String name = file.getFileName().toString();
            assertThat(name).as("in %s", dir).endsWith(".pcap").doesNotEndWith(".pending");
            List<String> records = records(file, null);
            assertThat(records).as(name).isNotEmpty();
            long first = nanos(records.getFirst());
            long last = nanos(records.getLast());
            assertThat(first).as("%s starts after the previous split ends (names sort in time)", name)
                    .isGreaterThanOrEqualTo(previousLast);
            previousLast = last;
            String stem = f.stem(prefix, first, last);
            assertThat(name).as("%s in %s follows %s", name, dir, f.option).matches(
                    java.util.regex.Pattern.quote(stem) + "(_\\d{3})?\\.pcap");
            all.addAll(records);
        }
        assertThat(all).as("%s together equal tcpdump's '%s' selection", dir, FILTER).isEqualTo(expected);
    }

    private static long nanos(String record) {
        return PcapRecords.nanos(record);
    }

    private static List<String> records(Path file, String filter) {
        return PcapRecords.records(file, filter);
    }
}
