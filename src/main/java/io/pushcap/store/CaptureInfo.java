package io.pushcap.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A summary of one capture for {@code pushcap captures}, and its chunk files for
 * {@code push --offline NAME}, read from its metadata, index and head (no chunk is scanned).
 *
 * <p><b>Note:</b> immutable snapshot.
 *
 * @param state           "recording" (a recorder holds its lock), "finished", or "interrupted"
 *                        (its recorder died; the next {@code record} recovers it)
 * @param chunks          chunk files present (sealed, plus the open one when it has packets)
 * @param packets         packets in those chunks (the open one up to its visible end)
 * @param bytes           bytes of those chunk files
 * @param firstTs         oldest packet time still stored (0 when empty)
 * @param lastTs          newest packet time
 * @param lostPackets     packets lost while recording (ring laps, crash recovery)
 * @param deletedChunks   chunks retention deleted
 * @param deletedPackets  packets in them
 * @param sealed          the sealed chunk files still present, in sequence (= time) order
 */
public record CaptureInfo(String name, String ring, long createdNanos, String state, int linkType, long chunks,
                          long packets, long bytes, long firstTs, long lastTs, long lostPackets, long deletedChunks,
                          long deletedPackets, List<Path> sealed) {

    public static CaptureInfo read(CaptureDir cap) throws IOException {
        CaptureMeta meta = CaptureMeta.read(cap.meta());
        boolean recording = cap.recording();
        List<Path> files = new ArrayList<>();
        long chunks = 0;
        long packets = 0;
        long bytes = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        long lost = 0;
        long deletedChunks = 0;
        long deletedPackets = 0;
        int linkType;
        HeadState h;
        try (ChunkIndex idx = ChunkIndex.openReadOnly(cap.index()); HeadFile head = HeadFile.openReadOnly(cap.head())) {
            h = head.read();
            idx.refresh();
            linkType = idx.linkType();
            for (ChunkEntry e : idx.entries()) {
                lost += e.lostPackets();
                Path f = cap.dir().resolve(e.name());
                if (!Files.exists(f)) {
                    deletedChunks++;
                    deletedPackets += e.packets();
                    continue;
                }
                files.add(f);
                chunks++;
                packets += e.packets();
                bytes += e.bytes();
                first = Math.min(first, e.minTs());
                last = Math.max(last, e.maxTs());
            }
        }
        if (h.visiblePackets() > 0) {
            chunks++;
            packets += h.visiblePackets();
            bytes += h.visibleLength();
            first = Math.min(first, h.minTs());
            last = Math.max(last, h.maxTs());
        }
        lost += h.openLost();
        String state = recording ? "recording" : h.finished() ? "finished" : "interrupted";
        return new CaptureInfo(cap.name(), meta.ring(), meta.createdNanos(), state, linkType, chunks, packets, bytes,
                chunks == 0 ? 0 : first, chunks == 0 ? 0 : last, lost, deletedChunks, deletedPackets, List.copyOf(files));
    }

    /**
     * The sealed chunks of {@code cap} that may hold packets in [fromNs, toNs], from the index
     * alone: no chunk is read to find a time range.
     */
    public static List<ChunkEntry> chunksBetween(CaptureDir cap, long fromNs, long toNs) throws IOException {
        try (ChunkIndex idx = ChunkIndex.openReadOnly(cap.index())) {
            return idx.entries().stream().filter(e -> e.overlaps(fromNs, toNs))
                    .filter(e -> Files.exists(cap.dir().resolve(e.name()))).toList();
        }
    }
}
