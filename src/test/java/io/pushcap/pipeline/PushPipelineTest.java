package io.pushcap.pipeline;

import io.pushcap.cli.Main;
import io.pushcap.metrics.MetricsRegistry;
import io.pushcap.synth.Mix;
import io.pushcap.synth.TrafficGenerator;
import io.pushcap.testing.Cmd;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end: a push_pcap.lua with several targets run by {@code pushcap push --offline} over a
 * generated capture; every published file is judged by tcpdump (after zstd/gzip decompression by
 * the standard CLIs), every packet must land once, in order, in the right split.
 */
class PushPipelineTest {
    @TempDir
    static Path dir;
    static Path capture;
    static List<String> all;
    static List<String> tcp;
    static List<String> udp;

    @BeforeAll
    static void generate() throws IOException {
        capture = dir.resolve("mixed.pcap");
        TrafficGenerator.builder().mix(Mix.MIXED).seed(7).packets(40_000).pps(8_000).flows(500)
                .startNanos(1_700_000_030_500_000_000L).write(capture);
        all = Cmd.tcpdump(capture, "--nano", "-tt", "-e", "-S");
        tcp = Cmd.tcpdump(capture, "--nano", "-tt", "-e", "-S", "tcp");
        udp = Cmd.tcpdump(capture, "--nano", "-tt", "-e", "-S", "udp");
    }

    static Path config(String name, String body) throws IOException {
        Path c = dir.resolve(name);
        Files.writeString(c, "local Config = {}\nConfig.Target = {}\n" + body + "\nreturn Config\n");
        return c;
    }

    static int push(Path config, String... extra) {
        List<String> args = new ArrayList<>(List.of("push", "--config", config.toString(), "--force",
                "--log-dir", dir.resolve("logs").toString(), "--state-dir", dir.resolve("var").toString(), "--no-progress"));
        args.addAll(List.of(extra));
        args.add("--offline");
        args.add(capture.toString());
        return Main.commandLine().execute(args.toArray(String[]::new));
    }

    static List<Path> published(Path outDir, String glob) throws IOException {
        try (Stream<Path> s = Files.list(outDir)) {
            return s.filter(p -> p.getFileSystem().getPathMatcher("glob:" + glob).matches(p.getFileName()))
                    .sorted().toList();
        }
    }

    static List<String> packetsOf(List<Path> files, String... decompress) throws IOException {
        List<String> out = new ArrayList<>();
        for (Path f : files) {
            Path pcap = f;
            if (decompress.length > 0) {
                List<String> cmd = new ArrayList<>(List.of(decompress));
                cmd.add(f.toString());
                pcap = Files.createTempFile(dir, "dec", ".pcap");
                Files.write(pcap, Cmd.run(null, 60, cmd).ok().stdoutBytes());
            }
            out.addAll(Cmd.tcpdump(pcap, "--nano", "-tt", "-e", "-S"));
        }
        return out;
    }

    @Test
    void shouldPublishEveryPacketOnceInClockAlignedSplitsWhenSplittingByTime() throws Exception {
        Path out = dir.resolve("out-time");
        Path cfg = config("time.lua", """
                table.insert(Config.Target, {
                    Desc = "all", Mode = "File", Path = "%s/", Split = "--split-time 1e9",
                    FileName = "--filename-epoch-sec-startend", FilterBPF = nil })
                """.formatted(out));
        assertThat(push(cfg)).isZero();
        List<Path> files = published(out, "*.pcap");
        assertThat(files).hasSize(6); // 40000 packets at 8000 pps from xx:30.5 spans 6 clock seconds
        assertThat(packetsOf(files)).isEqualTo(all);
        Pattern name = Pattern.compile("(\\d+)-(\\d+)\\.pcap");
        for (Path f : files) {
            Matcher m = name.matcher(f.getFileName().toString());
            assertThat(m.matches()).isTrue();
            long start = Long.parseLong(m.group(1));
            assertThat(Long.parseLong(m.group(2))).isEqualTo(start + 1);
            for (String line : packetLines(Cmd.tcpdump(f, "--nano", "-tt"))) {
                long sec = Long.parseLong(line.substring(0, line.indexOf('.')));
                assertThat(sec).as("packet in %s", f).isEqualTo(start);
            }
        }
        assertThat(Files.list(out).filter(p -> p.toString().endsWith(".pending")).count()).isZero();
        assertThat(manifestMatchesFiles("all", files)).isTrue();
        assertCountsAddUp("all", n(all), n(all), 0);
    }

