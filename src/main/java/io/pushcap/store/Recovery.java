package io.pushcap.store;

import io.pushcap.metrics.MetricsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

import static io.pushcap.store.StoreDescriptor.*;

/**
 * Brings a capture whose recorder died back to a consistent state, before anyone records into it
 * again: cuts a torn index entry; indexes a chunk that was renamed into place but not indexed;
 * and seals the open chunk after truncating it to what the head made visible (the records after
 * it were never seen by readers, and the ring still has them unless it overwrote them). If the
 * chunk holds less than the head says (a power cut lost written data), the chunk is cut at its
 * last valid record and the missing packets are counted lost.
 *
 * <p>The result says where the ring reader stood after the last kept record, when that is
 * exactly known: a recorder continuing the capture resumes there, so nothing is recorded twice
 * and what the ring overwrote meanwhile is counted exactly by the ring reader.
 *
 * <p><b>Note:</b> the caller holds the capture's lock. Idempotent: recovering a consistent
 * capture changes nothing. Counters: {@code pushcap_store_recovery_truncated_bytes_total},
 * {@code pushcap_store_recovery_lost_packets_total}, {@code pushcap_store_recovery_chunks_total}.
 */
final class Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    /**
     * @param head         the head after recovery (open chunk = next chunk, nothing visible)
     * @param ringExact    true when head.ringPosition/ringSequence are exactly after the last kept record
     * @param truncated    bytes cut off (torn index entry and chunk tails)
     * @param lostPackets  packets the head had made visible that the disk no longer holds
     * @param chunks       chunks sealed or indexed by recovery
     */
    record Result(HeadState head, boolean ringExact, long truncated, long lostPackets, int chunks) {
        boolean changedAnything() {
            return truncated > 0 || lostPackets > 0 || chunks > 0;
        }
    }

    private Recovery() {
    }

    static Result recover(CaptureDir cap, ChunkIndex index, HeadFile headFile) throws IOException {
        HeadState h = headFile.readOrNull();
        long truncated = index.tornBytes();
        long lost = 0;
        int chunks = 0;
        int flags = FLAG_RECOVERED;
        boolean ringExact = h != null;
        ChunkEntry last = index.last();
        long seq = last == null ? 1 : last.seq() + 1;
        long firstPacket = last == null ? 0 : last.nextPacketSeq();
        long stream = last == null ? 0 : last.streamEnd();
        // A chunk renamed into place whose entry was not appended (or was torn).
        while (Files.exists(cap.chunk(seq))) {
            boolean headKnowsIt = h != null && h.openChunkSeq() == seq;
            ChunkScan scan = ChunkScan.of(cap.chunk(seq), Long.MAX_VALUE);
            ringExact = headKnowsIt && scan.validEnd() == h.visibleLength() && scan.tornBytes() == 0;
            truncated += cut(cap.chunk(seq), scan);
            ChunkEntry e = entry(seq, firstPacket, stream, scan, headKnowsIt ? h.openLost() : 0,
                    flags | (scan.tornBytes() > 0 ? FLAG_TRUNCATED : 0));
            index.append(e);
            chunks++;
            seq++;
            firstPacket = e.nextPacketSeq();
            stream = e.streamEnd();
        }
        Path pending = cap.pending(seq);
        if (Files.exists(pending)) {
            boolean headKnowsIt = h != null && h.openChunkSeq() == seq;
            long limit = headKnowsIt ? h.visibleLength() : Long.MAX_VALUE;
            ChunkScan scan = ChunkScan.of(pending, limit);
            if (headKnowsIt && scan.validEnd() < h.visibleLength()) {
                lost = h.visiblePackets() - scan.packets();
                ringExact = false;
            } else if (!headKnowsIt) {
                ringExact = false;
            }
            truncated += Math.max(0, scan.fileSize() - Math.max(scan.validEnd(), 0));
            if (scan.packets() > 0) {
                truncate(pending, scan.validEnd());
                Files.move(pending, cap.chunk(seq), StandardCopyOption.ATOMIC_MOVE);
                Durable.syncDirectory(cap.dir());
                ChunkEntry e = entry(seq, firstPacket, stream, scan, (headKnowsIt ? h.openLost() : 0) + lost,
                        flags | (scan.fileSize() > scan.validEnd() ? FLAG_TRUNCATED : 0));
                index.append(e);
                chunks++;
                seq++;
                firstPacket = e.nextPacketSeq();
                stream = e.streamEnd();
            } else {
                Files.delete(pending);
            }
        }
        long ringLost = h == null ? 0 : h.ringLost();
        HeadState after = new HeadState(h == null ? STATE_RECORDING : h.state(), 0, seq, firstPacket, stream, 0, 0, 0, 0,
                0, 0, ringExact ? h.ringPosition() : -1, ringExact ? h.ringSequence() : -1, ringLost,
                RecorderClock.wallNanos(), h == null ? 0 : h.pid(), 0);
        if (h == null || chunks > 0 || !sameOpenChunk(h, after)) {
            after = headFile.write(after);
        } else {
            after = h;
        }
        Result r = new Result(after, ringExact, truncated, lost, chunks);
        if (h == null || !h.finished() || r.changedAnything()) {
            count(cap, r);
        }
        return r;
    }

    private static boolean sameOpenChunk(HeadState a, HeadState b) {
        return a.openChunkSeq() == b.openChunkSeq() && a.visibleLength() == 0 && a.openFirstPacketSeq() == b.openFirstPacketSeq();
    }

    private static long cut(Path file, ChunkScan scan) throws IOException {
        if (scan.tornBytes() > 0) {
            truncate(file, scan.validEnd());
        }
        return scan.tornBytes();
    }

    private static void truncate(Path file, long length) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            if (ch.size() > length) {
                ch.truncate(length);
            }
            ch.force(true);
        }
    }

    private static ChunkEntry entry(long seq, long firstPacket, long stream, ChunkScan s, long lost, int flags) {
        return new ChunkEntry(seq, firstPacket, stream, s.packets(), s.validEnd(), s.firstTs(), s.lastTs(), s.minTs(),
                s.maxTs(), lost, RecorderClock.wallNanos(), flags, chunkName(seq));
    }

    private static void count(CaptureDir cap, Result r) {
        MetricsRegistry m = MetricsRegistry.global();
        String labels = MetricsRegistry.labels("capture", cap.name());
        m.counter("pushcap_store_recovery_truncated_bytes_total", "Bytes recovery cut off torn chunk tails and index entries",
                labels).add(r.truncated());
        m.counter("pushcap_store_recovery_lost_packets_total",
                "Packets that had been visible in an open chunk but were not on disk after a crash", labels)
                .add(r.lostPackets());
        m.counter("pushcap_store_recovery_chunks_total", "Chunks sealed or indexed by crash recovery", labels).add(r.chunks());
        LOG.warn("capture {}: recovered after an unclean stop: {} chunk(s) sealed, {} bytes of torn tail cut{}{}",
                cap.name(), r.chunks(), r.truncated(),
                r.lostPackets() > 0 ? ", " + r.lostPackets() + " packets lost (they were not on disk)" : "",
                r.ringExact() ? "; the ring can be resumed exactly after the last kept packet" : "");
    }
}
