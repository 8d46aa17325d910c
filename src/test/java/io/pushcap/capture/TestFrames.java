package io.pushcap.capture;

import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.PcapWriter;
import io.pushcap.pcap.TimestampPrecision;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Small generated captures for the ring and rx tests: Ethernet/IPv4/UDP frames from 02:..:01 /
 * 10.0.0.1 to 02:..:02 / 10.0.0.2, UDP port 5000 (even packets) or 6000 (odd), carrying the
 * packet's sequence number; sizes vary from 60 to 1514 bytes. IPv4 checksums are valid.
 */
public final class TestFrames {
    private TestFrames() {
    }

    public static final long START_NANOS = 1_700_000_000_123_456_789L;

    public static int frameLength(int seq) {
        return 60 + (seq * 397) % (1514 - 60 + 1);
    }

    /** One frame; {@code vlan >= 0} adds an 802.1Q tag (the frame grows by 4). */
    public static byte[] frame(int seq, int vlan) {
        int len = frameLength(seq);
        ByteBuffer b = ByteBuffer.allocate(len + (vlan >= 0 ? 4 : 0));
        b.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1});
        if (vlan >= 0) {
            b.putShort((short) 0x8100).putShort((short) vlan);
        }
        b.putShort((short) 0x0800);
        int ipLen = len - 14;
        int ip = b.position();
        b.put((byte) 0x45).put((byte) 0).putShort((short) ipLen).putShort((short) seq).putShort((short) 0)
                .put((byte) 64).put((byte) 17).putShort((short) 0)
                .put(new byte[] {10, 0, 0, 1}).put(new byte[] {10, 0, 0, 2});
        b.putShort(ip + 10, checksum(b.array(), ip, 20));
        b.putShort((short) 4000).putShort((short) (seq % 2 == 0 ? 5000 : 6000)).putShort((short) (ipLen - 20)).putShort((short) 0);
        b.putInt(0x50434150).putInt(seq);
        while (b.hasRemaining()) {
            b.put((byte) (seq + b.position()));
        }
        return b.array();
    }

    private static short checksum(byte[] a, int off, int len) {
        int sum = 0;
        for (int i = 0; i < len; i += 2) {
            sum += ((a[off + i] & 0xff) << 8) | (a[off + i + 1] & 0xff);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (short) ~sum;
    }

    /** Writes {@code n} frames, 1 ms apart, to a ns pcap file; returns them. */
    public static List<byte[]> writePcap(Path file, int n, int vlan) throws IOException {
        List<byte[]> frames = new ArrayList<>();
        try (PcapWriter w = PcapWriter.create(file, LinkType.ETHERNET, 65535, TimestampPrecision.NANO)) {
            for (int i = 0; i < n; i++) {
                byte[] f = frame(i, vlan);
                frames.add(f);
                w.write(START_NANOS + i * 1_000_000L, f.length, MemorySegment.ofArray(f), 0, f.length);
            }
        }
        return frames;
    }

    /** The sequence number in a frame made by {@link #frame}, found after the UDP header. */
    public static int sequenceOf(byte[] frame, int offsetOfEthertype) {
        ByteBuffer b = ByteBuffer.wrap(frame);
        return b.getInt(offsetOfEthertype + 2 + 20 + 8 + 4);
    }
}
