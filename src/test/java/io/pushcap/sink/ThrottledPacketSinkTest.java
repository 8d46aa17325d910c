package io.pushcap.sink;

import io.pushcap.metrics.Counter;
import io.pushcap.pcap.Packet;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** MaxMbps on a packet sink, on a simulated clock: sleeping advances time, so no real time is measured. */
class ThrottledPacketSinkTest {
    private long now;

    /** Records what reaches the destination, and when on the simulated clock. */
    private final class Recording implements PacketSink {
        final List<Long> times = new ArrayList<>();
        final List<String> calls = new ArrayList<>();

        @Override
        public String kind() {
            return "kafka";
        }

        @Override
        public void write(Packet packet) {
            times.add(now);
        }

        @Override
        public void flush() {
            calls.add("flush");
        }

        @Override
        public void flush(SourceMark upTo) {
            calls.add("flush " + upTo.major());
        }

        @Override
        public void abort() {
            calls.add("abort");
        }

        @Override
        public long packetsWritten() {
            return times.size();
        }
    }

    private static Packet packet(int caplen) {
        return new Packet().set(MemorySegment.ofArray(new byte[caplen]), 0, caplen, caplen, 0, 1, 0);
    }

    @Test
    void shouldHoldPacketsToTheCapWhenMoreArriveThanItAllows() throws IOException {
        Recording dest = new Recording();
        Counter throttled = new Counter("t", "t");
        // 8 Mbit/s = 1 MB/s; the bucket holds 100 kB (a tenth of a second).
        RateLimiter limiter = new RateLimiter(1_000_000, () -> now, nanos -> now += nanos);
        ThrottledPacketSink sink = new ThrottledPacketSink(dest, limiter, throttled);
        for (int i = 0; i < 1100; i++) {
            sink.write(packet(1000));
        }
        // 1.1 MB: the first 100 kB from the full bucket, then 1 MB at 1 MB/s.
        assertEquals(1_000_000_000L, now, 1_000_000);
        assertEquals(now, throttled.get(), 1_000_000);
        assertEquals(1100, sink.packetsWritten());
        assertEquals(0, dest.times.get(99), "the bucket's worth goes at once");
    }

    @Test
    void shouldPayInStepsWhenAPacketIsLargerThanTheBucket() throws IOException {
        Recording dest = new Recording();
        // 64 KiB bucket at 10 kB/s: a 200 kB packet waits (200 kB - 64 KiB) / 10 kB/s.
        RateLimiter limiter = new RateLimiter(10_000, () -> now, nanos -> now += nanos);
        ThrottledPacketSink sink = new ThrottledPacketSink(dest, limiter, new Counter("t", "t"));
        sink.write(packet(200_000));
        assertEquals((200_000 - 65_536) * 100_000L, now, 1_000_000);
        assertEquals(List.of(now), dest.times);
    }

    @Test
    void shouldPassFlushesMarksAndAbortsThroughWhenWrapping() throws IOException {
        Recording dest = new Recording();
        ThrottledPacketSink sink = new ThrottledPacketSink(dest,
                new RateLimiter(1_000_000, () -> now, nanos -> now += nanos), new Counter("t", "t"));
        sink.flush();
        sink.flush(new SourceMark("in.pcap", 7, 0, 0));
        sink.abort();
        assertEquals(List.of("flush", "flush 7", "abort"), dest.calls);
        assertEquals("kafka", sink.kind());
    }
}
