package io.pushcap.ring;

import io.pushcap.pcap.LinkType;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/** Helpers shared by the ring tests: RAM-backed scratch directories and self-checking payloads. */
final class RingTestSupport {
    private RingTestSupport() {
    }

    /** A fresh directory in /dev/shm (RAM, so ring creation is quick); delete it with {@link #deleteTree}. */
    static Path ramDir(String prefix) throws IOException {
        return Files.createTempDirectory(Path.of("/dev/shm"), "pushcap-" + prefix + "-");
    }

    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Payload length for packet {@code seq}: varies so records have many sizes and pads fall anywhere. */
    static int lengthOf(long seq) {
        return 8 + (int) ((seq * 7919) % 293);
    }

    /** Fills a payload: the sequence number, then bytes derived from it. */
    static void fill(MemorySegment dst, long offset, long seq, int length) {
        dst.set(JAVA_LONG_UNALIGNED, offset, seq);
        for (int i = 8; i < length; i++) {
            dst.set(JAVA_BYTE, offset + i, (byte) (seq * 31 + i));
        }
    }

    /** The sequence number in a payload written by {@link #fill}, or -1 when any byte is wrong. */
    static long check(MemorySegment src, long offset, int length) {
        if (length < 8) {
            return -1;
        }
        long seq = src.get(JAVA_LONG_UNALIGNED, offset);
        if (length != lengthOf(seq)) {
            return -1;
        }
        for (int i = 8; i < length; i++) {
            if (src.get(JAVA_BYTE, offset + i) != (byte) (seq * 31 + i)) {
                return -1;
            }
        }
        return seq;
    }

    /** Writes packet {@code seq} with a self-checking payload; timestamp = seq. */
    static void writeSeq(RingWriter w, long seq) {
        int len = lengthOf(seq);
        long at = w.claim(len);
        fill(w.segment(), at, seq, len);
        w.commit(seq, len, LinkType.ETHERNET, 3, 0);
    }

    /** As {@link #writeSeq} but unpublished: readers see it after {@link RingWriter#publish()}. */
    static void appendSeq(RingWriter w, long seq) {
        int len = lengthOf(seq);
        long at = w.claim(len);
        fill(w.segment(), at, seq, len);
        w.append(seq, len, LinkType.ETHERNET, 3, 0);
    }
}
