package io.pushcap.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A classic pcap file read whole into records with nanosecond timestamps, so that files of either
 * precision (and either byte order) compare record for record; and a writer for the small
 * captures of other link types the matrix builds. Independent of pushcap's own reader on purpose:
 * a judge must not share the code it judges.
 *
 * <p><b>Note:</b> immutable; reads only classic pcap (the judge lets tcpdump turn anything else
 * into pcap first).
 */
record PcapRecords(int linkType, int snaplen, boolean nano, List<Rec> records) {

    /** One record: time in ns since the epoch, wire length, captured bytes. */
    record Rec(long tsNanos, int origLen, byte[] data) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Rec r && r.tsNanos == tsNanos && r.origLen == origLen && Arrays.equals(r.data, data);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(tsNanos) * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "record(ts " + tsNanos + " ns, caplen " + data.length + ", len " + origLen + ")";
        }
    }

    static PcapRecords read(Path file) throws IOException {
        return parse(Files.readAllBytes(file), file.toString());
    }

    static PcapRecords parse(byte[] bytes, String what) {
        if (bytes.length < 24) {
            throw new AssertionError(what + ": " + bytes.length + " bytes, shorter than a pcap header");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getInt(0);
        if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
            b.order(ByteOrder.BIG_ENDIAN);
            magic = b.getInt(0);
        }
        boolean nano = magic == 0xa1b23c4d;
        if (!nano && magic != 0xa1b2c3d4) {
            throw new AssertionError(what + ": not a classic pcap file (magic " + Integer.toHexString(magic) + ")");
        }
        int snaplen = b.getInt(16);
        int linkType = b.getInt(20) & 0x0FFF_FFFF;
        List<Rec> recs = new ArrayList<>();
        int p = 24;
        while (p < bytes.length) {
            if (p + 16 > bytes.length) {
                throw new AssertionError(what + ": truncated record header at offset " + p);
            }
            long sec = b.getInt(p) & 0xFFFF_FFFFL;
            long frac = b.getInt(p + 4) & 0xFFFF_FFFFL;
            int caplen = b.getInt(p + 8);
            int origLen = b.getInt(p + 12);
            if (caplen < 0 || p + 16 + caplen > bytes.length) {
                throw new AssertionError(what + ": record at offset " + p + " runs past the end (caplen " + caplen + ")");
            }
            recs.add(new Rec(sec * 1_000_000_000L + (nano ? frac : frac * 1000), origLen,
                    Arrays.copyOfRange(bytes, p + 16, p + 16 + caplen)));
            p += 16 + caplen;
        }
        return new PcapRecords(linkType, snaplen, nano, List.copyOf(recs));
    }

    /** Writes a little-endian classic pcap; {@code nano} chooses the timestamp precision. */
    static void write(Path file, int linkType, int snaplen, boolean nano, List<Rec> recs) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(nano ? 0xa1b23c4d : 0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                .putInt(snaplen).putInt(linkType);
        out.writeBytes(h.array());
        for (Rec r : recs) {
            ByteBuffer rh = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            long sec = r.tsNanos() / 1_000_000_000L;
            long frac = r.tsNanos() % 1_000_000_000L;
            rh.putInt((int) sec).putInt((int) (nano ? frac : frac / 1000)).putInt(r.data().length).putInt(r.origLen());
            out.writeBytes(rh.array());
            out.writeBytes(r.data());
        }
        Files.write(file, out.toByteArray());
    }
}
