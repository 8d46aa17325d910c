package io.pushcap.testing;

import java.nio.ByteBuffer;

/** Minimal hand-made Ethernet/IPv4/UDP frames for foundation tests (the synth package has richer ones). */
public final class Frames {
    private Frames() {
    }

    /** An Ethernet + IPv4 + UDP frame with a valid IP checksum and {@code payload} bytes of pattern. */
    public static byte[] udp(int srcIp, int dstIp, int srcPort, int dstPort, int payload, int seed) {
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + 8 + payload);
        b.put(new byte[] {2, 0, 0, 0, 0, 2}).put(new byte[] {2, 0, 0, 0, 0, 1}).putShort((short) 0x0800);
        int ipStart = b.position();
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + 8 + payload)).putShort((short) seed)
                .putShort((short) 0x4000).put((byte) 64).put((byte) 17).putShort((short) 0)
                .putInt(srcIp).putInt(dstIp);
        int sum = 0;
        for (int i = ipStart; i < ipStart + 20; i += 2) {
            sum += b.getShort(i) & 0xffff;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        b.putShort(ipStart + 10, (short) ~sum);
        b.putShort((short) srcPort).putShort((short) dstPort).putShort((short) (8 + payload)).putShort((short) 0);
        for (int i = 0; i < payload; i++) {
            b.put((byte) (seed * 31 + i));
        }
        return b.array();
    }
}
