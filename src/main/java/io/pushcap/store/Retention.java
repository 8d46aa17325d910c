package io.pushcap.store;

import io.pushcap.metrics.Counter;
import io.pushcap.metrics.MetricsRegistry;
import io.pushcap.ring.ByteSizes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Keeps a store within its {@link RetentionLimits} by deleting sealed chunks, oldest data first
 * across all captures of the store: the next chunk to go is, among the oldest remaining chunk of
 * each capture, the one whose oldest packet is oldest. Within a capture chunks go in sequence
 * order, so a capture always loses a prefix. Open chunks are never deleted. A finished capture
 * that has lost all its chunks is removed.
 *
 * <p>Nothing is remembered between runs: at {@link #start()} the usage is recomputed from the
 * disk (the size of every file of the store) and the candidates from the captures' indexes, and
 * the limits are enforced at once, before the recorder writes anything. While recording, every
 * record is charged against an allowance before it is buffered; when the allowance runs out the
 * store is rescanned (under the store's lock, so concurrent recorders do not both delete) and
 * chunks are deleted until the record fits. Each deletion is counted, logged and appended to
 * {@code retention.log}.
 *
 * <p><b>Note:</b> not thread-safe (the recorder's thread). Another recorder writing to the same
 * store is noticed at the next rescan (at least every 10 s); until then its growth is not
 * charged here. Usage is the apparent size of files; the free-space limit keeps a margin of
 * 64 KiB for block rounding.
 */
public final class Retention {
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    static final long FREE_MARGIN = 64 << 10;
    private static final long RESCAN_NANOS = 10_000_000_000L;
    private static final long REFRESH_NANOS = 1_000_000_000L;

    private record Candidate(CaptureDir capture, ChunkEntry entry, long size) {
    }

    private final Store store;
    private final RetentionLimits limits;
    private final LongSupplier clock;
    private final LongSupplier unflushed;
    private final FileStore fileStore;
    private final Map<String, ArrayDeque<Candidate>> candidates = new TreeMap<>();
    private final Counter deletedChunks;
    private final Counter deletedBytes;
    private final Counter deletedPackets;
    private final Counter deletedChunksFree;
    private final Counter deletedBytesFree;
    private final Counter deletedPacketsFree;
    private long usage;
    private long allowance;
    private long lastScanNanos;
    private long lastRefreshNanos;

    /**
     * @param clock     monotonic nanoseconds (System::nanoTime, or a test's)
     * @param unflushed bytes the caller has charged but not yet written (its buffer), so a rescan
     *                  of the disk does not forget them
     */
    public Retention(Store store, RetentionLimits limits, LongSupplier clock, LongSupplier unflushed) throws IOException {
        this.store = store;
        this.limits = limits;
        this.clock = clock;
        this.unflushed = unflushed;
        this.fileStore = Files.getFileStore(store.dir());
        MetricsRegistry m = MetricsRegistry.global();
        String dir = store.dir().toString();
        String help = "Chunks retention deleted to keep the store within its limits";
        deletedChunks = m.counter("pushcap_store_retention_deleted_chunks_total", help,
                MetricsRegistry.labels("store", dir, "reason", "max_bytes"));
        deletedChunksFree = m.counter("pushcap_store_retention_deleted_chunks_total", help,
                MetricsRegistry.labels("store", dir, "reason", "min_free"));
        String helpBytes = "Bytes of chunks retention deleted";
        deletedBytes = m.counter("pushcap_store_retention_deleted_bytes_total", helpBytes,
                MetricsRegistry.labels("store", dir, "reason", "max_bytes"));
        deletedBytesFree = m.counter("pushcap_store_retention_deleted_bytes_total", helpBytes,
                MetricsRegistry.labels("store", dir, "reason", "min_free"));
        String helpPackets = "Packets in chunks retention deleted";
        deletedPackets = m.counter("pushcap_store_retention_deleted_packets_total", helpPackets,
                MetricsRegistry.labels("store", dir, "reason", "max_bytes"));
        deletedPacketsFree = m.counter("pushcap_store_retention_deleted_packets_total", helpPackets,
                MetricsRegistry.labels("store", dir, "reason", "min_free"));
        m.gauge("pushcap_store_usage_bytes", "Bytes in the store's files, as retention accounts them",
                MetricsRegistry.labels("store", dir), () -> usage);
        String sl = MetricsRegistry.labels("store", dir);
        m.gauge("pushcap_store_max_bytes", "The store's MaxBytes limit (no sample without one)", sl,
                () -> limits.maxBytes() > 0 ? limits.maxBytes() : MetricsRegistry.ABSENT);
        m.gauge("pushcap_store_min_free_bytes", "The store's MinFree limit (no sample without one)", sl,
                () -> limits.minFreeBytes() > 0 ? limits.minFreeBytes() : MetricsRegistry.ABSENT);
        // Free and total space of the store's file system, so alerts see it filling (other writers included).
        m.gauge("pushcap_store_filesystem_avail_bytes", "Bytes available to pushcap on the store's file system", sl,
                () -> space(FileStore::getUsableSpace));
        m.gauge("pushcap_store_filesystem_size_bytes", "Size of the store's file system", sl,
                () -> space(FileStore::getTotalSpace));
    }

    private long space(SpaceQuery q) {
        try {
            return q.bytes(fileStore);
        } catch (IOException e) {
            return MetricsRegistry.ABSENT;
        }
    }

    @FunctionalInterface
    private interface SpaceQuery {
        long bytes(FileStore f) throws IOException;
    }

    /** Recomputes usage from disk and enforces the limits now. */
    public void start() throws IOException, InterruptedException {
        try (FileLocks.Held l = FileLocks.lock(store.lockFile())) {
            rescan();
            enforce(0);
        }
        LOG.info("store {}: {} in {} sealed chunks of {} captures{}", store.dir(), ByteSizes.format(usage),
                candidates.values().stream().mapToInt(ArrayDeque::size).sum(), candidates.size(), describeLimits());
    }

    private String describeLimits() {
        if (!limits.any()) {
            return "; no retention limits";
        }
        return "; limits: " + (limits.maxBytes() > 0 ? "max " + ByteSizes.format(limits.maxBytes()) : "")
                + (limits.maxBytes() > 0 && limits.minFreeBytes() > 0 ? ", " : "")
                + (limits.minFreeBytes() > 0 ? "min free " + ByteSizes.format(limits.minFreeBytes())
                + " (free now " + ByteSizes.format(usable()) + ")" : "");
    }

    /**
     * Charges {@code bytes} about to be buffered for writing.
     *
     * @return false when the limits cannot be met even after deleting every deletable chunk (the
     *         caller drops the data and counts it)
     */
    public boolean reserve(long bytes) throws IOException, InterruptedException {
        if (bytes <= allowance) {
            allowance -= bytes;
            usage += bytes;
            return true;
        }
        try (FileLocks.Held l = FileLocks.lock(store.lockFile())) {
            if (clock.getAsLong() - lastScanNanos >= REFRESH_NANOS) {
                rescan();
            }
            if (!enforce(bytes)) {
                return false;
            }
        }
        allowance -= bytes;
        usage += bytes;
        return true;
    }

    /** Gives back a charge whose data was not written after all. */
    public void release(long bytes) {
        allowance += bytes;
        usage -= bytes;
    }

    /** Charges bytes that are written whatever the limits say (index entries). */
    public void charge(long bytes) {
        allowance -= bytes;
        usage += bytes;
    }

    /** A chunk was sealed: it may be deleted from now on. */
    public void sealed(CaptureDir capture, ChunkEntry entry) {
        candidates.computeIfAbsent(capture.name(), k -> new ArrayDeque<>()).add(new Candidate(capture, entry, entry.bytes()));
    }

    /** Called now and then (each flush): notices others' growth and free-space changes. */
    public void tick() {
        long now = clock.getAsLong();
        if (limits.any() && now - lastRefreshNanos >= REFRESH_NANOS) {
            lastRefreshNanos = now;
            allowance = Math.min(allowance, room());
            if (now - lastScanNanos >= RESCAN_NANOS) {
                allowance = 0; // the next reserve rescans under the lock
            }
        }
    }

    /** Deletes oldest chunks until {@code bytes} more fit; sets the allowance. */
    private boolean enforce(long bytes) throws IOException {
        if (!limits.any()) {
            allowance = Long.MAX_VALUE / 2;
            return true;
        }
        while (true) {
            long underMax = roomUnderMax();
            long free = roomFree();
            if (Math.min(underMax, free) >= bytes) {
                allowance = Math.min(underMax, free) - bytes;
                return true;
            }
            Candidate c = oldest();
            if (c == null) {
                allowance = 0;
                return false;
            }
            delete(c, underMax < bytes ? "max_bytes" : "min_free");
        }
    }

    /** Bytes that may still be written within both limits. */
    private long room() {
        return Math.min(roomUnderMax(), roomFree());
    }

    private long roomUnderMax() {
        return limits.maxBytes() > 0 ? limits.maxBytes() - usage : Long.MAX_VALUE / 2;
    }

    private long roomFree() {
        return limits.minFreeBytes() > 0
                ? usable() - unflushed.getAsLong() - limits.minFreeBytes() - FREE_MARGIN : Long.MAX_VALUE / 2;
    }

    private long usable() {
        try {
            return fileStore.getUsableSpace();
        } catch (IOException e) {
            return Long.MAX_VALUE / 4;
        }
    }

    private Candidate oldest() {
        Candidate best = null;
        for (ArrayDeque<Candidate> q : candidates.values()) {
            Candidate c = q.peekFirst();
            if (c != null && (best == null || c.entry().minTs() < best.entry().minTs()
                    || (c.entry().minTs() == best.entry().minTs() && c.entry().sealedAtNanos() < best.entry().sealedAtNanos()))) {
                best = c;
            }
        }
        return best;
    }

    private void delete(Candidate c, String reason) throws IOException {
        ArrayDeque<Candidate> q = candidates.get(c.capture().name());
        q.removeFirst();
        Path file = c.capture().dir().resolve(c.entry().name());
        boolean deleted;
        try {
            deleted = Files.deleteIfExists(file);
        } catch (NoSuchFileException e) {
            deleted = false;
        }
        if (deleted) {
            usage -= c.size();
            boolean max = reason.equals("max_bytes");
            (max ? deletedChunks : deletedChunksFree).increment();
            (max ? deletedBytes : deletedBytesFree).add(c.size());
            (max ? deletedPackets : deletedPacketsFree).add(c.entry().packets());
            String line = Instant.now() + " delete " + c.capture().name() + "/" + c.entry().name() + " bytes=" + c.size()
                    + " packets=" + c.entry().packets() + " first_ns=" + c.entry().minTs() + " last_ns=" + c.entry().maxTs()
                    + " reason=" + reason + " usage=" + usage + " free=" + usable() + "\n";
            appendLog(line);
            LOG.info("store {}: retention ({}) deleted {}/{} ({}, {} packets); store now {}", store.dir(),
                    reason.replace('_', '-'), c.capture().name(), c.entry().name(), ByteSizes.format(c.size()),
                    c.entry().packets(), ByteSizes.format(usage));
        }
        if (q.isEmpty()) {
            candidates.remove(c.capture().name());
            removeIfEmptyAndFinished(c.capture());
        }
    }

    private void appendLog(String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        try {
            Files.write(store.retentionLog(), b, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            usage += b.length;
        } catch (IOException e) {
            LOG.warn("store {}: cannot append to {}: {}", store.dir(), store.retentionLog(), e.getMessage());
        }
    }

    /** A finished capture (not being recorded) without chunks is removed with its metadata. */
    private void removeIfEmptyAndFinished(CaptureDir cap) throws IOException {
        if (cap.recording()) {
            return;
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(cap.dir())) {
            files = s.toList();
        } catch (NoSuchFileException e) {
            return;
        }
        boolean anyData = files.stream().map(p -> p.getFileName().toString())
                .anyMatch(n -> n.endsWith(StoreDescriptor.CHUNK_SUFFIX) || n.endsWith(StoreDescriptor.PENDING_SUFFIX));
        HeadState h;
        try (HeadFile head = HeadFile.openReadOnly(cap.head())) {
            h = head.readOrNull();
        } catch (RuntimeException e) {
            return;
        }
        if (anyData || h == null || !h.finished()) {
            return;
        }
        long freed = 0;
        for (Path f : files) {
            freed += Files.size(f);
            Files.deleteIfExists(f);
        }
        Files.deleteIfExists(cap.dir());
        usage -= freed;
        LOG.info("store {}: capture {} had all its chunks deleted by retention and is removed", store.dir(), cap.name());
        appendLog(Instant.now() + " remove " + cap.name() + " (finished, no chunks left)\n");
    }

    /** Usage and candidates from the disk. */
    private void rescan() throws IOException {
        long total = 0;
        candidates.clear();
        if (Files.isDirectory(store.dir())) {
            try (Stream<Path> s = Files.walk(store.dir(), 2)) {
                for (Path p : s.toList()) {
                    try {
                        if (Files.isRegularFile(p)) {
                            total += Files.size(p);
                        }
                    } catch (NoSuchFileException gone) {
                        // deleted while walking
                    }
                }
            }
        }
        for (CaptureDir cap : store.captures()) {
            List<Candidate> list = new ArrayList<>();
            try (ChunkIndex idx = ChunkIndex.openReadOnly(cap.index())) {
                for (ChunkEntry e : idx.entries()) {
                    Path f = cap.dir().resolve(e.name());
                    if (Files.exists(f)) {
                        list.add(new Candidate(cap, e, Files.size(f)));
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("store {}: capture {}: index unreadable, its chunks are not deleted by retention: {}",
                        store.dir(), cap.name(), e.getMessage());
            }
            if (!list.isEmpty()) {
                candidates.put(cap.name(), new ArrayDeque<>(list));
            }
        }
        usage = total + unflushed.getAsLong();
        lastScanNanos = clock.getAsLong();
        lastRefreshNanos = lastScanNanos;
    }

    /** Bytes of the store as accounted now. */
    public long usage() {
        return usage;
    }

    public RetentionLimits limits() {
        return limits;
    }
}
