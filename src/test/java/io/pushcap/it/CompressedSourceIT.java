package io.pushcap.it;

import io.pushcap.cli.ExitCodes;
import io.pushcap.testing.Cmd;
import io.pushcap.testsupport.CraftedCaptures;
import io.pushcap.testsupport.PushcapCli;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compressed offline sources through the real {@code bin/pushcap}: a capture compressed by each
 * standard program (gzip, zstd, lz4, xz, bzip2), under a name that says nothing of it (detection
 * is by content), replays through {@code push --offline} and {@code convert} to exactly the
 * records tcpdump reads from the uncompressed file; pushcap's own compressed splits (zstd with
 * workers, gzip, lz4, xz) replay directly; a truncated archive ends like a damaged capture.
 */
class CompressedSourceIT {
    private static final int PACKETS = 400;

    @TempDir
    static Path dir;
    static Path plain;
    static List<String> expected;

    @BeforeAll
    static void capture() throws Exception {
        plain = CraftedCaptures.ethernet(dir.resolve("plain.pcap"), PACKETS, 11);
        expected = CraftedCaptures.tcpdumpRecords(plain);
        assertThat(Cmd.capinfosPackets(plain)).isEqualTo(PACKETS);
    }

    @Test
    void shouldReplayEveryPacketWhenTheSourceIsCompressedByTheStandardPrograms() throws Exception {
        for (String codec : List.of("gzip", "zstd", "lz4", "xz", "bzip2")) {
            Path in = compress(codec, dir.resolve("by-" + codec + ".cap"));
            Path out = dir.resolve("convert-" + codec + ".pcap");
            PushcapCli.Result c = PushcapCli.run(dir, "convert", in.toString(), out.toString());
            assertThat(c.exit()).as(codec + ": " + c.all()).isZero();
            assertThat(CraftedCaptures.tcpdumpRecords(out)).as("convert of " + codec).isEqualTo(expected);

            Path pushed = push(codec, in, null);
            assertThat(records(files(pushed))).as("push --offline of " + codec).isEqualTo(expected);
        }
    }

    @Test
    void shouldReplayPushcapsOwnArchivesWhenTheyArePushedAgain() throws Exception {
        for (String compress : List.of("zstd:3:2", "gzip:1", "lz4:1", "xz:1")) {
            String name = compress.replace(':', '-');
            Path archives = push(name + "-first", plain, compress);
            List<Path> files = files(archives);
            assertThat(files).as(compress + " splits").hasSizeGreaterThan(1);
            // One launcher run per archive is slow: convert the first split, replay them all below.
            Path f = files.getFirst();
            Path out = dir.resolve("again-" + name + ".pcap");
            PushcapCli.Result c = PushcapCli.run(dir, "convert", f.toString(), out.toString());
            assertThat(c.exit()).as(f + ": " + c.all()).isZero();
            List<String> first = CraftedCaptures.tcpdumpRecords(out);
            assertThat(first).as("convert of the first " + compress + " archive").isNotEmpty()
                    .isEqualTo(expected.subList(0, first.size()));
            String[] offline = files.stream().map(Path::toString).toArray(String[]::new);
            Path replayed = push(name + "-again", null, null, offline);
            assertThat(records(files(replayed))).as("push --offline of " + compress + " archives").isEqualTo(expected);
        }
    }

    @Test
    void shouldReportDamageWithFileAndOffsetWhenACompressedSourceIsTruncated() throws Exception {
        Path whole = compress("gzip", dir.resolve("whole-gzip.cap"));
        Path cut = dir.resolve("cut-gzip.cap");
        byte[] bytes = Files.readAllBytes(whole);
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length * 2 / 3));
        Path out = dir.resolve("cut-gzip.pcap");
        PushcapCli.Result c = PushcapCli.run(dir, "convert", cut.toString(), out.toString());
        assertThat(c.exit()).as(c.all()).isEqualTo(ExitCodes.DAMAGED);
        assertThat(c.all()).contains(cut.toString(), "damaged gzip data", "at byte offset");
        List<String> got = CraftedCaptures.tcpdumpRecords(out);
        assertThat(got).isNotEmpty().isEqualTo(expected.subList(0, got.size()));
    }

    /** Compresses {@link #plain} with the standard program into {@code out}. */
    private static Path compress(String program, Path out) throws IOException {
        byte[] data = Cmd.run(null, 120, List.of(program, "-c", plain.toString())).ok().stdoutBytes();
        Files.write(out, data);
        return out;
    }

    private static Path push(String name, Path in, String compress, String... more) throws Exception {
        Path outDir = dir.resolve("push-" + name);
        Path cfg = dir.resolve("push-" + name + ".lua");
        Files.writeString(cfg, """
                local Config = {}
                Config.Target = {}
                table.insert(Config.Target, { Desc = "t", Mode = "File", Path = "%s/", Split = "--split-byte 40kB",
                    FileName = "--filename-tstr-HHMMSS_SUB" %s})
                return Config
                """.formatted(outDir, compress == null ? "" : ", Compress = \"" + compress + "\" "));
        List<String> args = new ArrayList<>(List.of("push", "--config", cfg.toString(), "--force", "--no-progress",
                "--log-dir", dir.resolve("logs-" + name).toString(), "--state-dir", dir.resolve("var-" + name).toString(),
                "--offline"));
        if (in != null) {
            args.add(in.toString());
        }
        args.addAll(List.of(more));
        PushcapCli.Result r = PushcapCli.run(dir, args.toArray(String[]::new));
        assertThat(r.exit()).as(name + ": " + r.all()).isZero();
        return outDir;
    }

    /** The records of plain-pcap splits, in order. */
    private static List<String> records(List<Path> files) {
        List<String> got = new ArrayList<>();
        for (Path f : files) {
            got.addAll(CraftedCaptures.tcpdumpRecords(f));
        }
        return got;
    }

    private static List<Path> files(Path outDir) throws IOException {
        try (Stream<Path> s = Files.list(outDir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
