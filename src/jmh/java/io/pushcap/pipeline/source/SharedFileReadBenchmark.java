package io.pushcap.pipeline.source;

import io.pushcap.pcap.Packet;
import io.pushcap.pipeline.PacketSource;
import io.pushcap.synth.BenchPackets;
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
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * An offline push's input as {@code targets} targets read it: a ~64 MiB pcap (ns) file of
 * {@code packetSize}-byte frames in /dev/shm, drained by one thread per target that touches the
 * first and last byte of each packet (as a filter and the split writer's copy would).
 *
 * <ul>
 *   <li>{@code shared}: one {@link SharedFileRead} (one read(2) and decoding, a reader thread,
 *       batches copied once) and a view per target: what a push of several targets does.
 *   <li>{@code separate}: a {@link FileSetSource} per target, each reading and decoding the file
 *       itself: what a push did before December 7 (and what one target still does).
 * </ul>
 *
 * <p>The score is the time to read the whole file for all targets (ms/op); lower is better. On a
 * machine with fewer CPUs than targets both sides share the CPUs, as a push does.
 *
 * <p>Run: {@code mvn -B -q -Pbench -DskipTests package -Dpushcap.skipDist=true && java -jar
 * target/benchmarks.jar SharedFileReadBenchmark -f 1 -wi 2 -i 5}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx1g"})
public class SharedFileReadBenchmark {
    private static final long FILE_BYTES = 64L << 20;

    @Param({"64", "1500", "9000"})
    public int packetSize;

    @Param({"2", "4"})
    public int targets;

    private Path dir;
    private Path file;
    private ExecutorService pool;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        file = BenchPackets.captureInShm(packetSize, FILE_BYTES);
        dir = file.getParent();
        pool = Executors.newFixedThreadPool(targets);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        pool.shutdownNow();
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
    }

    @Benchmark
    public long shared() throws Exception {
        SharedFileRead read = SharedFileRead.open(List.of(file), TimeWindow.ALL);
        List<PacketSource> views = new ArrayList<>();
        for (int i = 0; i < targets; i++) {
            views.add(read.view());
        }
        return drainAll(views);
    }

    @Benchmark
    public long separate() throws Exception {
        List<PacketSource> sources = new ArrayList<>();
        for (int i = 0; i < targets; i++) {
            sources.add(FileSetSource.open(List.of(file)));
        }
        return drainAll(sources);
    }

    private long drainAll(List<PacketSource> sources) throws Exception {
        List<Future<Long>> done = new ArrayList<>();
        for (PacketSource s : sources) {
            done.add(pool.submit(() -> drain(s)));
        }
        long sum = 0;
        try {
            for (Future<Long> f : done) {
                sum += f.get();
            }
        } finally {
            for (PacketSource s : sources) {
                s.close();
            }
        }
        return sum;
    }

    private static long drain(PacketSource s) throws IOException {
        Packet p = new Packet();
        long sum = 0;
        while (s.next(p)) {
            MemorySegment seg = p.segment();
            sum += seg.get(JAVA_BYTE, p.offset()) + seg.get(JAVA_BYTE, p.offset() + p.caplen() - 1);
        }
        return sum;
    }
}
