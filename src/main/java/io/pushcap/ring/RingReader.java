package io.pushcap.ring;

import io.pushcap.PushcapException;
import io.pushcap.internal.ffm.Errno;
import io.pushcap.internal.ffm.Futex;
import io.pushcap.metrics.Counter;
import io.pushcap.metrics.MetricsRegistry;
import io.pushcap.pcap.Packet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

import static io.pushcap.ring.RingDescriptor.*;
import static io.pushcap.ring.RingFile.LONG;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * One reader of a ring, in its own named slot, at its own position. Follows the validation
 * protocol of {@link RingDescriptor}: nothing overwritten is ever delivered as valid, and every
 * packet it misses because the writer overtook it is counted, exactly ({@link #lostPackets()}).
 *
 * <p>Two ways to read:
 * <ul>
 *   <li>{@link #next(Packet)} copies the record into a buffer the reader owns and validates after
 *       the copy: the packet is intact and stays valid until the next call. The safe default.</li>
 *   <li>{@link #nextView(Packet)} points the packet into the mapped ring (zero copy). The view is
 *       valid only until the writer comes round again, which the reader cannot prevent; after
 *       using the bytes, call {@link #stillValid()}: false means they may have changed while in
 *       use, and the packet has been withdrawn (counted lost, not read). Use it where a wrong
 *       result can be undone or discarded (a filter decision, a checksum, a count).</li>
 * </ul>
 * A reader that has caught up sleeps in {@link #await(long)} on a futex in the ring header
 * (no core spinning), and wakes within about 1 ms of the writer's next record (usually tens of
 * microseconds).
 *
 * <p><b>Note:</b> not thread-safe: one thread reads. Opening claims a slot with this process's
 * identity and the reader's name; a name held by a live process is refused, a slot left by a dead
 * process is reused. {@link #close()} releases the slot, keeping its name and counters so a
 * reader of the same name can resume ({@link Start#RESUME}). Losses are counted, logged at most
 * every 10 s, and exported as {@code pushcap_reader_lost_packets_total}.
 */
public final class RingReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RingReader.class);
    /**
     * Longest single futex sleep. It bounds how late a reader sees data whose wake the writer
     * coalesced away (see RingWriter#wake), and how late it notices interruption. An idle reader
     * so wakes about 1000 times a second, at a cost of a few microseconds each.
     */
    private static final long MAX_SLEEP_NANOS = 1_000_000L;
    /** Sleep slice once the ring has been quiet for a slice: bounds how late an interrupt is seen. */
    static final long MAX_QUIET_SLEEP_NANOS = 100_000_000L;
    private static final long POLL_NANOS = 500_000L;
    /** The pause before a caught-up reader announces a sleep (see {@link #await}). */
    private static final long PAUSE_NANOS = 1_000L;
    private static final long WARN_INTERVAL_NANOS = 10_000_000_000L;

    /** Where a new reader starts. */
    public enum Start {
        /** At the write position: only packets written from now on. */
        LATEST,
        /** At the oldest record still in the ring. */
        OLDEST,
        /** Where the last reader of the same name stopped (if still in the ring), else LATEST. */
        RESUME
    }

    /** Reader name (shown by {@code ring info} and {@code io}; at most 31 bytes) and start. */
    public record Options(String name, Start start) {
        public Options {
            if (name == null || name.isBlank()) {
                throw new PushcapException("ring reader: a name is required");
            }
            if (start == null) {
                start = Start.LATEST;
            }
        }

        public static Options latest(String name) {
            return new Options(name, Start.LATEST);
        }
    }

    private final RingFile ring;
    private final MemorySegment seg;
    private final long capacity;
    private final String name;
    private final int slot;
    private final long slotBase;
    private final long owner;
    private final long waiterBit;
    private final long futexAddress;
    private final Arena arena;
    private final MemorySegment buffer;
    private final MemorySegment timespec;
    private final MemorySegment callState;
    private final Counter lostCounter;
    private final Counter lapsCounter;

    private long cursor;
    private long limit;
    private long index;
    private long expected;
    private long lastRecordPosition;
    private long lastRecordSequence = -1;
    private boolean synced;
    private long packets;
    private long bytes;
    private long lost;
    private long laps;
    private long lastTimestamp;
    private long packetsAtLastLap;
    private long viewStart = -1;
    private int viewCaplen;
    private long lostAtLastWarning;
    private long lastWarningNanos;
    private boolean closed;

    private RingReader(RingFile ring, String name, int slot, long owner) {
        this.ring = ring;
        this.seg = ring.segment();
        this.capacity = ring.capacity();
        this.name = name;
        this.slot = slot;
        this.slotBase = slotOffset(slot);
        this.owner = owner;
        this.waiterBit = 1L << slot;
        this.futexAddress = futexWord(seg);
        this.arena = Arena.ofShared();
        this.buffer = arena.allocate(ring.maxRecordLength(), 64);
        this.timespec = arena.allocate(16, 8);
        this.callState = Errno.allocate(arena);
        String labels = MetricsRegistry.labels("ring", MetricsRegistry.ringName(ring.path()), "reader", name);
        this.lostCounter = MetricsRegistry.global().counter("pushcap_reader_lost_packets_total",
                "Packets a ring reader missed because the writer overtook it", labels);
        this.lapsCounter = MetricsRegistry.global().counter("pushcap_reader_laps_total",
                "Times the writer overtook a ring reader", labels);
    }

    static RingReader open(RingFile ring, Options o) {
        SlotClaim claim = SlotClaim.claim(ring, o.name());
        ring.prefault(false);
        RingReader r = new RingReader(ring, o.name(), claim.slot(), ProcessIdentity.current());
        try {
            r.start(o.start(), claim.sameName());
            LONG.setRelease(ring.segment(), slotOffset(claim.slot()) + SLOT_ATTACHED, RingFile.nowNanos());
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
        return r;
    }

    private void start(Start start, boolean sameName) {
        MemorySegment s = seg;
        if (sameName) {
            packets = s.get(JAVA_LONG, slotBase + SLOT_PACKETS);
            bytes = s.get(JAVA_LONG, slotBase + SLOT_BYTES);
            lost = s.get(JAVA_LONG, slotBase + SLOT_LOST);
            laps = s.get(JAVA_LONG, slotBase + SLOT_LAPS);
            lastTimestamp = s.get(JAVA_LONG, slotBase + SLOT_LAST_TIMESTAMP);
        }
        lostAtLastWarning = lost;
        long writerPosition = ring.position();
        if (start == Start.RESUME && sameName) {
            long saved = s.get(JAVA_LONG, slotBase + SLOT_POSITION);
            long seq = s.get(JAVA_LONG, slotBase + SLOT_SEQUENCE);
            if (saved <= writerPosition) {
                moveTo(saved, seq);
                publishSlot();
                return;
            }
        }
        if (start == Start.OLDEST) {
            moveTo((long) LONG.getAcquire(s, (long) TAIL_OFFSET), -1);
        } else {
            moveTo(writerPosition, writerPosition == 0 ? 0 : -1);
        }
        publishSlot();
    }

    /** Goes to {@code position}; a known {@code sequence} (>= 0) makes a gap there countable exactly. */
    private void moveTo(long position, long sequence) {
        cursor = position;
        index = position % capacity;
        expected = Math.max(sequence, 0);
        synced = sequence >= 0;
        viewStart = -1;
    }

    /**
     * Moves to a position saved earlier from {@link #position()} and {@link #sequence()}. If that
     * data has been overwritten since, the reader resumes at the oldest record and counts the gap
     * exactly. A position beyond the writer's (the ring was recreated) restarts at the oldest
     * record with a warning.
     */
    public void seek(long position, long sequence) {
        long w = ring.position();
        if (position < 0 || position > w) {
            LOG.warn("ring {}: reader '{}': saved position {} is beyond the write position {} (was the ring recreated?);"
                    + " starting at the oldest record", ring.path(), name, position, w);
            moveTo((long) LONG.getAcquire(seg, (long) TAIL_OFFSET), -1);
        } else {
            moveTo(position, sequence);
        }
        publishSlot();
    }

    /**
     * Copies the next packet into this reader's buffer; false when the reader has caught up.
     * The packet's bytes are intact and stay valid until the next call.
     */
    public boolean next(Packet packet) {
        return read(packet, true);
    }

    /**
     * Points {@code packet} at the next record in the ring without copying; false when caught up.
     * The header fields are validated; the bytes must be checked after use with
     * {@link #stillValid()}.
     */
    public boolean nextView(Packet packet) {
        return read(packet, false);
    }

    private boolean read(Packet packet, boolean copy) {
        MemorySegment s = seg;
        while (true) {
            if (cursor >= limit && !refreshLimit()) {
                return false;
            }
            long at = HEADER_LENGTH + index;
            int length = s.get(JAVA_INT, at + REC_LENGTH);
            short type = s.get(JAVA_SHORT, at + REC_TYPE);
            if (length < PADDING_MIN_LENGTH || (length & (RECORD_ALIGNMENT - 1)) != 0 || index + length > capacity
                    || (type != TYPE_PACKET && type != TYPE_PADDING)) {
                if (overtaken()) {
                    continue;
                }
                throw corrupt("record length " + length + ", type " + type);
            }
            if (type == TYPE_PADDING) {
                if (overtaken()) {
                    continue;
                }
                if (index + length != capacity) {
                    throw corrupt("padding record of " + length + " bytes does not reach the end of the data area");
                }
                cursor += length;
                index = 0;
                continue;
            }
            int caplen = s.get(JAVA_INT, at + REC_CAPLEN);
            if (caplen < 0 || REC_HEADER_LENGTH + caplen > length) {
                if (overtaken()) {
                    continue;
                }
                throw corrupt("caplen " + caplen + " in a record of " + length + " bytes");
            }
            long sequence = s.get(JAVA_LONG, at + REC_SEQUENCE);
            long timestamp = s.get(JAVA_LONG, at + REC_TIMESTAMP);
            int wirelen = s.get(JAVA_INT, at + REC_WIRELEN);
            int ifIndex = s.get(JAVA_INT, at + REC_INTERFACE);
            int linkType = s.get(JAVA_SHORT, at + REC_LINK_TYPE) & 0xffff;
            if (copy) {
                if (caplen > buffer.byteSize()) {
                    // Read while the writer lapped us: the header may mix two records. Only a
                    // reader that was not overtaken may call this corrupt.
                    if (overtaken()) {
                        continue;
                    }
                    throw corrupt("caplen " + caplen + " exceeds the ring's declared snaplen " + buffer.byteSize());
                }
                MemorySegment.copy(s, at + REC_DATA, buffer, 0, caplen);
            }
            if (overtaken()) {
                continue;
            }
            account(sequence);
            lastRecordPosition = cursor;
            lastRecordSequence = sequence;
            if (copy) {
                packet.set(buffer, 0, caplen, wirelen, timestamp, linkType, ifIndex);
                viewStart = -1;
            } else {
                packet.set(s, at + REC_DATA, caplen, wirelen, timestamp, linkType, ifIndex);
                viewStart = cursor;
                viewCaplen = caplen;
            }
            cursor += length;
            index += length;
            if (index == capacity) {
                index = 0;
            }
            expected = sequence + 1;
            packets++;
            bytes += caplen;
            lastTimestamp = timestamp;
            publishSlot();
            return true;
        }
    }

    /**
     * Reloads the writer's Position (acquire), which this reader otherwise reads only when it has
     * consumed everything up to the last value seen: a lagging reader does not touch the line the
     * writer stores on every record.
     */
    private boolean refreshLimit() {
        long w = (long) LONG.getAcquire(seg, (long) POSITION_OFFSET);
        if (cursor > w) {
            throw new IllegalStateException(ring.path() + ": reader '" + name + "' at " + cursor
                    + " is beyond the write position " + w);
        }
        limit = w;
        return cursor < w;
    }

    /**
     * After {@link #nextView(Packet)}: true when the bytes of the view were not overwritten up to
     * now. False withdraws the packet: it is counted lost instead of read.
     */
    public boolean stillValid() {
        if (viewStart < 0) {
            return true;
        }
        VarHandle.acquireFence();
        long intent = (long) LONG.getAcquire(seg, (long) INTENT_OFFSET);
        if (intent - viewStart <= capacity) {
            return true;
        }
        viewStart = -1;
        packets--;
        bytes -= viewCaplen;
        lose(1);
        publishSlot();
        return false;
    }

    /**
     * True when the bytes just read from the record at {@code cursor} may have been overwritten
     * meanwhile; then the reader has moved to the oldest intact record and the caller retries.
     */
    private boolean overtaken() {
        VarHandle.acquireFence();
        long intent = (long) LONG.getAcquire(seg, (long) INTENT_OFFSET);
        if (intent - cursor <= capacity) {
            return false;
        }
        // Tail was stored before the Intent we just loaded, so it is at least intent - capacity.
        long tail = (long) LONG.getAcquire(seg, (long) TAIL_OFFSET);
        if (packets != packetsAtLastLap || laps == 0) {
            // Overtaken again before reading anything is the same episode, not a new lap.
            laps++;
            packetsAtLastLap = packets;
            lapsCounter.increment();
            seg.set(JAVA_LONG, slotBase + SLOT_LAPS, laps);
        }
        cursor = tail;
        index = tail % capacity;
        return true;
    }

    private void account(long sequence) {
        if (!synced) {
            synced = true;
        } else if (sequence > expected) {
            lose(sequence - expected);
        } else if (sequence < expected) {
            // Only after a resume from a slot its previous owner was killed while updating.
            LOG.warn("ring {}: reader '{}' expected packet {} but found {}; continuing from it",
                    ring.path(), name, expected, sequence);
        }
    }

    private void lose(long n) {
        lost += n;
        lostCounter.add(n);
        seg.set(JAVA_LONG, slotBase + SLOT_LOST, lost);
        long now = System.nanoTime();
        if (lastWarningNanos == 0 || now - lastWarningNanos >= WARN_INTERVAL_NANOS) {
            LOG.warn("ring {}: reader '{}' was overtaken by the writer: lost {} packets ({} in all); it reads too slowly"
                    + " for this ring size", ring.path(), name, lost - lostAtLastWarning, lost);
            lastWarningNanos = now;
            lostAtLastWarning = lost;
        }
    }

    private void publishSlot() {
        MemorySegment s = seg;
        long b = slotBase;
        s.set(JAVA_LONG, b + SLOT_SEQUENCE, synced ? expected : -1);
        s.set(JAVA_LONG, b + SLOT_PACKETS, packets);
        s.set(JAVA_LONG, b + SLOT_BYTES, bytes);
        s.set(JAVA_LONG, b + SLOT_LAST_TIMESTAMP, lastTimestamp);
        LONG.setRelease(s, b + SLOT_POSITION, cursor);
    }

    /** True when a record past this reader's position has been published. */
    public boolean available() {
        return (long) LONG.getAcquire(seg, (long) POSITION_OFFSET) != cursor;
    }

    /**
     * Waits until the writer publishes beyond this reader's position, at most {@code timeoutNanos}.
     * Pauses 1 us without touching the ring (so the writer can publish a batch), then sleeps on the
     * ring's futex: a first slice of at most 1 ms, then, once nothing was published during a slice,
     * slices of up to 100 ms (see {@link RingDescriptor}); polls every 0.5 ms where futexes are
     * unavailable. Data is seen within about 1 ms of its publication, usually within tens of
     * microseconds.
     *
     * @return true when data is available
     * @throws InterruptedException when the thread is interrupted (noticed within 100 ms)
     */
    public boolean await(long timeoutNanos) throws InterruptedException {
        if (available()) {
            return true;
        }
        long now = System.nanoTime();
        long deadline = now + timeoutNanos;
        // Pause briefly without touching the ring: a reader polling the writer's line at the head
        // makes that line bounce on every record and slows both. After the pause there is
        // usually a batch to read, and no need to announce a sleep.
        long pauseUntil = now + Math.min(PAUSE_NANOS, Math.max(0, timeoutNanos));
        while (System.nanoTime() < pauseUntil) {
            Thread.onSpinWait();
        }
        if (available()) {
            return true;
        }
        boolean quiet = false;
        try {
            while (true) {
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return available();
                }
                // Announce the sleep (a full barrier), then look again: see RingDescriptor "Sleeping".
                LONG.getAndBitwiseOr(seg, (long) WAITERS_OFFSET, waiterBit);
                long w = (long) LONG.getVolatile(seg, (long) POSITION_OFFSET);
                if (w != cursor) {
                    return true;
                }
                long slice = Math.min(remaining, quiet ? MAX_QUIET_SLEEP_NANOS : MAX_SLEEP_NANOS);
                long sleptAt = System.nanoTime();
                Futex.Wait woke = Futex.await(futexAddress, (int) w, slice, timespec, callState);
                if (woke == Futex.Wait.UNSUPPORTED) {
                    LockSupport.parkNanos(Math.min(slice, POLL_NANOS));
                }
                if (available()) {
                    return true;
                }
                // A full slice timed out with nothing published: the writer's last wake is older
                // than its coalescing interval, so its next record wakes us and a longer sleep
                // loses nothing. Any other return (a late wake, a signal) keeps the short slice.
                quiet = woke == Futex.Wait.TIMED_OUT
                        && System.nanoTime() - sleptAt >= RingWriter.MIN_WAKE_INTERVAL_NANOS;
            }
        } finally {
            LONG.getAndBitwiseAnd(seg, (long) WAITERS_OFFSET, ~waiterBit);
        }
    }

    /** Native address of the low 32 bits of Position, the futex word. */
    static long futexWord(MemorySegment seg) {
        boolean bigEndian = java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.BIG_ENDIAN;
        return seg.address() + POSITION_OFFSET + (bigEndian ? 4 : 0);
    }

    private RingFormatException corrupt(String what) {
        return new RingFormatException(ring.path() + ": corrupt record at position " + cursor + " (" + what
                + ") while the writer had not overtaken reader '" + name + "'; recreate the ring");
    }

    public String name() {
        return name;
    }

    public int slot() {
        return slot;
    }

    public RingFile ring() {
        return ring;
    }

    /** Absolute position of the next record this reader will look at. */
    public long position() {
        return cursor;
    }

    /** Sequence number expected next, or -1 before the first packet when the start gave none. */
    public long sequence() {
        return synced ? expected : -1;
    }

    /** Packets delivered (withdrawn views excluded). */
    /** Ring position of the record the last successful read returned (seek there to read it again). */
    public long lastRecordPosition() {
        return lastRecordPosition;
    }

    /** Sequence number of the record the last successful read returned. */
    public long lastRecordSequence() {
        return lastRecordSequence;
    }

    public long packetsRead() {
        return packets;
    }

    public long bytesRead() {
        return bytes;
    }

    /** Packets overwritten before this reader got them (and withdrawn views): exact. */
    public long lostPackets() {
        return lost;
    }

    /**
     * Times the writer overtook this reader (Agrona's lappedCount). Being overtaken again before
     * reading a packet after a resume counts as the same lap.
     */
    public long lappedCount() {
        return laps;
    }

    /** Packets published but not yet read (approximate while the writer runs). */
    public long lagPackets() {
        long written = (long) LONG.getAcquire(seg, (long) PACKETS_OFFSET);
        return Math.max(0, written - (synced ? expected : written));
    }

    /** Releases the slot; its name, position and counters stay for a later {@link Start#RESUME}. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (seg.scope().isAlive()) {
            LONG.getAndBitwiseAnd(seg, (long) WAITERS_OFFSET, ~waiterBit);
            LONG.compareAndSet(seg, slotBase + SLOT_OWNER, owner, 0L);
        }
        arena.close();
    }
}
