import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes N small Ethernet/IPv4/UDP frames (60 bytes by default) to a nanosecond pcap file, for
 * bench/live_capture.sh. Run with the JDK's single-file launcher:
 * {@code java bench/SmallFrames.java OUT.pcap N [SIZE]}.
 */
public final class SmallFrames {
    public static void main(String[] args) throws IOException {
        String out = args[0];
        int n = Integer.parseInt(args[1]);
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        try (OutputStream o = new BufferedOutputStream(new FileOutputStream(out), 1 << 20)) {
            ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
            h.putInt(0xa1b23c4d).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
            o.write(h.array());
            ByteBuffer r = ByteBuffer.allocate(16 + size);
            for (int i = 0; i < n; i++) {
                r.clear().order(ByteOrder.LITTLE_ENDIAN);
                long ns = 1_700_000_000_000_000_000L + i * 1000L;
                r.putInt((int) (ns / 1_000_000_000L)).putInt((int) (ns % 1_000_000_000L)).putInt(size).putInt(size);
                r.order(ByteOrder.BIG_ENDIAN);
                r.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1}).putShort((short) 0x0800);
                r.put((byte) 0x45).put((byte) 0).putShort((short) (size - 14)).putShort((short) i).putShort((short) 0)
                        .put((byte) 64).put((byte) 17).putShort((short) 0).putInt(0x0a000001).putInt(0x0a000002);
                r.putShort((short) 4000).putShort((short) 5000).putShort((short) (size - 34)).putShort((short) 0);
                while (r.hasRemaining()) {
                    r.put((byte) i);
                }
                o.write(r.array());
            }
        }
    }
}
