package io.pushcap.pcap;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The bytes a capture reader parses: a regular file read with positional reads into a native
 * buffer ({@link #read(Path)}), a growing native buffer refilled from a stream (a pipe or stdin),
 * or bytes already in memory ({@link #wrap}).
 *
 * <p>Why files are read, not mapped: first touches of mapped pages are page faults, and on this
 * project's reference machine (a paravirtualised guest) a 1.1 GB file took 1.3-1.6 s to fault in
 * against 0.14-0.3 s to {@code read(2)} into a 4 MB buffer; every target of a push paid it again
 * for its own mapping (docs/performance.md, "Offline push"). A read window also keeps nothing of
 * the file resident but its buffer, whatever the file's size (a mapping counted every page touched
 * in the RSS until released).
 *
 * <p><b>Note:</b> not thread-safe. {@link #ensure(long)} may move or replace {@link #segment()},
 * so slices taken before it are invalid afterwards. The window owns its memory and releases it
 * on {@link #close()}. A stream buffer grows only as far as data actually arrives, so a lying
 * length field cannot make it allocate more than the input holds.
 */
final class InputWindow implements AutoCloseable {
    private static final int INITIAL_STREAM_BUFFER = 4 << 20;

    private final String name;
    private final Arena arena;
    private final ReadableByteChannel stream;
    /** Read mode: the file, and its size when opened (bytes appended later are not read). */
    private final FileChannel file;
    private final long fileSize;
    private MemorySegment segment;
    private ByteBuffer buffer;
    private long position;
    private long limit;
    private long base;
    private boolean eof;

    private InputWindow(String name, Arena arena, ReadableByteChannel stream, MemorySegment segment, long limit) {
        this(name, arena, stream, null, -1, segment, limit);
    }

    private InputWindow(String name, Arena arena, ReadableByteChannel stream, FileChannel file, long fileSize,
                        MemorySegment segment, long limit) {
        this.name = name;
        this.arena = arena;
        this.stream = stream;
        this.file = file;
        this.fileSize = fileSize;
        this.segment = segment;
        this.limit = limit;
        this.eof = stream == null && file == null;
        if (stream != null || file != null) {
            this.buffer = segment.asByteBuffer();
        }
    }

    /** A regular file, read in {@value #INITIAL_STREAM_BUFFER}-byte steps with positional reads. */
    static InputWindow read(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        Arena arena = Arena.ofShared();
        try {
            long size = ch.size();
            return new InputWindow(file.toString(), arena, null, ch, size,
                    arena.allocate(Math.max(64, Math.min(INITIAL_STREAM_BUFFER, size)), 4096), 0);
        } catch (IOException | RuntimeException e) {
            arena.close();
            ch.close();
            throw e;
        }
    }

    static InputWindow wrap(String name, MemorySegment bytes) {
        return new InputWindow(name, Arena.ofShared(), null, bytes, bytes.byteSize());
    }

    static InputWindow stream(String name, ReadableByteChannel channel) {
        Arena arena = Arena.ofShared();
        return new InputWindow(name, arena, channel, arena.allocate(INITIAL_STREAM_BUFFER, 64), 0);
    }

    String name() {
        return name;
    }

    MemorySegment segment() {
        return segment;
    }

    long position() {
        return position;
    }

    void position(long newPosition) {
        this.position = newPosition;
    }

    long available() {
        return limit - position;
    }

    /** Absolute byte offset in the input of the current position, for error messages. */
    long absolutePosition() {
        return base + position;
    }

    /**
     * Moves to an absolute input offset seen before: anywhere in a file or in memory; in a stream
     * only within the bytes still buffered.
     */
    void seek(long absolute) {
        if (file != null && (absolute < base || absolute > base + limit)) {
            if (absolute < 0 || absolute > fileSize) {
                throw new IllegalArgumentException(name + ": cannot seek to offset " + absolute
                        + " beyond the end of the file");
            }
            // Outside the buffer: refill from there on the next ensure().
            base = absolute;
            position = 0;
            limit = 0;
            eof = absolute == fileSize;
            return;
        }
        long rel = absolute - base;
        if (rel < 0 || rel > limit) {
            throw new IllegalArgumentException(name + ": cannot seek to offset " + absolute
                    + (stream == null ? " beyond the end of the file" : " in a stream"));
        }
        position = rel;
    }

    /** Total size when known (files), otherwise -1. */
    long size() {
        return file != null ? fileSize : stream == null ? limit : -1;
    }

    /**
     * Makes at least {@code n} bytes available from the current position.
     *
     * @return false when the input ends first (then {@link #available()} says how many remain)
     */
    boolean ensure(long n) throws IOException {
        if (limit - position >= n) {
            return true;
        }
        while (!eof && limit - position < n) {
            fill(n);
        }
        return limit - position >= n;
    }

    private void fill(long n) throws IOException {
        if (position > 0) {
            long remaining = limit - position;
            MemorySegment.copy(segment, position, segment, 0, remaining);
            base += position;
            limit = remaining;
            position = 0;
        }
        if (limit == segment.byteSize()) {
            long grown = segment.byteSize() * 2;
            MemorySegment bigger = arena.allocate(grown, 64);
            MemorySegment.copy(segment, 0, bigger, 0, limit);
            segment = bigger;
            buffer = bigger.asByteBuffer();
        }
        buffer.limit((int) Math.min(segment.byteSize(), Integer.MAX_VALUE)).position((int) limit);
        int read;
        if (file != null) {
            long left = fileSize - (base + limit);
            if (left <= 0) {
                eof = true;
                return;
            }
            buffer.limit((int) Math.min(buffer.limit(), limit + left));
            read = file.read(buffer, base + limit);
        } else {
            read = stream.read(buffer);
        }
        if (read < 0) {
            eof = true;
        } else {
            limit += read;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            if (stream != null) {
                stream.close();
            }
            if (file != null) {
                file.close();
            }
        } finally {
            arena.close();
        }
    }
}
