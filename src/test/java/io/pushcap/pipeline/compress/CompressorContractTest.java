package io.pushcap.pipeline.compress;

import io.pushcap.testsupport.Exec;
import io.pushcap.testsupport.TestPcap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every compressor, in process or PipeCmd, must produce output that the standard CLI decodes to
 * exactly the bytes written, for an empty split, a header-only split, a small and a large one; the
 * decoded pcap must satisfy tcpdump and capinfos.
 */
class CompressorContractTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    static Stream<Arguments> compressors() {
        List<String> gunzip = List.of("gzip", "-dc");
        List<String> unzstd = List.of("zstd", "-dc");
        List<String> unlz4 = List.of("lz4", "-dc");
        List<String> unxz = List.of("xz", "-dc");
        return Stream.of(
                Arguments.of("none", Compressors.parse("none"), List.of("cat")),
                Arguments.of("gzip:1", Compressors.parse("gzip:1"), gunzip),
                Arguments.of("gzip", Compressors.parse("gzip"), gunzip),
                Arguments.of("zstd", Compressors.parse("zstd"), unzstd),
                Arguments.of("zstd:1:1", Compressors.parse("zstd:1:1"), unzstd),
                Arguments.of("zstd:1:2", Compressors.parse("zstd:1:2"), unzstd),
                Arguments.of("lz4", Compressors.parse("lz4"), unlz4),
                Arguments.of("lz4:9", Compressors.parse("lz4:9"), unlz4),
                Arguments.of("xz:1", Compressors.parse("xz:1"), unxz),
                Arguments.of("pipe zstd -c -T2", Compressors.pipe("zstd -c -T2"), unzstd),
                Arguments.of("pipe gzip -1 -c", Compressors.pipe("gzip -1 -c"), gunzip),
                Arguments.of("pipe ' gzip -c '", Compressors.pipe(" gzip -c "), gunzip),
                Arguments.of("pipe lz4 -c", Compressors.pipe("lz4 -c"), unlz4),
                Arguments.of("pipe xz -1 -T2 -c", Compressors.pipe("xz -1 -T2 -c"), unxz));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("compressors")
    void shouldRoundTripWhenSplitIsEmpty(String label, Compressor c, List<String> decoder) throws IOException {
        roundTrip(c, decoder, new byte[0]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("compressors")
    void shouldRoundTripWhenSplitHasOnlyTheHeader(String label, Compressor c, List<String> decoder) throws IOException {
        Path out = roundTrip(c, decoder, TestPcap.generate(0, 64, 1));
        assertEquals(0, packets(out), "capinfos packet count of a header-only pcap");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("compressors")
    void shouldRoundTripWhenSplitIsSmall(String label, Compressor c, List<String> decoder) throws IOException {
        byte[] pcap = TestPcap.generate(20_000, 200, 2);
        Path out = roundTrip(c, decoder, pcap);
        Exec.run(List.of("tcpdump", "-nr", out.toString(), "-w", "/dev/null"), null, null, TIMEOUT)
                .requireSuccess(List.of("tcpdump -r"));
        assertEquals((pcap.length - 24) / (16 + 200), packets(out));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("compressors")
    void shouldRoundTripWhenSplitIsLarge(String label, Compressor c, List<String> decoder) throws IOException {
        byte[] pcap = TestPcap.generate(20L << 20, 1500, 3);
        Path out = roundTrip(c, decoder, pcap);
        assertEquals((pcap.length - 24) / (16 + 1500), packets(out));
    }

    /**
     * Through {@link Compressor#open} into a stream, and, for a compressor that can fill a local
     * file itself ({@link Compressor#openToFile}, a PipeCmd), that way too: both must decode to
     * exactly the bytes written.
     */
    private Path roundTrip(Compressor c, List<String> decoder, byte[] pcap) throws IOException {
        Path compressed = dir.resolve("split.c");
        try (OutputStream file = Files.newOutputStream(compressed)) {
            CloseWatch watch = new CloseWatch(file);
            try (OutputStream z = c.open(watch)) {
                writeUnevenly(z, pcap);
            }
            assertTrue(!watch.closed, c.name() + " must not close the sink");
        }
        Path decoded = decode(c, decoder, pcap, compressed, "split.pcap");
        Path direct = Files.createFile(dir.resolve("direct.c"));
        OutputStream z = c.openToFile(direct);
        if (z != null) {
            try (z) {
                writeUnevenly(z, pcap);
            }
            decode(c, decoder, pcap, direct, "direct.pcap");
        }
        return decoded;
    }

    private static void writeUnevenly(OutputStream z, byte[] pcap) throws IOException {
        // Uneven chunks, as a pcap writer's buffer drains do.
        int off = 0;
        int step = 1;
        while (off < pcap.length) {
            int n = Math.min(step, pcap.length - off);
            z.write(pcap, off, n);
            off += n;
            step = step * 3 + 7 > (1 << 20) ? 1 << 20 : step * 3 + 7;
        }
    }

    private Path decode(Compressor c, List<String> decoder, byte[] pcap, Path compressed, String name) throws IOException {
        Path decoded = dir.resolve(name);
        Exec.run(decoder, compressed, decoded, TIMEOUT).requireSuccess(decoder);
        byte[] back = Files.readAllBytes(decoded);
        assertEquals(-1, java.util.Arrays.mismatch(pcap, back), () -> c.name() + " round trip (" + compressed.getFileName()
                + ") differs: " + pcap.length + " bytes in, " + back.length + " out");
        return decoded;
    }

    private static long packets(Path pcap) throws IOException {
        String out = Exec.run(List.of("capinfos", "-c", "-M", pcap.toString()), null, null, TIMEOUT)
                .requireSuccess(List.of("capinfos")).stdout();
        Matcher m = Pattern.compile("Number of packets:\\s+(\\d+)").matcher(out);
        assertTrue(m.find(), out);
        return Long.parseLong(m.group(1));
    }

    private static final class CloseWatch extends java.io.FilterOutputStream {
        boolean closed;

        CloseWatch(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
