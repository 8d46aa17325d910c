package io.pushcap.ring;

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

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

/**
 * The yardstick for {@link RingBenchmark}: plain copies of {@code size} bytes from a small source
 * into a 64 MiB destination, walked round like the ring (so the copies go to memory, not cache).
 * Copies per second times size is this machine's memcpy bandwidth for that size.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class MemcpyBenchmark {
    private static final long AREA = 64L << 20;

    @Param({"64", "1500", "9000"})
    int size;

    Arena arena;
    MemorySegment src;
    MemorySegment dst;
    long at;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        src = arena.allocate(size, 64);
        dst = arena.allocate(AREA, 4096);
        dst.fill((byte) 1);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public void copy() {
        long len = (size + 40 + 7) & -8; // the same stride as a ring record
        if (at + len > AREA) {
            at = 0;
        }
        MemorySegment.copy(src, 0, dst, at, size);
        at += len;
    }
}
