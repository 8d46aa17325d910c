package io.pushcap.pcap;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

import static io.pushcap.pcap.PcapDescriptor.*;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * Reads classic pcap: microsecond or nanosecond timestamps, either byte order, any link type.
 *
 * <p>Lengths are judged as libpcap 1.10 (sf-pcap.c) judges them, so a push carries what tcpdump
 * reads: the snapshot length is the header's, or libpcap's maximum for the link type
 * ({@link LinkType#effectiveSnaplen}) when the header's is 0 or larger; a record whose captured
 * length exceeds that maximum is damage ({@link CorruptCaptureException}); one whose captured
 * length exceeds the snapshot length is returned cut to it (original length kept) and the reader
 * skips the rest of its bytes.
 *
 * <p><b>Note:</b> not thread-safe; see {@link CaptureReader} for buffer ownership.
 */
public final class PcapReader implements CaptureReader {
    private final InputWindow in;
    private final boolean swapped;
    private final boolean nanos;
    private final int snaplen;
    private final int linkType;
    private final int maxCaplen;
    private final int headerSnaplen;
    private long records;

    PcapReader(InputWindow in) throws IOException {
        this.in = in;
        if (!in.ensure(FILE_HEADER_LENGTH)) {
            throw corrupt("file header is " + in.available() + " bytes, expected " + FILE_HEADER_LENGTH);
        }
        MemorySegment s = in.segment();
        long p = in.position();
        int magic = Integer.reverseBytes(s.get(JAVA_INT_UNALIGNED, p));
        switch (magic) {
            case MAGIC_MICROS -> { swapped = true; nanos = false; }
            case MAGIC_NANOS -> { swapped = true; nanos = true; }
            case MAGIC_MICROS_SWAPPED -> { swapped = false; nanos = false; }
            case MAGIC_NANOS_SWAPPED -> { swapped = false; nanos = true; }
            case MAGIC_KUZNETZOV, MAGIC_KUZNETZOV_SWAPPED ->
                    throw corrupt("modified (Kuznetzov) pcap format is not supported; convert it with editcap -F pcap");
            default -> throw corrupt(String.format("unknown pcap magic 0x%08x (expected a1b2c3d4 or a1b23c4d)", magic));
        }
        // "swapped" above means: file is big-endian relative to the little-endian host reads.
        int major = u16(s, p + VERSION_MAJOR_OFFSET);
        if (major != VERSION_MAJOR) {
            throw corrupt("pcap version " + major + "." + u16(s, p + VERSION_MINOR_OFFSET) + " is not supported (expected 2.4)");
        }
        this.headerSnaplen = i32(s, p + SNAPLEN_OFFSET);
        this.linkType = i32(s, p + LINKTYPE_OFFSET) & LINKTYPE_MASK;
        this.maxCaplen = LinkType.maxSnaplen(linkType);
        this.snaplen = LinkType.effectiveSnaplen(linkType, headerSnaplen);
        in.position(p + FILE_HEADER_LENGTH);
    }

    private int i32(MemorySegment s, long off) {
        int v = s.get(JAVA_INT_UNALIGNED, off);
        return swapped ? Integer.reverseBytes(v) : v;
    }

    private int u16(MemorySegment s, long off) {
        short v = s.get(JAVA_SHORT_UNALIGNED, off);
        return (swapped ? Short.reverseBytes(v) : v) & 0xffff;
    }

    @Override
    public boolean next(Packet packet) throws IOException {
        if (!in.ensure(RECORD_HEADER_LENGTH)) {
            if (in.available() == 0) {
                return false;
            }
            throw corrupt("truncated record header: " + in.available() + " of " + RECORD_HEADER_LENGTH + " bytes");
        }
        MemorySegment s = in.segment();
        long p = in.position();
        int caplen = i32(s, p + CAPLEN_OFFSET);
        if (caplen < 0 || caplen > maxCaplen) {
            throw corrupt("record captured length " + Integer.toUnsignedString(caplen)
                    + " exceeds the maximum " + maxCaplen + " for link type " + LinkType.name(linkType)
                    + " (libpcap stops reading there too)");
        }
        if (!in.ensure(RECORD_HEADER_LENGTH + (long) caplen)) {
            throw corrupt("truncated record: header says " + caplen + " bytes of data, "
                    + (in.available() - RECORD_HEADER_LENGTH) + " remain");
        }
        s = in.segment();
        p = in.position();
        long sec = i32(s, p + TS_SEC_OFFSET) & 0xffffffffL;
        long frac = i32(s, p + TS_FRAC_OFFSET) & 0xffffffffL;
        long ts = sec * 1_000_000_000L + (nanos ? frac : frac * 1_000L);
        int wirelen = i32(s, p + WIRELEN_OFFSET);
        // libpcap cuts a record longer than the snapshot length to it and skips the rest.
        packet.set(s, p + RECORD_HEADER_LENGTH, Math.min(caplen, snaplen), wirelen, ts, linkType, 0);
        in.position(p + RECORD_HEADER_LENGTH + caplen);
        records++;
        return true;
    }

    /**
     * Continues reading at {@code byteOffset}, which must be a record boundary this reader
     * reported through {@link #bytesRead()} (a saved cursor). {@code recordIndex} is how many
     * records precede it, for messages.
     */
    public void seek(long byteOffset, long recordIndex) {
        if (byteOffset < FILE_HEADER_LENGTH) {
            byteOffset = FILE_HEADER_LENGTH;
        }
        in.seek(byteOffset);
        records = recordIndex;
    }

    private CorruptCaptureException corrupt(String problem) {
        return new CorruptCaptureException(in.name(), in.absolutePosition(), records, problem);
    }

    public boolean nanosecond() {
        return nanos;
    }

    @Override
    public int linkType() {
        return linkType;
    }

    /** The snapshot length records are read with (libpcap's; see the class comment). */
    @Override
    public int snaplen() {
        return snaplen;
    }

    /** The snapshot length as the file header states it. */
    public int headerSnaplen() {
        return headerSnaplen;
    }

    @Override
    public long recordsRead() {
        return records;
    }

    @Override
    public long bytesRead() {
        return in.absolutePosition();
    }

    @Override
    public long sizeHint() {
        return in.size();
    }

    @Override
    public String name() {
        return in.name();
    }

    @Override
    public String format() {
        return nanos ? "pcap (ns)" : "pcap (us)";
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
