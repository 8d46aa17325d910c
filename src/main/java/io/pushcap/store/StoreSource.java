package io.pushcap.store;

import io.pushcap.PushcapException;
import io.pushcap.metrics.Counter;
import io.pushcap.metrics.MetricsRegistry;
import io.pushcap.pcap.Packet;
import io.pushcap.pcap.PcapDescriptor;
import io.pushcap.pipeline.PacketSource;
import io.pushcap.pipeline.SourcePosition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A stored capture as a {@link PacketSource} that follows it live: the sealed chunks in order,
 * then the open chunk as the recorder makes more of it visible, then the chunks sealed after it.
 *
 * <p>Positions: {@link SourcePosition#major()} is the capture-wide sequence number of the next
 * packet (the capture's first packet is 0) and {@link SourcePosition#minor()} its offset in the
 * capture's record stream (all records of all chunks end to end, pcap file headers left out),
 * like a ring's (sequence, position). The index maps both to a chunk and a file offset, also for
 * chunks retention has deleted: a position in a deleted chunk resumes at the oldest chunk still
 * there and {@link #lostPackets()} grows by exactly the packets skipped.
 *
 * <p>Waiting ({@link #await(long)}) polls the capture's head every 5 ms with one pread: the
 * recorder makes data visible in steps of its flush interval (100 ms by default), so 5 ms adds
 * little latency, costs ~200 small reads a second, and works on every file system and across
 * namespaces. A WatchService (inotify) would deliver the head's modifications through a JDK
 * background thread with its own queueing, does not work on NFS, and still needs a timed poll
 * for a recorder that crashed; it saves nothing here.
 *
 * <p><b>Note:</b> single-threaded, like every {@link PacketSource}. Packets are views into a
 * read-only mapping of the chunk, valid until the next call. A capture still being recorded (or
 * whose recorder crashed) never {@link #ended()}; a finished one ends once read to its end.
 * Losses are counted in {@code pushcap_store_source_lost_packets_total} (labels capture, reader) and
 * logged at most every 10 s.
 */
public final class StoreSource implements PacketSource {
    private static final Logger LOG = LoggerFactory.getLogger(StoreSource.class);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Store store;
    private final CaptureDir capture;
    private final ChunkIndex index;
    private final HeadFile headFile;
    private final int linkType;
    private final int snaplen;
    private final Counter lostCounter;
    private HeadState head;
    private ChunkReader current;
    private ChunkEntry currentEntry;
    private long nextSeq;
    private long nextStream;
    private long lastSeq = -1;
    private long lastStream;
    private long lastTs;
    private long lost;
    private long bytes;
    private long lostAtLastWarning;
    private long lastWarningNanos;

    private StoreSource(Store store, CaptureDir capture, ChunkIndex index, HeadFile headFile, String readerName) {
        this.store = store;
        this.capture = capture;
        this.index = index;
        this.headFile = headFile;
        this.linkType = index.linkType();
        this.snaplen = index.snaplen() > 0 ? index.snaplen() : PcapDescriptor.MAX_SNAPLEN;
        this.lostCounter = MetricsRegistry.global().counter("pushcap_store_source_lost_packets_total",
                "Packets a store reader missed because retention deleted them before it read them",
                MetricsRegistry.labels("capture", capture.name(), "reader", readerName));
    }

    /**
     * Opens capture {@code name}: at its oldest packet still stored when {@code followStart}
     * (FollowStart = true), else after its last visible packet (only what is recorded from now).
     *
     * @param readerName for the loss counter's label and logs (the push target's Desc, say)
     */
    public static StoreSource open(Store store, String name, boolean followStart, String readerName) throws IOException {
        if (!store.contains(name)) {
            throw new PushcapException("no capture named '" + name + "' in store " + store.dir()
                    + " (list them with `pushcap captures --store " + store.dir() + "`)");
        }
        CaptureDir cap = store.capture(name);
        ChunkIndex idx = ChunkIndex.openReadOnly(cap.index());
        HeadFile hf;
        try {
            hf = HeadFile.openReadOnly(cap.head());
        } catch (IOException | RuntimeException e) {
            idx.close();
            throw e;
        }
        StoreSource s = new StoreSource(store, cap, idx, hf, readerName);
        try {
            s.head = hf.read();
            if (followStart) {
                s.moveToOldest();
            } else {
                s.nextSeq = s.head.nextPacketSeq();
                s.nextStream = s.head.openStreamOffset() + s.head.visibleRecordBytes();
            }
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** Moves to the first packet of the oldest chunk still stored, without counting a loss. */
    private void moveToOldest() throws IOException {
        index.refresh();
        head = headFile.read();
        for (ChunkEntry e : index.entries()) {
            if (java.nio.file.Files.exists(capture.dir().resolve(e.name()))) {
                nextSeq = e.firstPacketSeq();
                nextStream = e.streamOffset();
                return;
            }
        }
        nextSeq = head.openFirstPacketSeq();
        nextStream = head.openStreamOffset();
    }

    @Override
    public boolean next(Packet packet) throws IOException {
        for (int attempts = 0; attempts < 64; attempts++) {
            if (current == null && !openCurrent()) {
                return false;
            }
            if (current.next(packet, linkType)) {
                long len = current.lastRecordLength();
                lastSeq = nextSeq;
                lastStream = nextStream;
                lastTs = packet.timestampNanos();
                nextSeq++;
                nextStream += len;
                bytes += len;
                return true;
            }
            if (currentEntry != null) {
                closeCurrent(); // a sealed chunk read to its end
            } else if (!refreshOpenChunk()) {
                return false;
            }
        }
        return false;
    }

    /** The open chunk was read to its visible end: it may have grown, or been sealed. */
    private boolean refreshOpenChunk() throws IOException {
        head = headFile.read();
        if (head.openChunkSeq() == current.seq()) {
            if (head.visibleLength() > current.limit()) {
                current.limit(head.visibleLength());
                return true;
            }
            return false;
        }
        index.refresh();
        ChunkEntry e = find(current.seq());
        if (e == null) {
            throw new StoreFormatException(capture.index() + ": chunk " + current.seq()
                    + " is no longer open but is not indexed (was the capture recreated?)");
        }
        currentEntry = e;
        current.limit(e.bytes());
        return true;
    }

    /** Opens the chunk holding packet {@code nextSeq}; false when it is not visible yet. */
    private boolean openCurrent() throws IOException {
        head = headFile.read();
        index.refresh();
        List<ChunkEntry> entries = index.entries();
        int i = indexOf(entries, nextSeq);
        while (i >= 0) {
            ChunkEntry e = entries.get(i);
            try {
                current = ChunkReader.open(capture.dir().resolve(e.name()), e.seq());
            } catch (NoSuchFileException deleted) {
                i = skipDeleted(entries, i);
                continue;
            }
            currentEntry = e;
            current.limit(e.bytes());
            current.seek(PcapDescriptor.FILE_HEADER_LENGTH + nextStream - e.streamOffset());
            return true;
        }
        if (nextSeq < head.openFirstPacketSeq() || nextSeq >= head.nextPacketSeq() || head.visibleLength() == 0) {
            return false;
        }
        try {
            current = ChunkReader.open(capture.pending(head.openChunkSeq()), head.openChunkSeq());
        } catch (NoSuchFileException sealedMeanwhile) {
            return false; // the next call finds it in the index
        }
        currentEntry = null;
        current.limit(head.visibleLength());
        current.seek(PcapDescriptor.FILE_HEADER_LENGTH + nextStream - head.openStreamOffset());
        return true;
    }

    /** Index of the sealed chunk holding packet {@code seq}, or -1 (not sealed yet). */
    private static int indexOf(List<ChunkEntry> entries, long seq) {
        int lo = 0;
        int hi = entries.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            ChunkEntry e = entries.get(mid);
            if (seq < e.firstPacketSeq()) {
                hi = mid - 1;
            } else if (seq >= e.nextPacketSeq()) {
                lo = mid + 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    private ChunkEntry find(long chunkSeq) {
        List<ChunkEntry> entries = index.entries();
        if (entries.isEmpty()) {
            return null;
        }
        int i = (int) (chunkSeq - entries.getFirst().seq());
        return i >= 0 && i < entries.size() ? entries.get(i) : null;
    }

    /**
     * Chunk {@code i} is gone (retention): moves to the first chunk after it that still exists,
     * or to the open chunk, counting the packets skipped. Returns that chunk's index, or -1.
     */
    private int skipDeleted(List<ChunkEntry> entries, int i) throws IOException {
        int j = i + 1;
        while (j < entries.size() && !java.nio.file.Files.exists(capture.dir().resolve(entries.get(j).name()))) {
            j++;
        }
        long toSeq = j < entries.size() ? entries.get(j).firstPacketSeq() : head.openFirstPacketSeq();
        long toStream = j < entries.size() ? entries.get(j).streamOffset() : head.openStreamOffset();
        lose(toSeq - nextSeq, entries.get(i));
        nextSeq = toSeq;
        nextStream = toStream;
        return j < entries.size() ? j : -1;
    }

    private void lose(long n, ChunkEntry first) {
        if (n <= 0) {
            return;
        }
        lost += n;
        lostCounter.add(n);
        long now = System.nanoTime();
        if (lastWarningNanos == 0 || now - lastWarningNanos >= WARN_INTERVAL_NANOS) {
            LOG.warn("capture {}: {} packets from chunk {} on were deleted by retention before they were read ({} in all)",
                    capture.name(), lost - lostAtLastWarning, first.name(), lost);
            lostAtLastWarning = lost;
            lastWarningNanos = now;
        }
    }

    private void closeCurrent() throws IOException {
        if (current != null) {
            ChunkReader c = current;
            current = null;
            currentEntry = null;
            c.close();
        }
    }

    /** True when a packet after this source's position is visible (or the capture finished). */
    private boolean more() throws IOException {
        head = headFile.read();
        return head.nextPacketSeq() > nextSeq || head.finished();
    }

    @Override
    public boolean await(long timeoutNanos) throws IOException, InterruptedException {
        if (more()) {
            return true;
        }
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            LockSupport.parkNanos(Math.min(left, POLL_NANOS));
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            if (more()) {
                return true;
            }
        }
    }

    @Override
    public boolean ended() {
        try {
            head = headFile.read();
        } catch (IOException e) {
            return false;
        }
        return head.finished() && nextSeq >= head.nextPacketSeq();
    }

    @Override
    public SourcePosition position() {
        return new SourcePosition(nextSeq, nextStream, 0);
    }

    @Override
    public SourcePosition positionOfLast() {
        return lastSeq < 0 ? position() : new SourcePosition(lastSeq, lastStream, lastTs);
    }

    /**
     * Goes to a position saved earlier. A position in chunks deleted since resumes at the oldest
     * chunk still there, counting the packets skipped; one beyond the capture's end (the capture
     * was recreated under the same name) restarts at its oldest packet with a warning.
     */
    @Override
    public void seek(SourcePosition position) throws IOException {
        closeCurrent();
        head = headFile.read();
        if (position.major() < 0 || position.minor() < 0 || position.major() > head.nextPacketSeq()) {
            LOG.warn("capture {}: saved position {} is beyond the capture's end (packet {}); was it recreated?"
                    + " Starting at its oldest packet", capture.name(), position, head.nextPacketSeq());
            moveToOldest();
            return;
        }
        nextSeq = position.major();
        nextStream = position.minor();
    }

    @Override
    public long lostPackets() {
        return lost;
    }

    @Override
    public int linkType() {
        return linkType;
    }

    @Override
    public int snaplen() {
        return snaplen;
    }

    @Override
    public long bytesConsumed() {
        return bytes;
    }

    @Override
    public String describe() {
        return "capture " + capture.name() + " in " + store.dir();
    }

    @Override
    public void close() throws IOException {
        try {
            closeCurrent();
        } finally {
            try {
                index.close();
            } finally {
                headFile.close();
            }
        }
    }
}
