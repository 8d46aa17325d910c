package io.pushcap.pipeline.decap;

import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.Packet;
import io.pushcap.synth.Frames;
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

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

/**
 * Decapsulation cost per packet. {@code size} is the inner frame (what the filter sees):
 * {@code plain} passes it as is, {@code vlan} strips one tag (scratch copy), {@code vxlan}
 * strips VXLAN over IPv4 (a view, no copy).
 *
 * <p>Run: {@code mvn -Pbench -DskipTests package && java --enable-native-access=ALL-UNNAMED
 * -jar target/benchmarks.jar DecapBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DecapBenchmark {
    @Param({"64", "1500", "9000"})
    int size;

    @Param({"plain", "vlan", "vxlan"})
    String encap;

    private final Decapsulator decap = new Decapsulator(DecapOptions.DEFAULT, DecapCounters.unregistered());
    private final Packet packet = new Packet();

    @Setup
    public void setup() {
        byte[] inner = Frames.ipUdp("10.0.0.1", "10.0.0.2", 1000, 2000, new byte[size - 42]);
        byte[] frame = switch (encap) {
            case "vlan" -> Frames.vlan(inner, 100);
            case "vxlan" -> Frames.vxlan(Frames.Outer.v4("192.0.2.1", "192.0.2.2"), 42, inner);
            default -> inner;
        };
        MemorySegment s = Arena.global().allocate(frame.length);
        MemorySegment.copy(MemorySegment.ofArray(frame), 0, s, 0, frame.length);
        packet.set(s, 0, frame.length, frame.length, 1, LinkType.ETHERNET, 0);
    }

    @Benchmark
    public int decapsulate() {
        return decap.decapsulate(packet).packet().caplen();
    }
}
