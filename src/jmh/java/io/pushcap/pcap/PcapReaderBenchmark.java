package io.pushcap.pcap;

import io.pushcap.pipeline.SourcePosition;
import io.pushcap.pipeline.source.FileSetSource;
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
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * The offline reader, as {@code pushcap push --offline} reads: a ~64 MiB pcap (ns) file of
 * {@code packetSize}-byte frames in /dev/shm, read with positional read(2) into a 4 MiB native
 * buffer ({@link CaptureFiles#open}, {@code InputWindow.read}; until December 5 it was mapped, and
 * this benchmark measured that: docs/performance.md) and parsed by {@link PcapReader}. At the end
 * of the file the reader is closed and the file opened again, as each push target does (from the
 * page cache: the file stays in /dev/shm).
 *
 * <ul>
 *   <li>{@code reader}: {@link PcapReader#next} alone; only record headers are read.
 *   <li>{@code readerTouch}: the same, then one byte of every 4 KiB of each packet and its last
 *       byte, as writing the packet out would read it.
 *   <li>{@code source}: {@link FileSetSource}, the push's offline source around the reader (time
 *       window, damage, position), as one target reads it.
 *   <li>{@code streamReader}: the same parser over the window a stream (stdin, a pipe) gets
 *       ({@link InputWindow#stream}: sequential read(2) into one reused 4 MiB native buffer).
 * </ul>
 *
 * <p>The score is packets per second. The auxiliary counter {@code bytes} is input bytes per
 * second (record headers and captured bytes: packets/s x (packetSize + 16)).
 *
 * <p>Run: {@code mvn -B -q -Pbench -DskipTests package -Dpushcap.skipDist=true && java -jar
 * target/benchmarks.jar PcapReaderBenchmark -f 1 -wi 2 -i 3}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx1g"})
public class PcapReaderBenchmark {
    private static final long FILE_BYTES = 64L << 20;

    @Param({"64", "1500", "9000"})
    public int packetSize;

    private Path dir;
    private Path file;
    private CaptureReader reader;
    private CaptureReader streamReader;
    private FileSetSource source;
    private final Packet packet = new Packet();

    /** Input bytes per second, beside the packets per second of the score. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        file = BenchPackets.captureInShm(packetSize, FILE_BYTES);
        dir = file.getParent();
        reader = CaptureFiles.open(file);
        source = FileSetSource.open(List.of(file));
        streamReader = openStream();
    }

    private CaptureReader openStream() throws IOException {
        return new PcapReader(InputWindow.stream(file.toString(), FileChannel.open(file, StandardOpenOption.READ)));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        reader.close();
        source.close();
        streamReader.close();
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
    }

    private void nextFromReader() throws IOException {
        if (!reader.next(packet)) {
            reader.close();
            reader = CaptureFiles.open(file);
            reader.next(packet);
        }
    }

    @Benchmark
    public long reader(Counters c) throws IOException {
        nextFromReader();
        c.bytes += packet.caplen() + 16;
        return packet.timestampNanos() + packet.caplen();
    }

    @Benchmark
    public long readerTouch(Counters c) throws IOException {
        nextFromReader();
        int n = packet.caplen();
        c.bytes += n + 16;
        MemorySegment s = packet.segment();
        long at = packet.offset();
        long sum = s.get(JAVA_BYTE, at + n - 1);
        for (int i = 0; i < n; i += 4096) {
            sum += s.get(JAVA_BYTE, at + i);
        }
        return sum;
    }

    @Benchmark
    public long streamReader(Counters c) throws IOException {
        if (!streamReader.next(packet)) {
            streamReader.close();
            streamReader = openStream();
            streamReader.next(packet);
        }
        c.bytes += packet.caplen() + 16;
        return packet.timestampNanos() + packet.caplen();
    }

    @Benchmark
    public long source(Counters c) throws IOException {
        if (!source.next(packet)) {
            source.seek(SourcePosition.START); // opens (maps) the file again
            source.next(packet);
        }
        c.bytes += packet.caplen() + 16;
        return packet.timestampNanos() + packet.caplen();
    }
}
