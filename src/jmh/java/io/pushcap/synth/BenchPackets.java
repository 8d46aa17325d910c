package io.pushcap.synth;

import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.PcapWriter;
import io.pushcap.pcap.TimestampPrecision;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Packets of one size for the hot-path benchmarks: Ethernet frames alternating TCP/IPv4 to port
 * 443 and UDP/IPv4 to port 53 (so {@code tcp} and {@code port 80 or port 443} each keep half),
 * laid out back to back in native memory like a mapped capture. The payload is half random, half
 * repetitive text, so a compressor has about as much work as on real traffic.
 *
 * <p>Headers come from {@link Frames}; the payload bytes are replaced afterwards, so the TCP and
 * UDP checksums are wrong (nothing here checks them).
 *
 * <p><b>Note:</b> the pool is immutable once built and may be read from any thread; it lives until
 * the arena given to {@link #pool} closes.
 */
public final class BenchPackets {
    /** Smallest packet size: the TCP/IPv4 headers (54 bytes) and a little payload. */
    public static final int MIN_SIZE = 60;

    private BenchPackets() {
    }

    /** One frame of {@code size} bytes: TCP to port 443 when {@code tcp}, else UDP to port 53. */
    public static byte[] frame(int size, boolean tcp) {
        if (size < MIN_SIZE) {
            throw new IllegalArgumentException("packet size " + size + " (at least " + MIN_SIZE + ")");
        }
        byte[] f = tcp ? Frames.ipTcp("10.0.0.1", "10.0.0.2", 40000, 443, Frames.ACK, new byte[size - 54])
                : Frames.ipUdp("10.0.0.1", "10.0.0.2", 5353, 53, new byte[size - 42]);
        if (f.length != size) {
            throw new IllegalStateException("built a " + f.length + "-byte frame for size " + size);
        }
        return f;
    }

    /**
     * {@code count} frames of {@code size} bytes at stride {@code size}, even indexes TCP, odd
     * UDP, in memory of {@code arena}.
     */
    public static MemorySegment pool(Arena arena, int size, int count, long seed) {
        byte[] tcp = frame(size, true);
        byte[] udp = frame(size, false);
        MemorySegment pool = arena.allocate((long) size * count, 64);
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] f = new byte[size];
        for (int i = 0; i < count; i++) {
            boolean isTcp = (i & 1) == 0;
            byte[] template = isTcp ? tcp : udp;
            int headers = isTcp ? 54 : 42;
            System.arraycopy(template, 0, f, 0, headers);
            int payload = size - headers;
            int random = payload / 2;
            for (int j = headers; j < headers + random; j++) {
                f[j] = (byte) rnd.nextInt(256);
            }
            for (int j = headers + random; j < size; j++) {
                f[j] = (byte) ('A' + (j + i) % 26);
            }
            MemorySegment.copy(MemorySegment.ofArray(f), 0, pool, (long) i * size, size);
        }
        return pool;
    }

    /**
     * A pcap (ns) of about {@code bytes} bytes of {@code size}-byte frames, {@code input.pcap} in a
     * new directory under /dev/shm (so reading it measures the page cache, not a disk); the caller
     * deletes both.
     */
    public static Path captureInShm(int size, long bytes) throws IOException {
        Path dir = java.nio.file.Files.createTempDirectory(Path.of("/dev/shm"), "pushcap-bench-");
        Path file = dir.resolve("input.pcap");
        try (Arena arena = Arena.ofConfined()) {
            int count = Math.max(256, (8 << 20) / size);
            writeCapture(file, pool(arena, size, count, 1), size, bytes);
        }
        return file;
    }

    /**
     * Writes a pcap (ns) file of about {@code bytes} bytes: the pool's frames in turn, 10 µs
     * apart, through the project's {@link PcapWriter}.
     *
     * @return the number of packets written
     */
    public static long writeCapture(Path file, MemorySegment pool, int size, long bytes) throws IOException {
        int count = (int) (pool.byteSize() / size);
        long ts = TrafficGenerator.DEFAULT_START_NANOS;
        long n = 0;
        try (PcapWriter w = PcapWriter.create(file, LinkType.ETHERNET, 262_144, TimestampPrecision.NANO)) {
            while (w.bytesWritten() + 16 + size <= bytes) {
                w.write(ts, size, pool, (n % count) * size, size);
                ts += 10_000;
                n++;
            }
        }
        return n;
    }
}
