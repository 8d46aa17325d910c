package io.pushcap.store;

import io.pushcap.pcap.Packet;
import io.pushcap.pcap.PcapDescriptor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads one chunk file up to a readable limit that may grow (the open chunk) through a read-only
 * mapping of the part not yet read, remapped when the limit moves past it. The file stays open,
 * so the chunk can still be read to its end after the recorder renamed it or retention deleted it.
 *
 * <p><b>Note:</b> not thread-safe. Packets are views into the mapping, valid until the next call
 * of {@link #next(Packet, int)} (which may remap). Only bytes below the limit are ever touched, so
 * a recorder appending meanwhile is never seen half-way.
 */
final class ChunkReader implements AutoCloseable {
    private final Path file;
    private final long seq;
    private final FileChannel ch;
    private Arena arena;
    private MemorySegment map = MemorySegment.NULL;
    private long mapStart;
    private long limit;
    private long position = PcapDescriptor.FILE_HEADER_LENGTH;
    private boolean swapped;
    private boolean headerChecked;
    private long lastRecordLength;

    private ChunkReader(Path file, long seq, FileChannel ch) {
        this.file = file;
        this.seq = seq;
        this.ch = ch;
    }

    /** Opens a chunk file; {@link java.nio.file.NoSuchFileException} when it is gone. */
    static ChunkReader open(Path file, long seq) throws IOException {
        return new ChunkReader(file, seq, FileChannel.open(file, StandardOpenOption.READ));
    }

    long seq() {
        return seq;
    }

    long limit() {
        return limit;
    }

    long position() {
        return position;
    }

    /** Length of the record the last {@link #next(Packet, int)} returned. */
    long lastRecordLength() {
        return lastRecordLength;
    }

    /** Raises the readable limit (a record boundary). */
    void limit(long newLimit) {
        if (newLimit > limit) {
            limit = newLimit;
        }
    }

    void seek(long offset) {
        if (offset < PcapDescriptor.FILE_HEADER_LENGTH || offset > Math.max(limit, PcapDescriptor.FILE_HEADER_LENGTH)) {
            throw new StoreFormatException(file + ": position " + offset + " is outside the chunk (readable: "
                    + PcapDescriptor.FILE_HEADER_LENGTH + ".." + limit + ")");
        }
        position = offset;
    }

    /** The next record below the limit, as a view; false at the limit. */
    boolean next(Packet p, int linkType) throws IOException {
        if (position + PcapDescriptor.RECORD_HEADER_LENGTH > limit) {
            return false;
        }
        if (!headerChecked) {
            checkHeader();
        }
        if (position < mapStart || position + PcapDescriptor.RECORD_HEADER_LENGTH > mapStart + map.byteSize()) {
            remap();
        }
        long at = position - mapStart;
        long len = ChunkFormat.recordLength(map, at, Math.min(limit, mapStart + map.byteSize()) - mapStart, swapped);
        if (len < 0 && mapStart + map.byteSize() < limit) {
            remap();
            at = position - mapStart;
            len = ChunkFormat.recordLength(map, at, limit - mapStart, swapped);
        }
        if (len < 0) {
            throw new StoreFormatException(file + ": corrupt record at offset " + position + " below the readable limit "
                    + limit);
        }
        int caplen = (int) (len - PcapDescriptor.RECORD_HEADER_LENGTH);
        int wirelen = ChunkFormat.i32(map, at + PcapDescriptor.WIRELEN_OFFSET, swapped);
        p.set(map, at + PcapDescriptor.RECORD_HEADER_LENGTH, caplen, wirelen, ChunkFormat.timestamp(map, at, swapped),
                linkType, 0);
        position += len;
        lastRecordLength = len;
        return true;
    }

    private void checkHeader() throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment h = ch.map(FileChannel.MapMode.READ_ONLY, 0, PcapDescriptor.FILE_HEADER_LENGTH, a);
            swapped = ChunkFormat.checkFileHeader(h, file.toString());
        }
        headerChecked = true;
    }

    private void remap() throws IOException {
        Arena old = arena;
        arena = Arena.ofShared();
        mapStart = position;
        map = ch.map(FileChannel.MapMode.READ_ONLY, mapStart, limit - mapStart, arena);
        if (old != null) {
            old.close();
        }
    }

    @Override
    public void close() throws IOException {
        try {
            ch.close();
        } finally {
            if (arena != null) {
                arena.close();
                arena = null;
            }
        }
    }
}
