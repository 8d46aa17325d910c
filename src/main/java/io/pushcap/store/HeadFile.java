package io.pushcap.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

import static io.pushcap.store.StoreDescriptor.*;

/**
 * A capture's {@code head} file: two checksummed slots written alternately (layout in
 * {@link StoreDescriptor}), so a reader always finds a whole state, one generation old at worst,
 * whatever moment it reads or the writer crashed.
 *
 * <p><b>Note:</b> not thread-safe. One writer (the recorder) and any number of readers, in any
 * processes. {@link #write(HeadState)} is a single positioned write, not fsynced: the head is what
 * live readers and a restarted recorder use to go fast and exactly; after a power cut, recovery
 * checks the open chunk's records anyway. The file stays open; a reader pays one pread per
 * {@link #read()}.
 */
public final class HeadFile implements AutoCloseable {
    private final Path path;
    private final FileChannel ch;
    private final ByteBuffer buffer = ByteBuffer.allocate(HEAD_FILE_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer slot = ByteBuffer.allocate(HEAD_SLOT_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    private long generation;

    private HeadFile(Path path, FileChannel ch) {
        this.path = path;
        this.ch = ch;
    }

    /** Writes a new head holding {@code initial} atomically (pending file, fsync, rename). */
    public static void create(Path path, HeadState initial) throws IOException {
        Path pending = path.resolveSibling(path.getFileName() + PENDING_SUFFIX);
        try (FileChannel c = FileChannel.open(pending, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer all = ByteBuffer.allocate(HEAD_FILE_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            HeadState s = withGeneration(initial, 1);
            all.put(encode(s));
            all.clear();
            while (all.hasRemaining()) {
                c.write(all);
            }
            c.force(true);
        }
        Files.move(pending, path, StandardCopyOption.ATOMIC_MOVE);
        Durable.syncDirectory(path.toAbsolutePath().getParent());
    }

    public static HeadFile openReadOnly(Path path) throws IOException {
        return open(path, false);
    }

    /** Opens for writing; the next write continues after the newest valid generation. */
    public static HeadFile openForWrite(Path path) throws IOException {
        HeadFile h = open(path, true);
        HeadState s = h.readOrNull();
        h.generation = s == null ? 0 : s.generation();
        return h;
    }

    private static HeadFile open(Path path, boolean write) throws IOException {
        try {
            return new HeadFile(path, write ? FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)
                    : FileChannel.open(path, StandardOpenOption.READ));
        } catch (NoSuchFileException e) {
            throw new StoreFormatException(path + ": capture head is missing");
        }
    }

    /** Writes {@code s} with the next generation into the slot not holding the current one. */
    public HeadState write(HeadState s) throws IOException {
        long g = generation + 1;
        HeadState w = withGeneration(s, g);
        slot.clear();
        encodeInto(w, slot);
        slot.clear();
        long at = (g & 1) == 1 ? 0 : HEAD_SLOT_STRIDE;
        while (slot.hasRemaining()) {
            at += ch.write(slot, at);
        }
        generation = g;
        return w;
    }

    /** Forces the head to disk (at clean close, so a finished capture says so after a power cut). */
    public void sync() throws IOException {
        ch.force(false);
    }

    /** The newest whole state. */
    public HeadState read() throws IOException {
        HeadState s = readOrNull();
        if (s == null) {
            throw new StoreFormatException(path + ": corrupt capture head (no slot with a valid checksum)");
        }
        return s;
    }

    /** The newest whole state, or null when no slot is valid (both torn: only after disk corruption). */
    public HeadState readOrNull() throws IOException {
        buffer.clear();
        int n = ChunkIndex.readFully(ch, buffer, 0);
        HeadState a = n >= HEAD_SLOT_LENGTH ? decode(buffer, 0) : null;
        HeadState b = n >= HEAD_SLOT_STRIDE + HEAD_SLOT_LENGTH ? decode(buffer, HEAD_SLOT_STRIDE) : null;
        if (a == null) {
            return b;
        }
        return b == null || a.generation() > b.generation() ? a : b;
    }

    private HeadState decode(ByteBuffer b, int at) {
        long magic = b.getLong(at + H_MAGIC);
        if (magic == 0) {
            return null;
        }
        if (magic != HEAD_MAGIC) {
            throw new StoreFormatException(path + ": not a pushcap capture head (magic '" + ChunkIndex.ascii(b, at, 8)
                    + "', expected 'PUSHCAPH')");
        }
        if (ChunkIndex.crc(b.array(), at, at + H_CRC) != b.getInt(at + H_CRC)) {
            return null;
        }
        int version = b.getInt(at + H_VERSION);
        if (version != VERSION) {
            throw new StoreFormatException(path + ": capture head version " + version + ", but this pushcap reads version "
                    + VERSION + " only (use the pushcap that recorded it)");
        }
        return new HeadState(b.getInt(at + H_STATE), b.getLong(at + H_GENERATION), b.getLong(at + H_OPEN_CHUNK_SEQ),
                b.getLong(at + H_OPEN_FIRST_PACKET_SEQ), b.getLong(at + H_OPEN_STREAM_OFFSET),
                b.getLong(at + H_VISIBLE_LENGTH), b.getLong(at + H_VISIBLE_PACKETS), b.getLong(at + H_FIRST_TS),
                b.getLong(at + H_LAST_TS), b.getLong(at + H_MIN_TS), b.getLong(at + H_MAX_TS),
                b.getLong(at + H_RING_POSITION), b.getLong(at + H_RING_SEQUENCE), b.getLong(at + H_RING_LOST),
                b.getLong(at + H_UPDATED_AT), b.getLong(at + H_PID), b.getLong(at + H_OPEN_LOST));
    }

    static byte[] encode(HeadState s) {
        ByteBuffer b = ByteBuffer.allocate(HEAD_SLOT_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        encodeInto(s, b);
        return b.array();
    }

    private static void encodeInto(HeadState s, ByteBuffer b) {
        b.putLong(H_MAGIC, HEAD_MAGIC);
        b.putInt(H_VERSION, VERSION);
        b.putInt(H_STATE, s.state());
        b.putLong(H_GENERATION, s.generation());
        b.putLong(H_OPEN_CHUNK_SEQ, s.openChunkSeq());
        b.putLong(H_OPEN_FIRST_PACKET_SEQ, s.openFirstPacketSeq());
        b.putLong(H_OPEN_STREAM_OFFSET, s.openStreamOffset());
        b.putLong(H_VISIBLE_LENGTH, s.visibleLength());
        b.putLong(H_VISIBLE_PACKETS, s.visiblePackets());
        b.putLong(H_FIRST_TS, s.firstTs());
        b.putLong(H_LAST_TS, s.lastTs());
        b.putLong(H_MIN_TS, s.minTs());
        b.putLong(H_MAX_TS, s.maxTs());
        b.putLong(H_RING_POSITION, s.ringPosition());
        b.putLong(H_RING_SEQUENCE, s.ringSequence());
        b.putLong(H_RING_LOST, s.ringLost());
        b.putLong(H_UPDATED_AT, s.updatedAtNanos());
        b.putLong(H_PID, s.pid());
        b.putLong(H_OPEN_LOST, s.openLost());
        for (int i = H_OPEN_LOST + 8; i < H_CRC; i++) {
            b.put(i, (byte) 0);
        }
        byte[] arr = b.array();
        b.putInt(H_CRC, ChunkIndex.crc(arr, b.arrayOffset(), b.arrayOffset() + H_CRC));
    }

    private static HeadState withGeneration(HeadState s, long g) {
        return new HeadState(s.state(), g, s.openChunkSeq(), s.openFirstPacketSeq(), s.openStreamOffset(),
                s.visibleLength(), s.visiblePackets(), s.firstTs(), s.lastTs(), s.minTs(), s.maxTs(), s.ringPosition(),
                s.ringSequence(), s.ringLost(), s.updatedAtNanos(), s.pid(), s.openLost());
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
