package io.pushcap.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.CRC32C;

import static io.pushcap.store.StoreDescriptor.*;

/**
 * A capture's {@code index} file (layout in {@link StoreDescriptor}): its header and the entries
 * of every chunk sealed so far, in sequence order.
 *
 * <p><b>Note:</b> not thread-safe. One process appends (the recorder, holding the capture's
 * lock); any number read. A reader may find the last entry half-written (the writer is appending
 * now): it stops before it and picks it up on a later {@link #refresh()}. A bad entry anywhere
 * else is corruption and an error naming the file. Opening for append cuts a torn last entry off
 * (see {@link #tornBytes()}); the caller rebuilds it from the chunk file.
 */
public final class ChunkIndex implements AutoCloseable {
    private final Path path;
    private final FileChannel ch;
    private final int linkType;
    private final int snaplen;
    private final long createdNanos;
    private final List<ChunkEntry> entries = new ArrayList<>();
    private final ByteBuffer entryBuffer = ByteBuffer.allocate(ENTRY_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    private long validLength = INDEX_HEADER_LENGTH;
    private long tornBytes;

    private ChunkIndex(Path path, FileChannel ch, ByteBuffer header) {
        this.path = path;
        this.ch = ch;
        this.linkType = header.getInt(IDX_LINK_TYPE_OFFSET);
        this.snaplen = header.getInt(IDX_SNAPLEN_OFFSET);
        this.createdNanos = header.getLong(IDX_CREATED_OFFSET);
    }

    /** Writes a new, empty index atomically (pending file, fsync, rename). */
    public static void create(Path path, int linkType, int snaplen, long createdNanos) throws IOException {
        Path pending = path.resolveSibling(path.getFileName() + PENDING_SUFFIX);
        try (FileChannel c = FileChannel.open(pending, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer h = ByteBuffer.wrap(encodeHeader(linkType, snaplen, createdNanos));
            while (h.hasRemaining()) {
                c.write(h);
            }
            c.force(true);
        }
        Files.move(pending, path, StandardCopyOption.ATOMIC_MOVE);
        Durable.syncDirectory(path.toAbsolutePath().getParent());
    }

    /** Opens for reading: every complete entry, stopping before one being appended. */
    public static ChunkIndex openReadOnly(Path path) throws IOException {
        return open(path, false);
    }

    /** Opens for appending (the recorder or recovery): a torn last entry is cut off. */
    public static ChunkIndex openForAppend(Path path) throws IOException {
        return open(path, true);
    }

    private static ChunkIndex open(Path path, boolean append) throws IOException {
        FileChannel c;
        try {
            c = append ? FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)
                    : FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new StoreFormatException(path + ": capture index is missing");
        }
        try {
            ByteBuffer h = ByteBuffer.allocate(INDEX_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            readFully(c, h, 0);
            checkHeader(path, h);
            ChunkIndex idx = new ChunkIndex(path, c, h);
            idx.refresh();
            if (append && c.size() > idx.validLength) {
                idx.tornBytes = c.size() - idx.validLength;
                c.truncate(idx.validLength);
                c.force(true);
            }
            return idx;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private static void checkHeader(Path path, ByteBuffer h) {
        if (h.position() < INDEX_HEADER_LENGTH) {
            throw new StoreFormatException(path + ": not a pushcap capture index (" + h.position()
                    + " bytes, shorter than its " + INDEX_HEADER_LENGTH + "-byte header)");
        }
        if (h.getLong(IDX_MAGIC_OFFSET) != INDEX_MAGIC) {
            throw new StoreFormatException(path + ": not a pushcap capture index (magic '" + ascii(h, 0, 8)
                    + "', expected 'PUSHCAPI')");
        }
        int version = h.getInt(IDX_VERSION_OFFSET);
        if (version != VERSION) {
            throw new StoreFormatException(path + ": capture index version " + version
                    + ", but this pushcap reads version " + VERSION + " only (use the pushcap that recorded it)");
        }
        if (h.getInt(IDX_HEADER_LENGTH_OFFSET) != INDEX_HEADER_LENGTH || h.getInt(IDX_ENTRY_LENGTH_OFFSET) != ENTRY_LENGTH
                || crc(h.array(), 0, IDX_HEADER_CRC_OFFSET) != h.getInt(IDX_HEADER_CRC_OFFSET)) {
            throw new StoreFormatException(path + ": corrupt capture index header (header length "
                    + h.getInt(IDX_HEADER_LENGTH_OFFSET) + ", entry length " + h.getInt(IDX_ENTRY_LENGTH_OFFSET)
                    + ", or checksum mismatch)");
        }
    }

    /**
     * Reads entries appended since the last call.
     *
     * @return how many new entries were read
     */
    public int refresh() throws IOException {
        long size = ch.size();
        int added = 0;
        while (validLength + ENTRY_LENGTH <= size) {
            entryBuffer.clear();
            if (readFully(ch, entryBuffer, validLength) < ENTRY_LENGTH) {
                break;
            }
            ChunkEntry e = decodeEntry(entryBuffer.array());
            if (e == null) {
                if (validLength + 2L * ENTRY_LENGTH <= size) {
                    throw new StoreFormatException(path + ": corrupt index entry at offset " + validLength
                            + " (checksum mismatch) followed by more entries");
                }
                break; // being appended now, or torn by a crash
            }
            long expectedSeq = entries.isEmpty() ? -1 : entries.getLast().seq() + 1;
            if (expectedSeq >= 0 && e.seq() != expectedSeq) {
                throw new StoreFormatException(path + ": index entry at offset " + validLength + " is chunk "
                        + e.seq() + ", expected chunk " + expectedSeq);
            }
            entries.add(e);
            validLength += ENTRY_LENGTH;
            added++;
        }
        return added;
    }

    /** Appends an entry and makes it durable (fdatasync) before returning. */
    public void append(ChunkEntry e) throws IOException {
        if (!entries.isEmpty() && e.seq() != entries.getLast().seq() + 1) {
            throw new IllegalArgumentException(path + ": appending chunk " + e.seq() + " after chunk "
                    + entries.getLast().seq());
        }
        ByteBuffer b = ByteBuffer.wrap(encodeEntry(e));
        long at = validLength;
        while (b.hasRemaining()) {
            at += ch.write(b, at);
        }
        ch.force(false);
        validLength = at;
        entries.add(e);
    }

    public List<ChunkEntry> entries() {
        return Collections.unmodifiableList(entries);
    }

    /** The last sealed chunk, or null. */
    public ChunkEntry last() {
        return entries.isEmpty() ? null : entries.getLast();
    }

    /** Bytes of a torn last entry cut off when opened for append (0 normally). */
    public long tornBytes() {
        return tornBytes;
    }

    public int linkType() {
        return linkType;
    }

    public int snaplen() {
        return snaplen;
    }

    public long createdNanos() {
        return createdNanos;
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }

    static byte[] encodeHeader(int linkType, int snaplen, long createdNanos) {
        ByteBuffer h = ByteBuffer.allocate(INDEX_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        h.putLong(IDX_MAGIC_OFFSET, INDEX_MAGIC);
        h.putInt(IDX_VERSION_OFFSET, VERSION);
        h.putInt(IDX_HEADER_LENGTH_OFFSET, INDEX_HEADER_LENGTH);
        h.putInt(IDX_ENTRY_LENGTH_OFFSET, ENTRY_LENGTH);
        h.putInt(IDX_LINK_TYPE_OFFSET, linkType);
        h.putInt(IDX_SNAPLEN_OFFSET, snaplen);
        h.putLong(IDX_CREATED_OFFSET, createdNanos);
        h.putInt(IDX_HEADER_CRC_OFFSET, crc(h.array(), 0, IDX_HEADER_CRC_OFFSET));
        return h.array();
    }

    static byte[] encodeEntry(ChunkEntry e) {
        ByteBuffer b = ByteBuffer.allocate(ENTRY_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(E_CHUNK_SEQ, e.seq());
        b.putLong(E_FIRST_PACKET_SEQ, e.firstPacketSeq());
        b.putLong(E_STREAM_OFFSET, e.streamOffset());
        b.putLong(E_PACKETS, e.packets());
        b.putLong(E_BYTES, e.bytes());
        b.putLong(E_FIRST_TS, e.firstTs());
        b.putLong(E_LAST_TS, e.lastTs());
        b.putLong(E_MIN_TS, e.minTs());
        b.putLong(E_MAX_TS, e.maxTs());
        b.putLong(E_LOST, e.lostPackets());
        b.putLong(E_SEALED_AT, e.sealedAtNanos());
        b.putInt(E_FLAGS, e.flags());
        byte[] name = e.name().getBytes(StandardCharsets.US_ASCII);
        if (name.length >= E_NAME_LENGTH) {
            throw new IllegalArgumentException("chunk name '" + e.name() + "' is longer than " + (E_NAME_LENGTH - 1));
        }
        b.put(E_NAME, name);
        b.putInt(E_CRC, crc(b.array(), 0, E_CRC));
        return b.array();
    }

    /** The entry in {@code b}, or null when its checksum fails. */
    static ChunkEntry decodeEntry(byte[] raw) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        if (crc(raw, 0, E_CRC) != b.getInt(E_CRC)) {
            return null;
        }
        return new ChunkEntry(b.getLong(E_CHUNK_SEQ), b.getLong(E_FIRST_PACKET_SEQ), b.getLong(E_STREAM_OFFSET),
                b.getLong(E_PACKETS), b.getLong(E_BYTES), b.getLong(E_FIRST_TS), b.getLong(E_LAST_TS),
                b.getLong(E_MIN_TS), b.getLong(E_MAX_TS), b.getLong(E_LOST), b.getLong(E_SEALED_AT),
                b.getInt(E_FLAGS), ascii(b, E_NAME, E_NAME_LENGTH));
    }

    static int crc(byte[] b, int from, int to) {
        CRC32C c = new CRC32C();
        c.update(b, from, to - from);
        return (int) c.getValue();
    }

    static String ascii(ByteBuffer b, int at, int max) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < max; i++) {
            byte x = b.get(at + i);
            if (x == 0) {
                break;
            }
            s.append(x >= 32 && x < 127 ? (char) x : '.');
        }
        return s.toString();
    }

    /** Reads into {@code b} from {@code at} until full or end of file; returns bytes read. */
    static int readFully(FileChannel c, ByteBuffer b, long at) throws IOException {
        int n = 0;
        while (b.hasRemaining()) {
            int r = c.read(b, at + n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n;
    }
}
