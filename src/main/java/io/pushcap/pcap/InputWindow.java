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
 * The bytes a capture reader parses: a whole regular file mapped into memory, or a growing
 * native buffer refilled from a stream (a pipe or stdin).
 *
 * <p>A mapped file's pages count in the process's RSS once touched, for as long as they stay
 * mapped: a 1.5 GB input read through would leave 1.5 GB resident per reader. So the pages more
 * than {@value #KEEP_BEHIND} bytes behind the read position are released (madvise
 * {@code MADV_DONTNEED} through {@link MemorySegment#unload()}) every {@value #KEEP_BEHIND} bytes:
 * resident input stays under about twice that per reader whatever the input's size. The page cache
 * keeps the data, so another target's reader, or this one after a seek back (a retried split),
 * faults the pages in again from memory, not from disk.
 *
 * <p><b>Note:</b> not thread-safe. {@link #ensure(long)} may move or replace {@link #segment()},
 * so slices taken before it are invalid afterwards. The window owns its memory and releases it
 * on {@link #close()}. A stream buffer grows only as far as data actually arrives, so a lying
 * length field cannot make it allocate more than the input holds.
 */
final class InputWindow implements AutoCloseable {
    private static final int INITIAL_STREAM_BUFFER = 4 << 20;
    /** Mapped input kept resident behind the read position, and the step in which it is released. */
    static final long KEEP_BEHIND = 16L << 20;

    private final String name;
    private final Arena arena;
    private final ReadableByteChannel stream;
    private MemorySegment segment;
    private ByteBuffer buffer;
    private long position;
    private long limit;
    private long base;
    private boolean eof;
    /** Mapped files: bytes [0, released) were released from this process's memory. */
    private long released;

    private InputWindow(String name, Arena arena, ReadableByteChannel stream, MemorySegment segment, long limit) {
        this.name = name;
        this.arena = arena;
        this.stream = stream;
        this.segment = segment;
        this.limit = limit;
        this.eof = stream == null;
        if (stream != null) {
            this.buffer = segment.asByteBuffer();
        }
    }

    static InputWindow map(Path file) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            MemorySegment seg = size == 0 ? MemorySegment.NULL : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return new InputWindow(file.toString(), arena, null, seg, size);
        } catch (IOException | RuntimeException e) {
            arena.close();
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
     * Moves to an absolute input offset seen before: anywhere in a mapped file; in a stream only
     * within the bytes still buffered.
     */
    void seek(long absolute) {
        long rel = absolute - base;
        if (rel < 0 || rel > limit) {
            throw new IllegalArgumentException(name + ": cannot seek to offset " + absolute
                    + (stream == null ? " beyond the end of the file" : " in a stream"));
        }
        position = rel;
    }

    /** Total size when known (mapped files), otherwise -1. */
    long size() {
        return stream == null ? limit : -1;
    }

    /**
     * Makes at least {@code n} bytes available from the current position.
     *
     * @return false when the input ends first (then {@link #available()} says how many remain)
     */
    boolean ensure(long n) throws IOException {
        if (stream == null && position - released >= 2 * KEEP_BEHIND) {
            releaseBehind();
        }
        if (limit - position >= n) {
            return true;
        }
        while (!eof && limit - position < n) {
            fill(n);
        }
        return limit - position >= n;
    }

    /**
     * Releases the mapped pages from {@code released} up to {@link #KEEP_BEHIND} before the
     * position. Packets handed out since are views of later bytes; older views, should a caller
     * keep one, would fault their page in again rather than fail.
     */
    private void releaseBehind() {
        long end = position - KEEP_BEHIND;
        if (segment.isMapped()) {
            segment.asSlice(released, end - released).unload();
        }
        released = end;
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
        int read = stream.read(buffer);
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
        } finally {
            arena.close();
        }
    }
}
