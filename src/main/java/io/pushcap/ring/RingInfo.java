package io.pushcap.ring;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.pushcap.ring.RingDescriptor.*;
import static io.pushcap.ring.RingFile.LONG;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A snapshot of a ring's header and reader slots, as {@code ring info} and {@code io} show them.
 * Field names match the counter names in docs/rings.md.
 *
 * <p><b>Note:</b> immutable. Taken without stopping the writer, so counters of different cache
 * lines may be a few records apart.
 *
 * @param oldestSequence sequence number of the oldest packet still in the ring, -1 when empty
 * @param oldestTimestamp its timestamp in ns, 0 when empty
 */
public record RingInfo(Path path, int version, long fileSize, long capacity, long createdNanos, int maxRecordLength,
                       int snaplen, int linkType, int writerPid, boolean writerAlive, long writerClaimedNanos,
                       long writerTakeovers, String writerSource, long position, long intent, long tail,
                       long packets, long bytes, long wireBytes, long lastTimestamp, long waiters, long wakeups,
                       long kernelReceived, long kernelDrops, long interfaceDrops, long truncated,
                       long sourceRestarts, long oldestSequence, long oldestTimestamp, RingStorage storage,
                       List<Reader> readers, long takenNanos) {

    /**
     * One reader slot that has a name: live, attaching (claimed, start position not yet set; or
     * its owner died in that moment), dead (owner gone) or closed (released).
     *
     * @param sequence sequence number the reader expects next; -1 when not known yet
     */
    public record Reader(int slot, String name, int pid, boolean alive, boolean closed, long attachedNanos,
                         long position, long sequence, long packets, long bytes, long lost, long laps,
                         long lastTimestamp) {
        public String state() {
            return alive ? "live" : closed ? "closed" : attachedNanos == 0 ? "attaching" : "dead";
        }
    }

    /**
     * Packets written that the reader has not reached: -1 when unknown (a reader that started at
     * the latest or oldest record knows its sequence only from its first packet).
     */
    public long lagPackets(Reader r) {
        if (r.sequence() >= 0) {
            return Math.max(0, packets - r.sequence());
        }
        return r.position() >= position ? 0 : -1;
    }

    /** Bytes written that the reader has not reached. */
    public long lagBytes(Reader r) {
        return Math.max(0, position - r.position());
    }

    /** Packets still held: written minus those overwritten. */
    public long packetsHeld() {
        return oldestSequence < 0 ? 0 : packets - oldestSequence;
    }

    /** Bytes of the data area holding records (the ring is full once it has wrapped). */
    public long bytesHeld() {
        return position - tail;
    }

    static RingInfo read(RingFile ring) {
        MemorySegment s = ring.segment();
        long owner = get(s, WRITER_OWNER_OFFSET);
        long position = get(s, POSITION_OFFSET);
        long tail = get(s, TAIL_OFFSET);
        long[] oldest = oldest(ring, tail, position);
        List<Reader> readers = new ArrayList<>();
        for (int i = 0; i < READER_SLOTS; i++) {
            long b = slotOffset(i);
            String name = RingFile.readName(s, b + SLOT_NAME, SLOT_NAME_LENGTH);
            if (name.isEmpty()) {
                continue;
            }
            long o = get(s, b + SLOT_OWNER);
            long attached = get(s, b + SLOT_ATTACHED);
            // A claimed slot whose reader has not yet fixed its start position is not live yet.
            readers.add(new Reader(i, name, ProcessIdentity.pid(o), attached != 0 && ProcessIdentity.alive(o), o == 0,
                    attached, get(s, b + SLOT_POSITION), get(s, b + SLOT_SEQUENCE),
                    get(s, b + SLOT_PACKETS), get(s, b + SLOT_BYTES), get(s, b + SLOT_LOST), get(s, b + SLOT_LAPS),
                    get(s, b + SLOT_LAST_TIMESTAMP)));
        }
        return new RingInfo(ring.path(), s.get(JAVA_INT, VERSION_OFFSET), ring.fileSize(), ring.capacity(),
                get(s, CREATED_OFFSET), s.get(JAVA_INT, MAX_RECORD_OFFSET), ring.snaplen(), ring.linkType(),
                ProcessIdentity.pid(owner), ProcessIdentity.alive(owner), get(s, WRITER_CLAIMED_OFFSET),
                get(s, WRITER_TAKEOVERS_OFFSET),
                RingFile.readName(s, WRITER_SOURCE_OFFSET, WRITER_SOURCE_LENGTH), position, get(s, INTENT_OFFSET), tail,
                get(s, PACKETS_OFFSET), get(s, BYTES_OFFSET), get(s, WIRE_BYTES_OFFSET), get(s, LAST_TIMESTAMP_OFFSET),
                get(s, WAITERS_OFFSET), get(s, WAKEUPS_OFFSET), get(s, KERNEL_RECEIVED_OFFSET),
                get(s, KERNEL_DROPS_OFFSET), get(s, INTERFACE_DROPS_OFFSET), get(s, TRUNCATED_OFFSET),
                get(s, SOURCE_RESTARTS_OFFSET), oldest[0], oldest[1], RingStorage.of(ring.path()),
                List.copyOf(readers), System.nanoTime());
    }

    /** Sequence and timestamp of the oldest packet, read like a reader would (validated against Intent). */
    private static long[] oldest(RingFile ring, long tail, long position) {
        MemorySegment s = ring.segment();
        long capacity = ring.capacity();
        long p = tail;
        for (int tries = 0; tries < 4 && p < position; tries++) {
            long at = HEADER_LENGTH + p % capacity;
            int length = s.get(JAVA_INT, at + REC_LENGTH);
            short type = s.get(java.lang.foreign.ValueLayout.JAVA_SHORT, at + REC_TYPE);
            long seq = s.get(JAVA_LONG, at + REC_SEQUENCE);
            long ts = s.get(JAVA_LONG, at + REC_TIMESTAMP);
            java.lang.invoke.VarHandle.acquireFence();
            if (get(s, INTENT_OFFSET) - p > capacity) {
                p = get(s, TAIL_OFFSET);
                continue;
            }
            if (type == TYPE_PACKET) {
                return new long[] {seq, ts};
            }
            if (length <= 0) {
                break;
            }
            p += length;
        }
        return new long[] {-1, 0};
    }

    private static long get(MemorySegment s, long offset) {
        return (long) LONG.getAcquire(s, offset);
    }
}
