package io.pushcap.pipeline.compress;

import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.PcapWriter;
import io.pushcap.pcap.TimestampPrecision;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * In-process compressors on 16 MiB of generated pcap (packets of one size, payload part random,
 * part repetitive), written in 1 MiB chunks as the pcap writer drains. One operation compresses
 * the whole buffer: MB/s = 16.8 / (ms/op) * 1000.
 * {@code java -jar target/benchmarks.jar CompressorBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class CompressorBenchmark {
    private static final int SIZE = 16 << 20;
    private static final int CHUNK = 1 << 20;

    @Param({"64", "1500", "9000"})
    public int packetSize;

    @Param({"none", "gzip:1", "zstd:1", "zstd:1:2", "zstd:3", "lz4", "xz:0"})
    public String codec;

    private byte[] pcap;
    private Compressor compressor;

    @Setup
    public void setup() throws IOException {
        pcap = generate(SIZE, packetSize);
        compressor = Compressors.parse(codec);
    }

    @Benchmark
    public long compress() throws IOException {
        Counting sink = new Counting();
        try (OutputStream z = compressor.open(sink)) {
            for (int off = 0; off < pcap.length; off += CHUNK) {
                z.write(pcap, off, Math.min(CHUNK, pcap.length - off));
            }
        }
        return sink.n;
    }

    static byte[] generate(int bytes, int packetSize) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes + 65536);
        Random rnd = new Random(1);
        byte[] noise = new byte[16 << 20];
        rnd.nextBytes(noise);
        byte[] frame = new byte[packetSize];
        MemorySegment seg = MemorySegment.ofArray(frame);
        PcapWriter w = new PcapWriter(out, LinkType.ETHERNET, 65535, TimestampPrecision.NANO);
        long ts = 1_700_000_000_000_000_000L;
        for (long n = 0; w.bytesWritten() < bytes; n++) {
            for (int i = 0; i < Math.min(42, packetSize); i++) {
                frame[i] = (byte) (i < 12 ? 2 + (n & 3) : i == 12 ? 8 : i * 7 + (i > 26 ? n % 13 : 0));
            }
            int payload = packetSize - 42;
            if (payload > 0) {
                int random = payload / 2;
                System.arraycopy(noise, rnd.nextInt(noise.length - random), frame, 42, random);
                for (int i = 42 + random; i < packetSize; i++) {
                    frame[i] = (byte) ('A' + i % 26);
                }
            }
            ts += 1000 + rnd.nextInt(50_000);
            w.write(ts, packetSize, seg, 0, packetSize);
        }
        w.close();
        return out.toByteArray();
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
