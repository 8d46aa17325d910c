package io.pushcap.pipeline;

import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.Packet;
import io.pushcap.pipeline.filter.BpfFilter;
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

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

/**
 * A target's per-packet decision: {@link FilterStage#accept} with {@code FilterBPF} compiled by
 * libpcap ({@link BpfFilter}, {@code pcap_offline_filter} through FFM) and no decapsulation, as a
 * push target with {@code Decap = false} runs it. Packets alternate TCP to port 443 and UDP to
 * port 53 ({@code packetSize} bytes each, 1024 of them in native memory like a mapped capture),
 * so {@code tcp} and {@code port 80 or port 443} each keep half. {@code filter = none} is the
 * baseline: a stage with no filter, which accepts everything.
 *
 * <p>The score is packets per second; the auxiliary counters are {@code bytes} judged per second
 * (packets/s x packetSize; the filter reads headers only, so this is a conversion, not a
 * bandwidth) and {@code accepted} packets per second (half the score with a filter).
 *
 * <p>Run: {@code mvn -B -q -Pbench -DskipTests package -Dpushcap.skipDist=true && java -jar
 * target/benchmarks.jar FilterStageBenchmark -f 1 -wi 2 -i 3}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx1g"})
public class FilterStageBenchmark {
    private static final int PACKETS = 1024;

    @Param({"64", "1500", "9000"})
    public int packetSize;

    @Param({"none", "tcp", "port 80 or port 443"})
    public String filter;

    private Arena arena;
    private FilterStage stage;
    private final Packet[] packets = new Packet[PACKETS];
    private int next;

    /** Bytes judged and packets kept per second, beside the packets per second of the score. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long bytes;
        public long accepted;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
            accepted = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        MemorySegment pool = BenchPackets.pool(arena, packetSize, PACKETS, 1);
        long ts = 1_700_000_000_000_000_000L;
        for (int i = 0; i < PACKETS; i++) {
            packets[i] = new Packet().set(pool, (long) i * packetSize, packetSize, packetSize, ts + i * 10_000L,
                    LinkType.ETHERNET, 0);
        }
        BpfFilter bpf = filter.equals("none") ? null : BpfFilter.compile(filter, LinkType.ETHERNET, 262_144);
        stage = new FilterStage(null, null, bpf, false, 262_144);
        int kept = 0;
        for (Packet p : packets) {
            kept += stage.accept(p) ? 1 : 0;
        }
        int expected = filter.equals("none") ? PACKETS : PACKETS / 2;
        if (kept != expected) {
            throw new IllegalStateException(filter + " kept " + kept + " of " + PACKETS + ", expected " + expected);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        stage.close();
        arena.close();
    }

    @Benchmark
    public Packet accept(Counters c) {
        Packet p = packets[next++ & (PACKETS - 1)];
        c.bytes += p.caplen();
        if (stage.accept(p)) {
            c.accepted++;
            return stage.output(p);
        }
        return null;
    }
}
