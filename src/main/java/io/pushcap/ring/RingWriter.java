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

import static io.pushcap.ring.RingDescriptor.*;
import static io.pushcap.ring.RingFile.INT;
import static io.pushcap.ring.RingFile.LONG;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The one writer of a ring: appends packet records, overwriting the oldest, and never waits for
 * readers. Follows the publication protocol of {@link RingDescriptor}.
 *
 * <p>Two ways to write: {@link #write(Packet)} copies a packet in; {@link #claim(int)} +
 * {@link #commit} let the caller build the bytes in place (rx inserts a VLAN tag while copying).
 * Records longer than the ring's max record length are cut to it, flagged and counted
 * ({@code pushcap_ring_writer_truncated_total}).
 *
 * <p><b>Note:</b> not thread-safe: one thread writes. Opening claims the ring's writer slot with
 * this process's identity; a second live writer, in this process or another, is refused with a
 * {@link PushcapException} naming its pid, while a slot left by a dead process is taken over (and
 * counted). {@link #close()} releases the slot. The hot path allocates nothing and makes no
 * system call unless a reader sleeps.
 */
public final class RingWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RingWriter.class);
    /** Wakes are coalesced to at most one per 200 us: at most 5000 system calls a second. */
    static final long MIN_WAKE_INTERVAL_NANOS = 200_000L;

    private final RingFile ring;
    private final MemorySegment seg;
    private final long capacity;
    private final int maxPayload;
    private final long chunk;
    private final long owner;
    private final long futexAddress;
    private final Arena arena;
    private final MemorySegment callState;
    private final Counter truncatedCounter;

    private long position;
    private long index;
    private long intent;
    private long tail;
    private long tailIndex;
    private long packets;
    private long bytes;
    private long wireBytes;
    private long lastTimestamp;
    /** Position as last published to readers; behind {@link #position} while appended records wait. */
    private long published;
    private int linkType = -1;

    private long lastWake = System.nanoTime() - MIN_WAKE_INTERVAL_NANOS;
    private int claimLength;
    private int claimCaplen;
    private int claimFlags;
    private boolean closed;

    private RingWriter(RingFile ring, long owner) {
        this.ring = ring;
        this.seg = ring.segment();
        this.capacity = ring.capacity();
        this.maxPayload = ring.maxRecordLength() - REC_HEADER_LENGTH;
        this.chunk = intentChunk(capacity);
        this.owner = owner;
        this.futexAddress = RingReader.futexWord(seg);
        this.arena = Arena.ofShared();
        this.callState = Errno.allocate(arena);
        this.truncatedCounter = MetricsRegistry.global().counter("pushcap_ring_writer_truncated_total",
                "Records cut to the ring's max record length", MetricsRegistry.labels("ring", MetricsRegistry.ringName(ring.path())));
        this.position = (long) LONG.getAcquire(seg, (long) POSITION_OFFSET);
        // A dead writer may have claimed beyond Position: Intent never goes back (readers rely on it).
        this.intent = Math.max(position, (long) LONG.getAcquire(seg, (long) INTENT_OFFSET));
        this.tail = (long) LONG.getAcquire(seg, (long) TAIL_OFFSET);
        this.index = position % capacity;
        this.tailIndex = tail % capacity;
        this.packets = seg.get(JAVA_LONG, PACKETS_OFFSET);
        this.bytes = seg.get(JAVA_LONG, BYTES_OFFSET);
        this.wireBytes = seg.get(JAVA_LONG, WIRE_BYTES_OFFSET);
        this.lastTimestamp = seg.get(JAVA_LONG, LAST_TIMESTAMP_OFFSET);
        this.published = position;
        this.linkType = ring.linkType();
    }

    static RingWriter open(RingFile ring, String source) {
        MemorySegment seg = ring.segment();
        long me = ProcessIdentity.current();
        boolean takeover;
        while (true) {
            long current = (long) LONG.getVolatile(seg, (long) WRITER_OWNER_OFFSET);
            if (current != 0 && ProcessIdentity.alive(current)) {
                String who = RingFile.readName(seg, WRITER_SOURCE_OFFSET, WRITER_SOURCE_LENGTH);
                throw new io.pushcap.LockedException("ring " + ring.path() + " already has a writer: pid "
                        + ProcessIdentity.pid(current) + (current == me ? " (this process)" : "")
                        + (who.isEmpty() ? "" : " writing from " + who) + "; a ring takes one writer");
            }
            if (LONG.compareAndSet(seg, (long) WRITER_OWNER_OFFSET, current, me)) {
                takeover = current != 0;
                break;
            }
        }
        if (takeover) {
            LONG.getAndAdd(seg, (long) WRITER_TAKEOVERS_OFFSET, 1L);
            LOG.info("ring {}: taking over from writer pid {}, which is gone", ring.path(),
                    ProcessIdentity.pid((long) LONG.getVolatile(seg, (long) WRITER_OWNER_OFFSET)));
        }
        LONG.setRelease(seg, (long) WRITER_CLAIMED_OFFSET, RingFile.nowNanos());
        RingFile.writeName(seg, WRITER_SOURCE_OFFSET, WRITER_SOURCE_LENGTH, source == null ? "" : source);
        ring.prefault(true);
        return new RingWriter(ring, me);
    }

    /** Records the link type and snapshot length of what this writer will write, for readers and {@code cat}. */
    public void declare(int linkType, int snaplen) {
        this.linkType = linkType;
        INT.setRelease(seg, (long) SNAPLEN_OFFSET, snaplen);
        INT.setRelease(seg, (long) LINK_TYPE_OFFSET, linkType);
    }

    /** Copies one packet into the ring (its interface id goes into the record). */
    public void write(Packet p) {
        write(p.timestampNanos(), p.wirelen(), p.linkType(), p.interfaceId(), p.segment(), p.offset(), p.caplen());
    }

    /** Copies {@code caplen} bytes at {@code offset} of {@code data} into the ring as one packet record. */
    public void write(long timestampNanos, int wirelen, int linkType, int ifIndex, MemorySegment data, long offset,
                      int caplen) {
        long at = claim(caplen);
        MemorySegment.copy(data, offset, seg, at, claimCaplen);
        commit(timestampNanos, wirelen, linkType, ifIndex, 0);
    }

    /**
     * Reserves a record for {@code caplen} bytes of packet data and returns the offset in
     * {@link #segment()} where the caller writes them; {@link #claimedCaplen()} says how many
     * fit (fewer when cut to the max record length). Follow with {@link #commit}.
     */
    public long claim(int caplen) {
        if (claimLength != 0) {
            throw new IllegalStateException("claim() called twice without commit()");
        }
        if (caplen < 0) {
            throw new IllegalArgumentException("caplen " + caplen);
        }
        int flags = 0;
        if (caplen > maxPayload) {
            caplen = maxPayload;
            flags = FLAG_TRUNCATED;
        }
        int length = recordLength(caplen);
        if (index + length > capacity) {
            pad();
        }
        reserve(length);
        claimLength = length;
        claimCaplen = caplen;
        claimFlags = flags;
        return HEADER_LENGTH + index + REC_DATA;
    }

    /** Data bytes of the current claim. */
    public int claimedCaplen() {
        return claimCaplen;
    }

    /**
     * Completes the claimed record and publishes it (release store of Position), then wakes
     * sleeping readers if any.
     *
     * @param flags record flags to add, such as {@link RingDescriptor#FLAG_VLAN_INSERTED}
     */
    public void commit(long timestampNanos, int wirelen, int linkType, int ifIndex, int flags) {
        append(timestampNanos, wirelen, linkType, ifIndex, flags);
        publish();
    }

    /**
     * Completes the claimed record without publishing it: readers see it, with every record
     * appended before it, at the next {@link #publish()} or {@link #commit}. A writer that receives
     * packets in batches appends each and publishes once per batch, so the header line that
     * readers poll is written once per batch instead of once per packet (at 200,000 packets/s
     * that line moved between the writer's and the recorder's CPUs on every record).
     */
    public void append(long timestampNanos, int wirelen, int linkType, int ifIndex, int flags) {
        int length = claimLength;
        if (length == 0) {
            throw new IllegalStateException("append() or commit() without claim()");
        }
        long at = HEADER_LENGTH + index;
        int caplen = claimCaplen;
        seg.set(JAVA_INT, at + REC_LENGTH, length);
        seg.set(JAVA_SHORT, at + REC_TYPE, TYPE_PACKET);
        seg.set(JAVA_SHORT, at + REC_LINK_TYPE, (short) linkType);
        seg.set(JAVA_LONG, at + REC_SEQUENCE, packets);
        seg.set(JAVA_LONG, at + REC_TIMESTAMP, timestampNanos);
        seg.set(JAVA_INT, at + REC_CAPLEN, caplen);
        seg.set(JAVA_INT, at + REC_WIRELEN, wirelen);
        seg.set(JAVA_INT, at + REC_INTERFACE, ifIndex);
        seg.set(JAVA_INT, at + REC_FLAGS, claimFlags | flags);
        if (claimFlags != 0) {
            truncated();
        }
        if (linkType != this.linkType && this.linkType == -1) {
            declare(linkType, MAX_CAPLEN);
        }
        packets++;
        bytes += caplen;
        wireBytes += wirelen;
        position += length;
        index += length;
        if (index == capacity) {
            index = 0;
        }
        claimLength = 0;
        lastTimestamp = timestampNanos;
    }

    /**
     * Publishes the records appended since the last publication (release store of Position,
     * after the counters), then wakes sleeping readers if any. Cheap when there is nothing new.
     */
    public void publish() {
        if (position == published) {
            return;
        }
        published = position;
        seg.set(JAVA_LONG, PACKETS_OFFSET, packets);
        seg.set(JAVA_LONG, BYTES_OFFSET, bytes);
        seg.set(JAVA_LONG, WIRE_BYTES_OFFSET, wireBytes);
        seg.set(JAVA_LONG, LAST_TIMESTAMP_OFFSET, lastTimestamp);
        LONG.setRelease(seg, (long) POSITION_OFFSET, position);
        // Store-load: our Position store must be visible before we look for sleepers, else a reader
        // that set its bit and then read the old Position would sleep through this record.
        VarHandle.fullFence();
        if ((long) LONG.getOpaque(seg, (long) WAITERS_OFFSET) != 0) {
            wake();
        }
    }

    private void pad() {
        int length = (int) (capacity - index);
        reserve(length);
        long at = HEADER_LENGTH + index;
        seg.set(JAVA_INT, at + REC_LENGTH, length);
        seg.set(JAVA_SHORT, at + REC_TYPE, TYPE_PADDING);
        if (length >= REC_SEQUENCE + 8) {
            seg.set(JAVA_LONG, at + REC_SEQUENCE, packets);
        }
        // Published together with the record that follows it, by that record's Position store.
        position += length;
        index = 0;
    }

    /**
     * Makes sure Intent covers {@code [position, position + length)}. Intent is claimed a chunk
     * ahead, so Intent and Tail are stored once per chunk, not per record: the cache line readers
     * validate against then changes rarely and stays in their caches.
     */
    private void reserve(int length) {
        long end = position + length;
        if (end <= intent) {
            return;
        }
        long claim = end + chunk;
        if (tail < claim - capacity) {
            advanceTail(claim - capacity);
        }
        intent = claim;
        LONG.setRelease(seg, (long) INTENT_OFFSET, claim);
        // No byte of the old lap may change before Intent says it will.
        VarHandle.storeStoreFence();
    }

    /** Moves Tail over the old records that the coming record overwrites, reading their lengths first. */
    private void advanceTail(long limit) {
        long t = tail;
        long ti = tailIndex;
        while (t < limit) {
            int length = seg.get(JAVA_INT, HEADER_LENGTH + ti);
            if (length < PADDING_MIN_LENGTH || (length & (RECORD_ALIGNMENT - 1)) != 0 || ti + length > capacity) {
                throw new RingFormatException(ring.path() + ": corrupt record at position " + t + " (length "
                        + length + "); recreate the ring");
            }
            t += length;
            ti += length;
            if (ti == capacity) {
                ti = 0;
            }
        }
        tail = t;
        tailIndex = ti;
        LONG.setRelease(seg, (long) TAIL_OFFSET, t);
    }

    /**
     * Wakes sleeping readers, at most once per {@link #MIN_WAKE_INTERVAL_NANOS}: at high rates
     * one system call then serves many records. A wake skipped here reaches the reader anyway
     * within its 1 ms sleep slice (see RingReader#await), so no reader waits longer than that.
     */
    private void wake() {
        long now = System.nanoTime();
        if (now - lastWake < MIN_WAKE_INTERVAL_NANOS) {
            return;
        }
        lastWake = now;
        LONG.getAndSet(seg, (long) WAITERS_OFFSET, 0L);
        LONG.getAndAdd(seg, (long) WAKEUPS_OFFSET, 1L);
        Futex.wake(futexAddress, Integer.MAX_VALUE, callState);
    }

    private void truncated() {
        LONG.getAndAdd(seg, (long) TRUNCATED_OFFSET, 1L);
        truncatedCounter.increment();
    }

    /** How far ahead of the record being written Intent is claimed: 64 KiB, at most 1/32 of the data area. */
    static long intentChunk(long capacity) {
        return Math.min(INTENT_CHUNK, capacity / 32) & -RECORD_ALIGNMENT;
    }

    /** Kernel counters of the capture feeding this ring (pcap_stats), as running totals. */
    public void sourceStats(long received, long kernelDrops, long interfaceDrops) {
        LONG.setRelease(seg, (long) KERNEL_RECEIVED_OFFSET, received);
        LONG.setRelease(seg, (long) KERNEL_DROPS_OFFSET, kernelDrops);
        LONG.setRelease(seg, (long) INTERFACE_DROPS_OFFSET, interfaceDrops);
    }

    /** Counts one reopening of the capture after a failure (NIC down). */
    public void sourceRestarted() {
        LONG.getAndAdd(seg, (long) SOURCE_RESTARTS_OFFSET, 1L);
    }

    public RingFile ring() {
        return ring;
    }

    /** The mapped ring; offsets from {@link #claim(int)} index into it. */
    public MemorySegment segment() {
        return seg;
    }

    /** Position after the last record written (published or only appended): bytes since the ring was created. */
    public long position() {
        return position;
    }

    /** Packet records written since the ring was created (the next sequence number). */
    public long packets() {
        return packets;
    }

    /** Largest caplen stored whole. */
    public int maxCaplen() {
        return maxPayload;
    }

    /** Releases the writer slot; the ring and its data stay. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (seg.scope().isAlive()) {
            publish();
            LONG.compareAndSet(seg, (long) WRITER_OWNER_OFFSET, owner, 0L);
        }
        arena.close();
    }
}
