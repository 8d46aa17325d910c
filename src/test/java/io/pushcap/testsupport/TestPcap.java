package io.pushcap.testsupport;

import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.PcapWriter;
import io.pushcap.pcap.TimestampPrecision;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Generates deterministic pcap test data that compresses like real traffic: Ethernet/IPv4/UDP
 * headers that vary a little per packet, payloads that are partly random and partly repetitive.
 */
public final class TestPcap {
    private TestPcap() {
    }

    /** A pcap of about {@code bytes} bytes (at least the 24-byte header) of {@code packetSize}-byte frames. */
    public static byte[] generate(long bytes, int packetSize, long seed) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 64, bytes + 65536));
        write(out, bytes, packetSize, seed);
        return out.toByteArray();
    }

    public static Path generate(Path file, long bytes, int packetSize, long seed) throws IOException {
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            write(out, bytes, packetSize, seed);
        }
        return file;
    }

    /** Writes packets until at least {@code bytes} bytes, header included, are written. */
    public static long write(OutputStream out, long bytes, int packetSize, long seed) throws IOException {
        return write(out, bytes, packetSize, seed, 50_000);
    }

    /**
     * Writes packets of {@code packetSize} bytes (0: a mix of 64, 576 and 1500 like an access
     * link) with random gaps of up to {@code maxGapNanos}.
     */
    public static long write(OutputStream out, long bytes, int packetSize, long seed, int maxGapNanos)
            throws IOException {
        Random rnd = new Random(seed);
        byte[][] frames = packetSize > 0 ? new byte[][] {new byte[packetSize]}
                : new byte[][] {new byte[64], new byte[576], new byte[1500]};
        MemorySegment[] segs = new MemorySegment[frames.length];
        for (int i = 0; i < frames.length; i++) {
            segs[i] = MemorySegment.ofArray(frames[i]);
        }
        byte[] noise = new byte[packetSize > 0 && bytes < (64 << 20) ? 1 << 16 : 16 << 20];
        rnd.nextBytes(noise);
        PcapWriter w = new PcapWriter(new NoClose(out), LinkType.ETHERNET, 65535, TimestampPrecision.NANO);
        long ts = 1_700_000_040_000_000_000L;
        long n = 0;
        while (w.bytesWritten() < bytes) {
            int k = frames.length == 1 ? 0 : pick(rnd.nextInt(10));
            byte[] frame = frames[k];
            fill(frame, n, rnd, noise);
            ts += 1_000 + rnd.nextInt(maxGapNanos);
            w.write(ts, frame.length, segs[k], 0, frame.length);
            n++;
        }
        w.close();
        return w.bytesWritten();
    }

    private static int pick(int r) {
        return r < 4 ? 0 : r < 6 ? 1 : 2;
    }

    private static void fill(byte[] f, long n, Random rnd, byte[] noise) {
        int len = f.length;
        // dst/src MAC, IPv4 ethertype
        for (int i = 0; i < 12; i++) {
            f[i] = (byte) (i < 6 ? 0x02 : 0x04 + (n & 3));
        }
        f[12] = 0x08;
        f[13] = 0x00;
        if (len < 42) {
            return;
        }
        f[14] = 0x45;
        int ipLen = len - 14;
        f[16] = (byte) (ipLen >> 8);
        f[17] = (byte) ipLen;
        f[18] = (byte) (n >> 8);
        f[19] = (byte) n;
        f[22] = 64;
        f[23] = 17; // UDP
        f[26] = 10;
        f[27] = 0;
        f[28] = 0;
        f[29] = (byte) (1 + (n % 7));
        f[30] = 10;
        f[31] = 0;
        f[32] = 1;
        f[33] = (byte) (1 + (n % 13));
        f[34] = (byte) 0xC3;
        f[35] = 0x50;
        f[36] = 0x27;
        f[37] = 0x11;
        f[38] = (byte) ((len - 34) >> 8);
        f[39] = (byte) (len - 34);
        // payload: half random, half a repeating pattern
        int payload = len - 42;
        int off = rnd.nextInt(noise.length - Math.max(1, payload));
        int randomPart = (n % 2 == 0) ? payload / 2 : payload / 4;
        System.arraycopy(noise, Math.max(0, off), f, 42, Math.min(randomPart, noise.length));
        for (int i = 42 + randomPart; i < len; i++) {
            f[i] = (byte) ('A' + (i % 26));
        }
    }

    private static final class NoClose extends java.io.FilterOutputStream {
        NoClose(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