    @Test
    void shouldCapEverySplitAtTheSizeAndKeepOrderWhenSplittingByBytesWithZstd() throws Exception {
        Path out = dir.resolve("out-size");
        Path cfg = config("size.lua", """
                table.insert(Config.Target, {
                    Desc = "tcp-zstd", Path = "%s/tcp", Split = "--split-byte 1e6",
                    FileName = "--filename-tstr-HHMMSS", FilterBPF = "tcp", Decap = false,
                    Compress = "zstd:1", FileSuffix = ".pcap.zst" })
                """.formatted(out));
        assertThat(push(cfg)).isZero();
        List<Path> files = published(out, "tcp_*.pcap.zst");
        assertThat(files.size()).isGreaterThan(3);
        assertThat(packetsOf(files, "zstd", "-dc")).isEqualTo(tcp);
        for (Path f : files) {
            long size = Cmd.run("sh", "-c", "zstd -dc '" + f + "' | wc -c").ok().stdout().strip().length() > 0
                    ? Long.parseLong(Cmd.run("sh", "-c", "zstd -dc '" + f + "' | wc -c").ok().stdout().strip()) : -1;
            assertThat(size).isBetween(24L, 1_000_000L);
        }
        assertCountsAddUp("tcp-zstd", n(all), n(tcp), n(all) - n(tcp));
    }

    @Test
    void shouldPublishTheSamePacketsWithoutADigestWhenDigestIsNone() throws Exception {
        Path out = dir.resolve("out-nosum");
        Path cfg = config("nosum.lua", """
                table.insert(Config.Target, {
                    Desc = "tcp-nosum", Path = "%s/", Split = "--split-time 2e9",
                    FileName = "--filename-epoch-sec-startend", FilterBPF = "tcp", Decap = false,
                    Compress = "zstd:1", Digest = "none" })
                """.formatted(out));
        assertThat(push(cfg)).isZero();
        List<Path> files = published(out, "*.pcap.zst");
        assertThat(files).hasSize(3);
        assertThat(packetsOf(files, "zstd", "-dc")).isEqualTo(tcp);
        List<String> lines = Files.readAllLines(dir.resolve("var/manifest/tcp-nosum.jsonl"));
        assertThat(lines).hasSize(files.size());
        for (int i = 0; i < files.size(); i++) {
            assertThat(lines.get(i)).contains("\"name\":\"" + files.get(i) + "\"")
                    .contains("\"bytes_out\":" + Files.size(files.get(i))).doesNotContain("sha256");
        }
        assertCountsAddUp("tcp-nosum", n(all), n(tcp), n(all) - n(tcp));
    }

    @Test
    void shouldCompressThroughPipeCommandWhenPipeCmdIsGiven() throws Exception {
        Path out = dir.resolve("out-pipe");
        Path cfg = config("pipe.lua", """
                table.insert(Config.Target, {
                    Desc = "udp-gz", Mode = "FILE", Path = "%s/udp", Split = "--split-time 2e9",
                    FileName = "--filename-tstr-HHMMSS", FilterBPF = "udp", Decap = false,
                    PipeCmd = " gzip -1 -c ", FileSuffix = ".pcap.gz" })
                """.formatted(out));
        assertThat(push(cfg)).isZero();
        List<Path> files = published(out, "udp_*.pcap.gz");
        assertThat(files).hasSize(3);
        assertThat(packetsOf(files, "gzip", "-dc")).isEqualTo(udp);
        // gzip wrote each file itself: the manifest's SHA-256 and size are of those files.
        assertThat(manifestMatchesFiles("udp-gz", files)).isTrue();
    }

    @Test
    void shouldRetryAndPublishExactlyOnceWhenFirstAttemptOfASplitFails() throws Exception {
        Path out = dir.resolve("out-retry");
        Path flag = dir.resolve("failed-once");
        Path cfg = config("retry.lua", """
                table.insert(Config.Target, {
                    Desc = "flaky", Path = "%s/", Split = "--split-time 1e9",
                    FileName = "--filename-epoch-sec", FilterBPF = "",
                    PipeCmd = "sh -c 'if [ -e %s ]; then cat; else touch %s; cat >/dev/null; exit 3; fi'" })
                """.formatted(out, flag, flag));
        assertThat(push(cfg)).isZero();
        List<Path> files = published(out, "*.pcap");
        assertThat(files).hasSize(6);
        assertThat(packetsOf(files)).isEqualTo(all);
        assertThat(manifestMatchesFiles("flaky", files)).as("the retried split's digest is of the file published").isTrue();
        assertThat(counter("pushcap_target_split_failures_total", "flaky")).isEqualTo(1);
        assertThat(counter("pushcap_target_retries_total", "flaky")).isEqualTo(1);
        assertCountsAddUp("flaky", n(all), n(all), 0);
        String log = Files.readString(dir.resolve("logs").resolve("push_flaky.cur"));
        assertThat(log).contains("split failed (attempt 1)").contains("exit").contains("recovered");
    }

