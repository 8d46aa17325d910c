package io.pushcap.ring;

import io.pushcap.pcap.Packet;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
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
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One writer and one or four readers on a 64 MiB ring (in /dev/shm), for 64, 1500 and 9000-byte
 * packets. The writer's score is records per second (multiply by the size for bytes/s); each
 * reader thread reports {@code delivered} and {@code lost} packets per second as auxiliary
 * counters. {@code writerAlone} is the writer with no reader at all. {@code oneReaderViewBatched}
 * appends records and publishes every {@value #BATCH}, as rx does per batch from the kernel.
 *
 * <p>Readers use the zero-copy view and validate it after reading the first and last data bytes
 * ({@code *View}), or copy each packet out ({@code *Copy}), which is what RingSource and cat do.
 * Run: {@code java -jar target/benchmarks.jar RingBenchmark -wi 2 -i 3 -r 1 -w 1 -f 1}.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx1g"})
public class RingBenchmark {
    @Param({"64", "1500", "9000"})
    int size;

    Path dir;
    RingFile ring;
    RingWriter writer;
    Arena arena;
    MemorySegment payload;
    final AtomicInteger names = new AtomicInteger();

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory(Path.of("/dev/shm"), "pushcap-bench-");
        ring = RingFile.create(dir.resolve("ring"), new RingFile.CreateOptions(64L << 20, false));
        writer = ring.writer("bench");
        arena = Arena.ofShared();
        payload = arena.allocate(size, 64);
        for (int i = 0; i < size; i++) {
            payload.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) i);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        writer.close();
        ring.close();
        arena.close();
        Files.deleteIfExists(dir.resolve("ring"));
        Files.deleteIfExists(dir);
    }

    /** A reader thread: its slot and its counters (packets per second in the JMH output). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Reader {
        RingReader reader;
        final Packet packet = new Packet();
        long lostBase;
        public long delivered;
        public long lost;

        @Setup(Level.Trial)
        public void open(RingBenchmark b) {
            reader = b.ring.reader(RingReader.Options.latest("bench-" + b.names.incrementAndGet()));
        }

        @Setup(Level.Iteration)
        public void reset() {
            delivered = 0;
            lostBase = reader.lostPackets();
            lost = 0;
        }

        @TearDown(Level.Iteration)
        public void count() {
            lost = reader.lostPackets() - lostBase;
        }

        @TearDown(Level.Trial)
        public void close() {
            reader.close();
        }

        /** When caught up, pause without touching the ring so the writer can publish a batch. */
        private static void backOff() {
            for (int i = 0; i < 32; i++) {
                Thread.onSpinWait();
            }
        }

        boolean view() {
            if (!reader.nextView(packet)) {
                backOff();
                return false;
            }
            int first = packet.u8(0);
            int last = packet.u8(packet.caplen() - 1);
            if (reader.stillValid() && first + last >= 0) {
                delivered++;
                return true;
            }
            return false;
        }

        /** As RingSource and cat read: copy, and sleep in await() when caught up. */
        boolean copyAwait() {
            if (!reader.next(packet)) {
                try {
                    reader.await(1_000_000L);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return false;
            }
            delivered++;
            return true;
        }

        boolean copy() {
            if (!reader.next(packet)) {
                backOff();
                return false;
            }
            delivered++;
            return true;
        }
    }

    long timestamp;

    private void write() {
        writer.write(++timestamp, size, 1, 0, payload, 0, size);
    }

    /** Records a receiver gets from the kernel at once (rx publishes once per such batch). */
    static final int BATCH = 32;
    int unpublished;

    private void append() {
        long at = writer.claim(size);
        MemorySegment.copy(payload, 0, writer.segment(), at, writer.claimedCaplen());
        writer.append(++timestamp, size, 1, 0, 0);
        if (++unpublished == BATCH) {
            writer.publish();
            unpublished = 0;
        }
    }

    @Benchmark
    @Group("writerAlone")
    public void writerAloneWrite() {
        write();
    }

    @Benchmark
    @Group("oneReaderView")
    @GroupThreads(1)
    public void oneReaderViewWrite() {
        write();
    }

    @Benchmark
    @Group("oneReaderView")
    @GroupThreads(1)
    public boolean oneReaderViewRead(Reader r) {
        return r.view();
    }

    @Benchmark
    @Group("oneReaderViewBatched")
    @GroupThreads(1)
    public void oneReaderViewBatchedWrite() {
        append();
    }

    @Benchmark
    @Group("oneReaderViewBatched")
    @GroupThreads(1)
    public boolean oneReaderViewBatchedRead(Reader r) {
        return r.view();
    }

    @Benchmark
    @Group("oneReaderCopy")
    @GroupThreads(1)
    public void oneReaderCopyWrite() {
        write();
    }

    @Benchmark
    @Group("oneReaderCopy")
    @GroupThreads(1)
    public boolean oneReaderCopyRead(Reader r) {
        return r.copy();
    }

    @Benchmark
    @Group("oneReaderAwait")
    @GroupThreads(1)
    public void oneReaderAwaitWrite() {
        write();
    }

    @Benchmark
    @Group("oneReaderAwait")
    @GroupThreads(1)
    public boolean oneReaderAwaitRead(Reader r) {
        return r.copyAwait();
    }

    @Benchmark
    @Group("fourReadersView")
    @GroupThreads(1)
    public void fourReadersViewWrite() {
        write();
    }

    @Benchmark
    @Group("fourReadersView")
    @GroupThreads(4)
    public boolean fourReadersViewRead(Reader r) {
        return r.view();
    }
}
