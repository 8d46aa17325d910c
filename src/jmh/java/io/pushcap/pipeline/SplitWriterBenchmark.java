package io.pushcap.pipeline;

import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.Packet;
import io.pushcap.pipeline.compress.Compressor;
import io.pushcap.pipeline.compress.Compressors;
import io.pushcap.sink.SplitOutput;
import io.pushcap.synth.BenchPackets;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

/**
 * A target's write path: {@link SplitWriter} (pcap records into the compressor, the compressed
 * bytes through the SHA-256 digest) into a sink that only counts what it is given, so neither
 * disk nor network is measured. Packets of {@code packetSize} bytes come from 16 MiB of distinct
 * frames in native memory (a mapped capture; payload half random, half text), timestamps 10 µs
 * apart. Every 64 MiB of pcap the split is finished (compressor flushed, digest taken) and the
 * next one opened, as a push rolls splits.
 *
 * <p>The score is packets per second. The auxiliary counters are {@code bytes}, pcap bytes
 * written per second (packets/s x (packetSize + 16)), and {@code sinkBytes}, bytes handed to the
 * sink per second (after compression).
 *
 * <p>Run: {@code mvn -B -q -Pbench -DskipTests package -Dpushcap.skipDist=true && java -jar
 * target/benchmarks.jar SplitWriterBenchmark -f 1 -wi 2 -i 3}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx1g"})
public class SplitWriterBenchmark {
    private static final long SPLIT_BYTES = 64L << 20;
    private static final int POOL_BYTES = 16 << 20;

    @Param({"64", "1500", "9000"})
    public int packetSize;

    @Param({"none", "zstd:1:0"})
    public String compress;

    private Arena arena;
    private MemorySegment pool;
    private int count;
    private int next;
    private long ts = 1_700_000_000_000_000_000L;
    private Compressor compressor;
    private SplitWriter writer;
    private long sinkSeen;
    private final Packet packet = new Packet();

    /** Pcap and sink bytes per second, beside the packets per second of the score. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long bytes;
        public long sinkBytes;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
            sinkBytes = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        arena = Arena.ofShared();
        count = Math.max(256, POOL_BYTES / packetSize);
        pool = BenchPackets.pool(arena, packetSize, count, 1);
        compressor = Compressors.parse(compress);
        writer = new SplitWriter(new DiscardingOutput(), compressor, LinkType.ETHERNET, 262_144);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        writer.finish();
        arena.close();
    }

    @Benchmark
    public long write(Counters c) throws IOException {
        int i = next++;
        if (next == count) {
            next = 0;
        }
        ts += 10_000;
        packet.set(pool, (long) i * packetSize, packetSize, packetSize, ts, LinkType.ETHERNET, 0);
        writer.write(packet);
        c.bytes += packetSize + 16;
        long out = writer.bytesOut();
        c.sinkBytes += out - sinkSeen;
        sinkSeen = out;
        if (writer.bytesIn() >= SPLIT_BYTES) {
            writer.finish();
            c.sinkBytes += writer.bytesOut() - sinkSeen;
            String sha = writer.sha256();
            writer = new SplitWriter(new DiscardingOutput(), compressor, LinkType.ETHERNET, 262_144);
            sinkSeen = 0;
            return sha.length();
        }
        return out;
    }

    /** A split that goes nowhere: counts the bytes, commits nothing. */
    private static final class DiscardingOutput implements SplitOutput {
        private final Counting stream = new Counting();

        @Override
        public OutputStream stream() {
            return stream;
        }

        @Override
        public void commit() {
        }

        @Override
        public void abort() {
        }

        @Override
        public long bytesWritten() {
            return stream.n;
        }

        @Override
        public String location() {
            return "discard";
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