    @Test
    void shouldPushOnlyTheTimeRangeEditcapCutsWhenFromAndToAreGiven() throws Exception {
        Path out = dir.resolve("out-range");
        Path cfg = config("range.lua", """
                table.insert(Config.Target, {
                    Desc = "range", Path = "%s/", Split = "--split-time 60e9", FileName = "--filename-epoch-sec" })
                """.formatted(out));
        assertThat(push(cfg, "--from", "1700000032", "--to", "1700000034.5")).isZero();
        Path cut = dir.resolve("cut.pcap");
        Cmd.run("editcap", "-A", "1700000032", "-B", "1700000034.5", capture.toString(), cut.toString()).ok();
        List<String> expected = Cmd.tcpdump(cut, "--nano", "-tt", "-e", "-S");
        assertThat(n(expected)).isEqualTo(20_000);
        assertThat(packetsOf(published(out, "*.pcap"))).isEqualTo(expected);
        assertThat(counter("pushcap_target_packets_read_total", "range")).isEqualTo(20_000);
    }

    @Test
    void shouldRefuseBadDayClearly() throws Exception {
        Path cfg = config("day.lua", """
                table.insert(Config.Target, {
                    Desc = "day", Path = "%s/", Split = "--split-time 60e9", FileName = "--filename-epoch-sec" })
                """.formatted(dir.resolve("out-day")));
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cl = Main.commandLine();
        cl.setErr(new java.io.PrintWriter(err, true));
        int rc = cl.execute("push", "--config", cfg.toString(), "--day", "2021-13-40", "--offline", capture.toString());
        assertThat(rc).isEqualTo(Main.EXIT_USER_ERROR);
        assertThat(err.toString()).contains("--day '2021-13-40' (expected a date such as 2021-05-24 or 20210524)");
    }

    @Test
    void shouldWriteSeedFormatLogsAndStatusLinesForEveryTarget() throws Exception {
        Path out = dir.resolve("out-logs");
        Path cfg = config("push_logs.lua", """
                table.insert(Config.Target, { Desc = "pcap-all", Path = "%s/", Split = "--split-time 60e9",
                    FileName = "--filename-epoch-sec-startend", SplitCmd = "-Z fmadio", Chunked = true })
                """.formatted(out));
        assertThat(push(cfg)).isZero();
        List<String> log = Files.readAllLines(dir.resolve("logs").resolve("push_pcap-all.cur"));
        assertThat(log.get(0)).isEqualTo("args");
        assertThat(log).contains("  --uid", "  --split-time", "  --filename-epoch-sec-startend",
                "Filename EPOCH Sec Start/End", "PCAP Nano");
        assertThat(log).anyMatch(l -> l.matches("\\[\\d+\\.\\d{3} H\\]\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\] .*\\.pcap : "
                + "Total Bytes \\d+\\.\\d{3} GB Speed: \\d+\\.\\d{3}Gbps : New Split"));
        assertThat(log).anyMatch(l -> l.startsWith("note: ") && l.contains("SplitCmd"));
        List<String> status = Files.readAllLines(dir.resolve("logs").resolve("analytics_push_logs.cur"));
        assertThat(status).anyMatch(l -> l.matches("\\[\\w{3} \\w{3} +\\d+ \\d\\d:\\d\\d:\\d\\d \\d{4}\\] push \\[pcap-all +: "
                + "stream_cat:(true|false) split:(true|false)\\].*"));
    }

    /** tcpdump prints some packets on several lines; packet lines start with the timestamp. */
    static List<String> packetLines(List<String> lines) {
        return lines.stream().filter(l -> l.matches("^\\d+\\.\\d{9} .*")).toList();
    }

    static long n(List<String> lines) {
        return packetLines(lines).size();
    }

    static long counter(String name, String target) {
        return MetricsRegistry.global().snapshot().getOrDefault(name + "{target=\"" + target + "\"}", -1L);
    }

    static void assertCountsAddUp(String target, long read, long published, long filtered) {
        assertThat(counter("pushcap_target_packets_read_total", target)).isEqualTo(read);
        assertThat(counter("pushcap_target_packets_published_total", target)).isEqualTo(published);
        assertThat(counter("pushcap_target_packets_filtered_total", target)).isEqualTo(filtered);
        assertThat(counter("pushcap_target_packets_pending", target)).isZero();
    }

    static boolean manifestMatchesFiles(String target, List<Path> files) throws Exception {
        List<String> lines = Files.readAllLines(dir.resolve("var/manifest").resolve(target + ".jsonl"));
        assertThat(lines).hasSize(files.size());
        for (int i = 0; i < files.size(); i++) {
            byte[] bytes = Files.readAllBytes(files.get(i));
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            assertThat(lines.get(i)).contains("\"name\":\"" + files.get(i) + "\"").contains("\"sha256\":\"" + sha + "\"")
                    .contains("\"bytes_out\":" + bytes.length);
        }
        return true;
    }
}
