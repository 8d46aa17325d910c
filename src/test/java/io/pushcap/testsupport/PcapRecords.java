package io.pushcap.testsupport;

import io.pushcap.testing.Cmd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * tcpdump as the judge of what a capture holds, and small capture rewrites for tests.
 *
 * <p><b>Note:</b> stateless; a tcpdump warning fails the calling test.
 */
public final class PcapRecords {
    private PcapRecords() {
    }

    /**
     * One string per record of {@code file} that {@code filter} (null: all) selects: tcpdump's
     * line with ns time and absolute TCP sequence numbers, then the whole frame in hex. Equal
     * lists mean equal records, whichever files they were split across.
     */
    public static List<String> records(Path file, String filter) {
        List<String> args = new ArrayList<>(List.of("-tt", "-S", "--time-stamp-precision=nano", "-xx"));
        if (filter != null) {
            args.add(filter);
        }
        List<String> out = new ArrayList<>();
        StringBuilder cur = null;
        for (String line : Cmd.tcpdump(file, args.toArray(String[]::new))) {
            if (line.startsWith("\t") && cur != null) {
                cur.append('\n').append(line);
            } else {
                if (cur != null) {
                    out.add(cur.toString());
                }
                cur = new StringBuilder(line);
            }
        }
        if (cur != null) {
            out.add(cur.toString());
        }
        return out;
    }

    /** The record's time in ns, from a string of {@link #records}. */
    public static long nanos(String record) {
        String ts = record.substring(0, record.indexOf(' '));
        int dot = ts.indexOf('.');
        return Long.parseLong(ts.substring(0, dot)) * 1_000_000_000L + Long.parseLong(ts.substring(dot + 1));
    }

    /**
     * Copies an Ethernet pcap (little-endian, as {@code pushcap gen} writes), giving record i an
     * 802.1Q tag with VLAN ID {@code vids[i % vids.length]}, or none where that ID is 0.
     */
    public static void tagVlans(Path in, Path out, int... vids) throws IOException {
        ByteBuffer src = ByteBuffer.wrap(Files.readAllBytes(in)).order(ByteOrder.LITTLE_ENDIAN);
        if (src.getInt(0) != 0xa1b23c4d && src.getInt(0) != 0xa1b2c3d4) {
            throw new IllegalArgumentException(in + ": not a little-endian pcap");
        }
        ByteBuffer dst = ByteBuffer.allocate(src.capacity() * 2).order(ByteOrder.LITTLE_ENDIAN);
        dst.put(src.array(), 0, 24);
        int pos = 24;
        for (int i = 0; pos < src.capacity(); i++) {
            int caplen = src.getInt(pos + 8);
            int wire = src.getInt(pos + 12);
            int vid = vids[i % vids.length];
            int add = vid == 0 || caplen < 14 ? 0 : 4;
            dst.putInt(src.getInt(pos)).putInt(src.getInt(pos + 4)).putInt(caplen + add).putInt(wire + add);
            int data = pos + 16;
            if (add == 0) {
                dst.put(src.array(), data, caplen);
            } else {
                dst.put(src.array(), data, 12);
                dst.order(ByteOrder.BIG_ENDIAN).putShort((short) 0x8100).putShort((short) vid)
                        .order(ByteOrder.LITTLE_ENDIAN);
                dst.put(src.array(), data + 12, caplen - 12);
            }
            pos = data + caplen;
        }
        Files.write(out, java.util.Arrays.copyOf(dst.array(), dst.position()));
    }
}
