package io.pushcap.pipeline.decap;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.Packet;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Arbitrary bytes as Ethernet frames: the Decapsulator never throws and never reads or returns
 * bytes outside the captured frame. The frame sits in native memory of exactly its length, so a
 * stray read fails with an exception.
 *
 * <p>Regression mode (the normal suite) replays the corpus in
 * {@code src/test/resources/io/pushcap/pipeline/decap/DecapsulatorFuzzTestInputs/fuzzDecapsulate/};
 * fuzz mode: {@code JAZZER_FUZZ=1 mvn test -Dtest=DecapsulatorFuzzTest} (findings land in that
 * directory as new regression inputs).
 */
class DecapsulatorFuzzTest {
    private final Decapsulator deep = new Decapsulator(DecapOptions.DEFAULT, DecapCounters.unregistered());
    private final Decapsulator shallow = new Decapsulator(new DecapOptions(true, 1, new int[]{4789, 8472}),
            DecapCounters.unregistered());

    @FuzzTest(maxDuration = "30s")
    void fuzzDecapsulate(byte[] data) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(Math.max(1, data.length));
            MemorySegment.copy(MemorySegment.ofArray(data), 0, s, 0, data.length);
            for (int extraWire : new int[]{0, 1500}) {
                for (Decapsulator d : new Decapsulator[]{deep, shallow}) {
                    Packet p = new Packet().set(s, 0, data.length, data.length + extraWire, 42, LinkType.ETHERNET, 0);
                    check(p, d.decapsulate(p), s);
                }
            }
        }
    }

    private static void check(Packet in, DecapResult r, MemorySegment source) {
        Packet out = r.packet();
        assertTrue(out.caplen() >= 0 && out.caplen() <= out.wirelen(), r.toString());
        assertTrue(out.caplen() <= in.caplen(), "never longer than captured: " + r);
        assertTrue(out.wirelen() <= in.wirelen(), "never longer on the wire: " + r);
        assertEquals(in.timestampNanos(), out.timestampNanos());
        if (r.layers() == 0) {
            assertSame(in.segment(), out.segment());
            assertEquals(in.caplen(), out.caplen());
        } else if (!r.copied()) {
            assertSame(source, out.segment());
            assertTrue(out.offset() >= 0 && out.offset() + out.caplen() <= in.caplen(), r.toString());
        } else {
            assertTrue(out.caplen() >= 14, r.toString());
        }
        out.toByteArray();
    }
}
