package io.pushcap.store;

import io.pushcap.PushcapException;
import io.pushcap.metrics.Counter;
import io.pushcap.metrics.MetricsRegistry;
import io.pushcap.pcap.Packet;
import io.pushcap.pcap.PcapDescriptor;
import io.pushcap.ring.RingFile;
import io.pushcap.ring.RingReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

import static io.pushcap.store.StoreDescriptor.*;

/**
 * Drains a ring into a named capture of a store ({@code pushcap record}): chunk files rotated by
 * size and time, each published atomically (flushed, fsynced, renamed, then indexed), the open
 * chunk made visible to live readers through the head at least every flush interval, and the
 * store kept within its retention limits.
 *
 * <p>Packets are read as zero-copy views of the ring and copied once, into the chunk's buffer;
 * a packet the ring writer overwrote during that copy is dropped and counted lost by the ring
 * reader. Every loss is counted under a stable name (labels {@code capture}):
 * {@code pushcap_store_record_ring_lost_packets_total} (the ring overtook the recorder),
 * {@code pushcap_store_record_dropped_packets_total} (no space even after retention),
 * {@code pushcap_store_record_linktype_skipped_total} (a packet of another link type than the capture's).
 *
 * <p><b>Note:</b> {@link #run()} runs on one thread until {@link #stop()} (any thread) and then
 * closes the open chunk cleanly (sealed, head marked finished). Holding the capture's lock for
 * its whole life, it is the only writer of the capture. I/O errors end {@link #run()} with the
 * exception after sealing what can be sealed.
 */
