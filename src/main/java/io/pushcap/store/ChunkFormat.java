package io.pushcap.store;

import java.lang.foreign.MemorySegment;

import static io.pushcap.pcap.PcapDescriptor.*;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * Chunk files are classic pcap with nanosecond timestamps ({@link io.pushcap.pcap.PcapDescriptor})
 * written in the recorder's byte order; this reads and writes their headers and records in place.
 *
 * <p><b>Note:</b> thread-safe (stateless).
 */
final class ChunkFormat {
    /** Records larger than this are corrupt (libpcap's own bound). */
    static final int MAX_CAPLEN = MAX_SNAPLEN;

    private ChunkFormat() {
    }

    static void writeFileHeader(MemorySegment s, long at, int linkType, int snaplen) {
        s.set(JAVA_INT_UNALIGNED, at + MAGIC_OFFSET, MAGIC_NANOS);
        s.set(JAVA_SHORT_UNALIGNED, at + VERSION_MAJOR_OFFSET, (short) VERSION_MAJOR);
        s.set(JAVA_SHORT_UNALIGNED, at + VERSION_MINOR_OFFSET, (short) VERSION_MINOR);
        s.set(JAVA_INT_UNALIGNED, at + THISZONE_OFFSET, 0);
        s.set(JAVA_INT_UNALIGNED, at + SIGFIGS_OFFSET, 0);
        s.set(JAVA_INT_UNALIGNED, at + SNAPLEN_OFFSET, snaplen);
        s.set(JAVA_INT_UNALIGNED, at + LINKTYPE_OFFSET, linkType);
    }

    static void writeRecordHeader(MemorySegment s, long at, long timestampNanos, int caplen, int wirelen) {
        s.set(JAVA_INT_UNALIGNED, at + TS_SEC_OFFSET, (int) Math.floorDiv(timestampNanos, 1_000_000_000L));
        s.set(JAVA_INT_UNALIGNED, at + TS_FRAC_OFFSET, (int) Math.floorMod(timestampNanos, 1_000_000_000L));
        s.set(JAVA_INT_UNALIGNED, at + CAPLEN_OFFSET, caplen);
        s.set(JAVA_INT_UNALIGNED, at + WIRELEN_OFFSET, wirelen);
    }

    /**
     * Checks a chunk's file header.
     *
     * @return true when the file is in the other byte order than this host's
     * @throws StoreFormatException when it is not a nanosecond pcap header
     */
    static boolean checkFileHeader(MemorySegment s, String name) {
        if (s.byteSize() < FILE_HEADER_LENGTH) {
            throw new StoreFormatException(name + ": chunk is " + s.byteSize() + " bytes, shorter than a pcap header");
        }
        int magic = s.get(JAVA_INT_UNALIGNED, 0);
        if (magic == MAGIC_NANOS) {
            return false;
        }
        if (magic == Integer.reverseBytes(MAGIC_NANOS)) {
            return true;
        }
        throw new StoreFormatException(String.format("%s: not a nanosecond pcap chunk (magic 0x%08x)", name, magic));
    }

    static int i32(MemorySegment s, long at, boolean swapped) {
        int v = s.get(JAVA_INT_UNALIGNED, at);
        return swapped ? Integer.reverseBytes(v) : v;
    }

    /**
     * Length of the valid record at {@code at} that ends at or before {@code limit}, or -1: a
     * header or data running past the limit (torn), a captured length beyond the bound, a
     * nanosecond field of a billion or more, or an all-zero header (space a crash left unwritten).
     */
    static long recordLength(MemorySegment s, long at, long limit, boolean swapped) {
        if (at + RECORD_HEADER_LENGTH > limit) {
            return -1;
        }
        int sec = i32(s, at + TS_SEC_OFFSET, swapped);
        int frac = i32(s, at + TS_FRAC_OFFSET, swapped);
        int caplen = i32(s, at + CAPLEN_OFFSET, swapped);
        int wirelen = i32(s, at + WIRELEN_OFFSET, swapped);
        if (caplen < 0 || caplen > MAX_CAPLEN || Integer.compareUnsigned(frac, 1_000_000_000) >= 0
                || (sec == 0 && frac == 0 && caplen == 0 && wirelen == 0)) {
            return -1;
        }
        long end = at + RECORD_HEADER_LENGTH + caplen;
        return end <= limit ? RECORD_HEADER_LENGTH + caplen : -1;
    }

    static long timestamp(MemorySegment s, long at, boolean swapped) {
        long sec = i32(s, at + TS_SEC_OFFSET, swapped) & 0xffffffffL;
        long frac = i32(s, at + TS_FRAC_OFFSET, swapped) & 0xffffffffL;
        return sec * 1_000_000_000L + frac;
    }
}
