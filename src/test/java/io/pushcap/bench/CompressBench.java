package io.pushcap.bench;

import io.pushcap.pipeline.compress.Compressor;
import io.pushcap.pipeline.compress.Compressors;

import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Compresses a file in process and prints "SPEC SECONDS IN_BYTES OUT_BYTES":
 * {@code CompressBench FILE SPEC [RUNS]} (best of RUNS). The file is read from the page cache
 * through a mapped segment in 1 MiB chunks, as a pcap writer hands them over.
 */
public final class CompressBench {
    private CompressBench() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        Compressor c = args[1].startsWith("pipe:") ? Compressors.pipe(args[1].substring(5)) : Compressors.parse(args[1]);
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            byte[] chunk = new byte[1 << 20];
            double best = Double.MAX_VALUE;
            long outBytes = 0;
            for (int r = 0; r < runs; r++) {
                Counting sink = new Counting();
                long t0 = System.nanoTime();
                try (OutputStream z = c.open(sink)) {
                    for (long off = 0; off < seg.byteSize(); off += chunk.length) {
                        int n = (int) Math.min(chunk.length, seg.byteSize() - off);
                        MemorySegment.copy(seg, java.lang.foreign.ValueLayout.JAVA_BYTE, off, chunk, 0, n);
                        z.write(chunk, 0, n);
                    }
                }
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
                outBytes = sink.n;
            }
            System.out.printf("%s %.3f %d %d%n", args[1], best, seg.byteSize(), outBytes);
        }
    }

    private static final class Counting extends OutputStream {
        long n;

        @Override
        public void write(int b) {
            n++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            n += len;
        }
    }
}