public final class CaptureRecorder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CaptureRecorder.class);
    private static final long MAX_IDLE_WAIT_NANOS = 100_000_000L;
    private static final long WARN_INTERVAL_NANOS = 10_000_000_000L;
    private static final long MIN_NAP_NANOS = 1_000_000L;
    private static final long MAX_NAP_NANOS = 10_000_000L;
    /** A nap may let at most this fraction of the ring fill at the rate just seen. */
    private static final int NAP_RING_FRACTION = 8;

    /**
     * @param readerName      the ring reader slot ({@code record} by default)
     * @param chunkSize       a chunk is sealed before it would exceed this many bytes
     * @param chunkTimeNanos  a chunk is sealed this long (wall time) after its first packet
     * @param flushIntervalNanos longest a recorded packet stays in memory before it is written,
     *                        fsynced and visible to readers
     * @param clock           monotonic nanoseconds for rotation and flushing (System::nanoTime)
     */
    public record Options(String readerName, long chunkSize, long chunkTimeNanos, long flushIntervalNanos,
                          RetentionLimits limits, LongSupplier clock) {
        public Options {
            if (chunkSize < 64 * 1024 || chunkSize > (1L << 40)) {
                throw new PushcapException("--chunk-size " + chunkSize + " (expected 64k to 1t)");
            }
            if (chunkTimeNanos <= 0) {
                throw new PushcapException("--chunk-time must be positive");
            }
            if (flushIntervalNanos <= 0) {
                throw new PushcapException("--flush-interval must be positive");
            }
            if (limits.maxBytes() > 0 && limits.maxBytes() < 2 * chunkSize) {
                throw new PushcapException("--max-bytes " + limits.maxBytes() + " is less than two chunks of --chunk-size "
                        + chunkSize + " (retention deletes whole chunks and keeps the open one: lower --chunk-size)");
            }
        }
    }

    private final Store store;
    private final CaptureDir capture;
    private final RingFile ring;
    private final Options options;
    private final LongSupplier clock;
    private final FileLocks.Held lock;
    private final ChunkIndex index;
    private final HeadFile headFile;
    private final RingReader reader;
    private final Retention retention;
    private final int linkType;
    private final int snaplen;
    private final Packet packet = new Packet();
    private final Counter packetsCounter;
    private final Counter bytesCounter;
    private final Counter ringLostCounter;
    private final Counter droppedCounter;
    private final Counter skippedCounter;
    private final Counter sealedCounter;
    private final long lostAtStart;
    private final long ringLostBase;

    private HeadState head;
    private ChunkWriter chunk;
    private long chunkOpenedAt;
    private long lostAtChunkOpen;
    private long flushDue = Long.MAX_VALUE;
    private long lostReported;
    private long lostAtLastWarning;
    private long lastWarningNanos;
    private long droppedAtLastWarning;
    private long lastDropWarningNanos;
    private long ringPosition;
    private long ringSequence;
    private long waitedAtPosition = -1;
    private long waitedAtNanos;
    private volatile boolean stopRequested;
    /** Packets recorded by this run: a single-writer count, so no fence per packet (not registered as a metric). */
    private final Counter packetsRecorded = new Counter("record_packets_this_run", "Packets recorded by this run");
    private boolean closed;

    private CaptureRecorder(Store store, CaptureDir capture, RingFile ring, RingReader reader, Options options,
                            FileLocks.Held lock, ChunkIndex index, HeadFile headFile, Recovery.Result recovered,
                            boolean continueRing)
            throws IOException, InterruptedException {
        this.store = store;
        this.capture = capture;
        this.ring = ring;
        this.options = options;
        this.clock = options.clock();
        this.lock = lock;
        this.index = index;
        this.headFile = headFile;
        this.linkType = index.linkType();
        this.snaplen = index.snaplen();
        String labels = MetricsRegistry.labels("capture", capture.name());
        MetricsRegistry m = MetricsRegistry.global();
        packetsCounter = m.counter("pushcap_store_record_packets_total", "Packets recorded into the capture", labels);
        bytesCounter = m.counter("pushcap_store_record_bytes_total", "Bytes of pcap records (16-byte headers included) recorded",
                labels);
        ringLostCounter = m.counter("pushcap_store_record_ring_lost_packets_total",
                "Packets the ring overwrote before the recorder read them", labels);
        droppedCounter = m.counter("pushcap_store_record_dropped_packets_total",
                "Packets not recorded because retention could not make room", labels + ",reason=\"no_space\"");
        skippedCounter = m.counter("pushcap_store_record_linktype_skipped_total",
                "Packets not recorded because their link type differs from the capture's", labels);
        sealedCounter = m.counter("pushcap_store_chunks_sealed_total", "Chunks the recorder sealed and indexed", labels);
        this.reader = reader;
        HeadState h = recovered.head();
        if (continueRing && recovered.ringExact() && h.ringPosition() >= 0) {
            reader.seek(h.ringPosition(), h.ringSequence());
            LOG.info("capture {}: continuing ring {} exactly after the last packet kept (position {}, packet {})",
                    capture.name(), ring.path(), h.ringPosition(), h.ringSequence());
        }
        this.lostAtStart = reader.lostPackets();
        this.ringPosition = reader.position();
        this.ringSequence = reader.sequence();
        this.ringLostBase = h.ringLost();
        // Losses since the last sealed chunk belong to the next chunk sealed.
        this.lostAtChunkOpen = ringLostBase - h.openLost();
        this.head = headFile.write(new HeadState(STATE_RECORDING, 0, h.openChunkSeq(), h.openFirstPacketSeq(),
                h.openStreamOffset(), 0, 0, 0, 0, 0, 0, ringPosition, ringSequence, ringLostBase,
                RecorderClock.wallNanos(), ProcessHandle.current().pid(), h.openLost()));
        this.retention = new Retention(store, options.limits(), clock, () -> chunk == null ? 0 : chunk.bufferedBytes());
        retention.start();
    }

    /**
     * Claims the recorder's reader slot of {@code ring} ({@link RingReader.Start#RESUME}: where the
     * last reader of that name stopped, else at the write position). Claim it first, before
     * waiting for the writer, so nothing written meanwhile is missed.
     */
    public static RingReader claimReader(RingFile ring, Options options) {
        return ring.reader(new RingReader.Options(options.readerName(), RingReader.Start.RESUME));
    }

    /**
     * Opens capture {@code name} of {@code store} for recording from {@code ring} (whose writer must
     * have declared its link type) through {@code reader} (from {@link #claimReader}, now owned by
     * the recorder): creates the capture, or continues it when it exists. Other captures of the
     * store left unfinished by a crash are recovered first.
     *
     * @param continueRing true to resume the ring exactly where a crashed recorder of this capture
     *                     stopped (when the head says so); false to go on from the reader's position
     */
    public static CaptureRecorder open(Store store, String name, RingFile ring, RingReader reader, Options options,
                                       boolean continueRing) throws IOException, InterruptedException {
        try {
            return openWith(store, name, ring, reader, options, continueRing);
        } catch (IOException | RuntimeException | InterruptedException e) {
            closeQuietly(reader);
            throw e;
        }
    }

    private static CaptureRecorder openWith(Store store, String name, RingFile ring, RingReader reader, Options options,
                                            boolean continueRing) throws IOException, InterruptedException {
        if (ring.linkType() < 0) {
            throw new IllegalStateException("ring " + ring.path() + " has no link type yet");
        }
        CaptureDir cap = store.capture(name);
        for (CaptureDir other : store.captures()) {
            if (!other.name().equals(name)) {
                recoverIfCrashed(other);
            }
        }
        int snap = ring.snaplen() > 0 ? ring.snaplen() : PcapDescriptor.MAX_SNAPLEN;
        if (!store.contains(name)) {
            create(store, cap, ring, snap);
        }
        FileLocks.Held lock = FileLocks.tryLock(cap.lock());
        for (int i = 0; i < 20 && lock == null; i++) {
            // `captures` probes the lock for microseconds; a recorder holds it for good.
            Thread.sleep(50);
            lock = FileLocks.tryLock(cap.lock());
        }
        if (lock == null) {
            throw new PushcapException("capture " + name + " in " + store.dir() + " is being recorded by another recorder"
                    + " (stop it first, or record into another --name)");
        }
        ChunkIndex index = null;
        HeadFile head = null;
        try {
            index = ChunkIndex.openForAppend(cap.index());
            head = HeadFile.openForWrite(cap.head());
            if (index.linkType() != ring.linkType()) {
                throw new PushcapException("capture " + name + " holds link type " + index.linkType() + " but ring "
                        + ring.path() + " delivers link type " + ring.linkType() + "; record into another --name");
            }
            Recovery.Result r = Recovery.recover(cap, index, head);
            return new CaptureRecorder(store, cap, ring, reader, options, lock, index, head, r, continueRing);
        } catch (IOException | RuntimeException | InterruptedException e) {
            closeQuietly(index);
            closeQuietly(head);
            lock.close();
            throw e;
        }
    }

    /**
     * Recovers {@code cap} when its recorder died (no lock held, head still recording) and marks
     * it finished. Returns true when it did.
     */
    static boolean recoverIfCrashed(CaptureDir cap) throws IOException {
        if (cap.recording()) {
            return false;
        }
        try (FileLocks.Held l = FileLocks.tryLock(cap.lock())) {
            if (l == null) {
                return false;
            }
            try (ChunkIndex idx = ChunkIndex.openForAppend(cap.index()); HeadFile h = HeadFile.openForWrite(cap.head())) {
                HeadState s = h.readOrNull();
                if (s != null && s.finished() && idx.tornBytes() == 0 && !Files.exists(cap.pending(s.openChunkSeq()))) {
                    return false;
                }
                HeadState after = Recovery.recover(cap, idx, h).head();
                h.write(withState(after, STATE_FINISHED));
                h.sync();
                return true;
            }
        } catch (StoreFormatException e) {
            LOG.warn("capture {}: cannot recover: {}", cap.name(), e.getMessage());
            return false;
        }
    }

    private static void create(Store store, CaptureDir cap, RingFile ring, int snaplen) throws IOException {
        long now = RecorderClock.wallNanos();
        Path tmp = store.dir().resolve("." + cap.name() + ".creating-" + ProcessHandle.current().pid());
        Files.createDirectories(tmp);
        new CaptureMeta(cap.name(), ring.path().toAbsolutePath().normalize().toString(), now)
                .write(tmp.resolve(META_FILE));
        ChunkIndex.create(tmp.resolve(INDEX_FILE), ring.linkType(), snaplen, now);
        // Finished until the recorder says otherwise: a capture created but never recorded needs no recovery.
        HeadFile.create(tmp.resolve(HEAD_FILE), withState(HeadState.empty(ProcessHandle.current().pid(), now),
                STATE_FINISHED));
        try {
            Files.move(tmp, cap.dir(), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Durable.syncDirectory(store.dir());
            LOG.info("capture {}: created in {} (link type {}, snaplen {})", cap.name(), store.dir(), ring.linkType(),
                    snaplen);
        } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
            // Another recorder created it first; its lock decides who records.
            for (String f : new String[] {META_FILE, INDEX_FILE, HEAD_FILE}) {
                Files.deleteIfExists(tmp.resolve(f));
            }
            Files.deleteIfExists(tmp);
        }
    }

    /** Records until {@link #stop()}, then closes the capture cleanly. */
    public void run() throws IOException, InterruptedException {
        try {
            loop();
        } finally {
            close();
        }
    }

    private void loop() throws IOException, InterruptedException {
        long n = 0;
        while (!stopRequested) {
            if (reader.nextView(packet)) {
                record();
                // Everything before here is recorded, dropped or counted lost: a restart resumes here.
                ringPosition = reader.position();
                ringSequence = reader.sequence();
                if ((++n & 63) == 0) {
                    periodic();
                }
                continue;
            }
            periodic();
            long now = clock.getAsLong();
            long wait = MAX_IDLE_WAIT_NANOS;
            if (flushDue != Long.MAX_VALUE) {
                wait = Math.min(wait, flushDue - now);
            }
            if (chunk != null && chunk.packets() > 0) {
                wait = Math.min(wait, chunkOpenedAt + options.chunkTimeNanos() - now);
            }
            if (wait > 0) {
                idleWait(wait);
            }
        }
    }

    /**
     * Waits for more packets. While packets keep coming, a nap instead of the ring's futex: the
     * recorder writes in batches anyway, a reader that does not sleep on the futex costs the ring
     * writer no FUTEX_WAKE system call, and each wake-up then serves a batch. The nap is as long
     * as the rate just seen allows without letting more than 1/{@link #NAP_RING_FRACTION} of the
     * ring fill (1 to 10 ms). A nap that brought nothing is followed by a sleep on the futex, so an
     * idle recorder costs nothing and the first packet of a burst wakes it.
     */
    private void idleWait(long maxNanos) throws InterruptedException {
        long now = System.nanoTime();
        long position = reader.position();
        boolean busy = waitedAtPosition >= 0 && position != waitedAtPosition;
        long nap = busy ? napNanos(position - waitedAtPosition, now - waitedAtNanos) : 0;
        waitedAtPosition = position;
        waitedAtNanos = now;
        if (busy) {
            LockSupport.parkNanos(Math.min(maxNanos, nap));
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        } else {
            reader.await(maxNanos);
        }
    }

    private long napNanos(long bytes, long elapsedNanos) {
        long room = ring.capacity() / NAP_RING_FRACTION;
        // nanos for the writer to fill `room` at bytes/elapsedNanos, without overflow
        double fill = (double) room * Math.max(1, elapsedNanos) / Math.max(1, bytes);
        return (long) Math.max(MIN_NAP_NANOS, Math.min(MAX_NAP_NANOS, fill));
    }

    private void record() throws IOException, InterruptedException {
        Packet p = packet;
        if (p.linkType() != linkType) {
            if (reader.stillValid()) {
                skippedCounter.increment();
            }
            return;
        }
        long rec = PcapDescriptor.RECORD_HEADER_LENGTH + (long) p.caplen();
        if (chunk != null && chunk.packets() > 0 && chunk.length() + rec > options.chunkSize()) {
            seal();
        }
        long charge = rec + (chunk == null ? PcapDescriptor.FILE_HEADER_LENGTH : 0);
        if (!retention.reserve(charge)) {
            if (reader.stillValid()) {
                droppedCounter.increment();
                warnDropped();
            }
            return;
        }
        if (chunk == null) {
            openChunk();
        }
        chunk.stage(p);
        if (!reader.stillValid()) {
            retention.release(rec);
            return;
        }
        chunk.commit(p.timestampNanos());
        packetsRecorded.increment();
        packetsCounter.increment();
        bytesCounter.add(rec);
        if (flushDue == Long.MAX_VALUE) {
            flushDue = clock.getAsLong() + options.flushIntervalNanos();
        }
    }

    private void periodic() throws IOException {
        long now = clock.getAsLong();
        if (chunk != null && chunk.packets() > 0 && now - chunkOpenedAt >= options.chunkTimeNanos()) {
            seal();
        } else if (now >= flushDue) {
            flushVisible();
        }
        countRingLoss();
        retention.tick();
    }

    private void countRingLoss() {
        long lost = reader.lostPackets() - lostAtStart;
        if (lost == lostReported) {
            return;
        }
        ringLostCounter.add(lost - lostReported);
        lostReported = lost;
        long now = System.nanoTime();
        if (lastWarningNanos == 0 || now - lastWarningNanos >= WARN_INTERVAL_NANOS) {
            LOG.warn("capture {}: ring {} overtook the recorder: {} packets lost ({} in all since start); the store"
                    + " is too slow for this ring size", capture.name(), ring.path(), lost - lostAtLastWarning, lost);
            lostAtLastWarning = lost;
            lastWarningNanos = now;
        }
    }

    private void warnDropped() {
        long now = System.nanoTime();
        if (lastDropWarningNanos == 0 || now - lastDropWarningNanos >= WARN_INTERVAL_NANOS) {
            long d = droppedCounter.get();
            LOG.warn("capture {}: store {} is full (limits {}) and holds no chunk retention may delete: {} packets dropped"
                    + " ({} in all)", capture.name(), store.dir(), options.limits(), d - droppedAtLastWarning, d);
            droppedAtLastWarning = d;
            lastDropWarningNanos = now;
        }
    }

    private void openChunk() throws IOException {
        long seq = head.openChunkSeq();
        chunk = ChunkWriter.create(capture.pending(seq), seq, linkType, snaplen);
        chunkOpenedAt = clock.getAsLong();
    }

    private long ringLost() {
        return ringLostBase + reader.lostPackets() - lostAtStart;
    }

    /** Writes what is buffered, fsyncs it, and tells readers through the head. */
    private void flushVisible() throws IOException {
        flushDue = Long.MAX_VALUE;
        if (chunk == null) {
            return;
        }
        chunk.drain();
        chunk.sync();
        writeHead(STATE_RECORDING);
    }

    private void writeHead(int state) throws IOException {
        HeadState h = head;
        boolean open = chunk != null;
        head = headFile.write(new HeadState(state, 0, h.openChunkSeq(), h.openFirstPacketSeq(), h.openStreamOffset(),
                open ? chunk.fileLength() : 0, open ? chunk.packets() : 0, open ? chunk.firstTs() : 0,
                open ? chunk.lastTs() : 0, open ? chunk.minTs() : 0, open ? chunk.maxTs() : 0, ringPosition,
                ringSequence, ringLost(), RecorderClock.wallNanos(), ProcessHandle.current().pid(),
                ringLost() - lostAtChunkOpen));
    }

    /**
     * Seals the open chunk: everything written and fsynced and made visible (so the head's ring
     * position matches the whole file), renamed into place, indexed, and the next chunk announced.
     */
    private void seal() throws IOException {
        flushVisible();
        ChunkWriter c = chunk;
        c.close();
        Path sealed = capture.chunk(c.seq());
        Files.move(c.file(), sealed, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Durable.syncDirectory(capture.dir());
        ChunkEntry e = new ChunkEntry(c.seq(), head.openFirstPacketSeq(), head.openStreamOffset(), c.packets(),
                c.fileLength(), c.firstTs(), c.lastTs(), c.minTs(), c.maxTs(), ringLost() - lostAtChunkOpen,
                RecorderClock.wallNanos(), 0, chunkName(c.seq()));
        index.append(e);
        lostAtChunkOpen += e.lostPackets();
        retention.charge(ENTRY_LENGTH);
        retention.sealed(capture, e);
        chunk = null;
        HeadState h = head;
        head = new HeadState(h.state(), h.generation(), c.seq() + 1, e.nextPacketSeq(), e.streamEnd(), 0, 0, 0, 0, 0, 0,
                h.ringPosition(), h.ringSequence(), h.ringLost(), h.updatedAtNanos(), h.pid(), 0);
        writeHead(STATE_RECORDING);
        sealedCounter.increment();
        LOG.debug("capture {}: sealed {} ({} packets, {} bytes)", capture.name(), e.name(), e.packets(), e.bytes());
    }

    /** Asks {@link #run()} to finish; returns at once (safe from a signal handler thread). */
    public void stop() {
        stopRequested = true;
    }

    /** Packets recorded by this recorder so far (any thread). */
    public long packetsRecorded() {
        return packetsRecorded.get();
    }

    public CaptureDir capture() {
        return capture;
    }

    public RingReader reader() {
        return reader;
    }

    public Retention retention() {
        return retention;
    }

    /** Seals the open chunk (an empty one is removed), marks the capture finished, releases the lock. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (chunk != null) {
                if (chunk.packets() > 0) {
                    seal();
                } else {
                    chunk.close();
                    Files.deleteIfExists(chunk.file());
                    chunk = null;
                }
            }
            countRingLoss();
            writeHead(STATE_FINISHED);
            headFile.sync();
            LOG.info("capture {}: recording stopped: {} packets recorded by this run, {} lost to ring laps, {} dropped"
                            + " for lack of space, {} chunks sealed", capture.name(), packetsRecorded.get(), lostReported,
                    droppedCounter.get(), sealedCounter.get());
        } finally {
            reader.close();
            closeQuietly(index);
            closeQuietly(headFile);
            lock.close();
        }
    }

    static HeadState withState(HeadState h, int state) {
        return new HeadState(state, h.generation(), h.openChunkSeq(), h.openFirstPacketSeq(), h.openStreamOffset(),
                h.visibleLength(), h.visiblePackets(), h.firstTs(), h.lastTs(), h.minTs(), h.maxTs(), h.ringPosition(),
                h.ringSequence(), h.ringLost(), RecorderClock.wallNanos(), h.pid(), h.openLost());
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // closing after a failure: the first exception matters
        }
    }
}
