package io.pushcap.flow;

import io.pushcap.config.FlowMeterConfig;
import io.pushcap.metrics.MetricsRegistry;
import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.Packet;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The meter's hot path: dissect, look up or create the flow, update it. Packets are TCP/IPv4
 * Ethernet frames of {@code size} bytes (headers only are read, so size matters little) spread
 * over {@code flows} distinct keys, in an off-heap buffer like a mapped capture.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class FlowMeterBenchmark {
    private static final int PACKETS = 1 << 16;

    @Param({"64", "1500", "9000"})
    int size;

    @Param({"1000", "50000"})
    int flows;

    private MemorySegment frames;
    private final Packet packet = new Packet();
    private FlowMeter meter;
    private long ts = 1_700_000_000_000_000_000L;

    @Setup
    public void setup() {
        int stride = Math.min(size, 128); // only the headers are ever read
        frames = Arena.ofAuto().allocate((long) PACKETS * stride, 64);
        SplittableRandom r = new SplittableRandom(7);
        ByteBuffer b = ByteBuffer.allocate(stride);
        for (int i = 0; i < PACKETS; i++) {
            int key = r.nextInt(flows);
            b.clear();
            b.putLong(0x0011223344550066L).putInt(0x778899aa).putShort((short) 0x0800);
            b.put((byte) 0x45).put((byte) 0).putShort((short) (size - 14)).putInt(0).put((byte) 64).put((byte) 6)
                    .putShort((short) 0).putInt(0x0a000000 | key).putInt(0xac100001);
            b.putShort((short) (1024 + key % 50000)).putShort((short) 443).putInt(i).putInt(0).put((byte) 0x50)
                    .put((byte) 0x10).putShort((short) 1000).putInt(0);
            MemorySegment.copy(MemorySegment.ofArray(b.array()), 0, frames, (long) i * stride, Math.min(stride, 54));
        }
        meter = new FlowMeter(FlowMeterConfig.defaults(FlowMeterConfig.Clock.PACKET).withMaxFlows(65_536),
                (t, f, reason) -> { }, new MetricsRegistry(), "");
    }

    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public int meterPackets() {
        int stride = Math.min(size, 128);
        for (int i = 0; i < PACKETS; i++) {
            packet.set(frames, (long) i * stride, Math.min(stride, 54), size, ts += 1000, LinkType.ETHERNET, 0);
            meter.meter(packet);
        }
        return meter.activeFlows();
    }
}
