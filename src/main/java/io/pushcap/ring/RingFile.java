package io.pushcap.ring;

import io.pushcap.PushcapException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static io.pushcap.ring.RingDescriptor.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A ring file, memory-mapped: creation (committing its memory up front), opening with format
 * checks, a snapshot of its header and reader slots ({@link #info()}), and deletion. Writers and
 * readers are made from an open ring ({@link #writer(String)}, {@link #reader(RingReader.Options)}).
 *
 * <p><b>Note:</b> thread-safe: the mapping is shared and outlives the writers and readers made
 * from it, which must be closed first; {@link #close()} unmaps. Creation publishes atomically: the
 * ring is built as {@code NAME.pending} and then linked to its name, so no process ever opens a
 * half-initialised ring. Errors are {@link PushcapException}s naming the file.
 */
public final class RingFile implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RingFile.class);
    static final VarHandle LONG = JAVA_LONG.varHandle();
    static final VarHandle INT = JAVA_INT.varHandle();
    private static final int ZERO_CHUNK = 1 << 20;

    private final Path path;
    private final Arena arena;
    private final MemorySegment segment;
    private final long capacity;
    private final boolean writable;

    private RingFile(Path path, Arena arena, MemorySegment segment, long capacity, boolean writable) {
        this.path = path;
        this.arena = arena;
        this.segment = segment;
        this.capacity = capacity;
        this.writable = writable;
    }

    /** Creation options: total file size (header included) and whether an existing ring may be replaced. */
    public record CreateOptions(long fileSize, boolean replace) {
    }

    /**
     * Creates a ring of {@code fileSize} bytes (header included) and returns it open. Its memory is
     * written once with zeros so that a full tmpfs fails here, not with a bus error mid-capture.
     *
     * @throws PushcapException when the ring exists and {@code replace} is false, or the size is too small
     */
    public static RingFile create(Path path, CreateOptions o) {
        long capacity = (o.fileSize() - HEADER_LENGTH) & -CACHE_LINE;
        if (capacity < MIN_CAPACITY) {
            throw new PushcapException("ring " + path + ": size " + o.fileSize() + " is too small (at least "
                    + ByteSizes.format(HEADER_LENGTH + MIN_CAPACITY) + ": a " + HEADER_LENGTH
                    + "-byte header and " + MIN_CAPACITY + " bytes of data)");
        }
        if (!o.replace() && Files.exists(path)) {
            throw new PushcapException("ring " + path + " already exists (delete it with `pushcap ring delete`,"
                    + " or recreate it with --force)");
        }
        Path dir = path.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new PushcapException("ring " + path + ": directory " + dir + " does not exist");
        }
        RingStorage storage = RingStorage.of(dir);
        String warning = storage.warning();
        if (warning != null) {
            LOG.warn("ring {}: {}", path, warning);
        }
        Path pending = path.resolveSibling(path.getFileName() + ".pending");
        try {
            writeNew(path, pending, capacity, storage.hugePages());
            publish(pending, path, o.replace());
        } catch (IOException e) {
            deleteQuietly(pending);
            throw new PushcapException("ring " + path + ": cannot create: " + describe(e), e);
        }
        return open(path);
    }

    private static void writeNew(Path path, Path pending, long capacity, boolean hugePages) throws IOException {
        // READ too: mapping read-write (allocateHuge) needs a readable channel.
        try (FileChannel ch = FileChannel.open(pending, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.nativeOrder());
            header.putLong(MAGIC_OFFSET, MAGIC);
            header.putInt(VERSION_OFFSET, VERSION);
            header.putInt(HEADER_LENGTH_OFFSET, HEADER_LENGTH);
            header.putLong(CAPACITY_OFFSET, capacity);
            header.putLong(CREATED_OFFSET, nowNanos());
            header.putInt(MAX_RECORD_OFFSET, RingDescriptor.maxRecordLength(capacity));
            header.putInt(SNAPLEN_OFFSET, 0);
            header.putInt(LINK_TYPE_OFFSET, -1);
            while (header.hasRemaining()) {
                ch.write(header);
            }
            // Full size first: tmpfs mounted huge=within_size gives a range huge pages only when
            // the file already covers it.
            ch.write(ByteBuffer.allocate(1), HEADER_LENGTH + capacity - 1);
            if (hugePages && allocateHuge(ch, path, HEADER_LENGTH + capacity)) {
                ch.force(true);
                return;
            }
            ch.position(HEADER_LENGTH);
            ByteBuffer zeros = ByteBuffer.allocateDirect(ZERO_CHUNK);
            long left = capacity;
            while (left > 0) {
                zeros.clear().limit((int) Math.min(ZERO_CHUNK, left));
                left -= ch.write(zeros);
            }
            ch.force(true);
        }
    }

    /**
     * Allocates a ring's memory on a tmpfs mounted with huge pages through a mapping advised
     * {@code MADV_HUGEPAGE}, instead of writing zeros. write(2) asks tmpfs for huge pages without
     * compacting memory, so on a host whose free memory was fragmented the ring silently came in
     * 4 KiB pages, and rx's copies into it took twice the CPU (docs/rings.md). Faults under the
     * advice may compact memory to find free 2 MiB blocks (THP defrag "madvise", the default).
     * Warns, with the remedy, when some of the ring still came in small pages.
     *
     * @return false when the kernel does not populate on advice (before Linux 5.14): the caller
     *         writes zeros instead
     * @throws IOException when tmpfs has no room for the ring
     */
    private static boolean allocateHuge(FileChannel ch, Path path, long fileSize) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = ch.map(FileChannel.MapMode.READ_WRITE, 0, fileSize, arena);
            io.pushcap.internal.ffm.LibC.madvise(m, io.pushcap.internal.ffm.LibC.MADV_HUGEPAGE);
            int errno = io.pushcap.internal.ffm.LibC.madvise(m, io.pushcap.internal.ffm.LibC.MADV_POPULATE_WRITE);
            if (errno == io.pushcap.internal.ffm.Errno.EINVAL) {
                return false;
            }
            if (errno == io.pushcap.internal.ffm.Errno.EFAULT) {
                // Populating stops where a fault would have been SIGBUS: tmpfs's size limit.
                throw new IOException("no room for its " + ByteSizes.format(fileSize) + ": the tmpfs is full (df "
                        + path.toAbsolutePath().getParent() + ")");
            }
            if (errno != 0) {
                throw new IOException("cannot allocate its " + ByteSizes.format(fileSize) + " ("
                        + io.pushcap.internal.ffm.Errno.describe(errno) + ")");
            }
            long expected = RingMemory.hugePageKibExpected(fileSize, HEADER_LENGTH);
            long huge = RingMemory.hugePageKib(m);
            if (huge < expected) {
                LOG.warn("ring {}: only {} of {} came in huge pages ({}); rx then uses up to twice the CPU per packet",
                        path, ByteSizes.format(huge * 1024), ByteSizes.format(expected * 1024),
                        RingMemory.whyNoHugePages());
            }
            return true;
        }
    }

    private static void publish(Path pending, Path path, boolean replace) throws IOException {
        if (replace) {
            Files.move(pending, path, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return;
        }
        try {
            // link(2) fails atomically when the name exists: two creators cannot both win.
            Files.createLink(path, pending);
        } catch (FileAlreadyExistsException e) {
            throw new PushcapException("ring " + path + " already exists (delete it with `pushcap ring delete`,"
                    + " or recreate it with --force)");
        } finally {
            deleteQuietly(pending);
        }
    }

    /**
     * Faults the whole mapping in now, when the ring lives in memory (ramfs or tmpfs): pages a
     * writer touches first cost a page fault and a zeroed page each, which on the first lap of a
     * fresh ring took more CPU than the capture itself (about 300 ns a packet at 100,000 small
     * packets a second). A writer populates writable (allocating the ring's memory at start), a
     * reader readable (its page tables). Best effort: kernels before 5.14 refuse the advice and
     * the pages fault in as they are touched; rings on disk are left alone (populating would
     * read or dirty the whole file).
     */
    void prefault(boolean forWriting) {
        RingStorage storage = RingStorage.of(path);
        if (!writable && forWriting || !storage.isRamfs() && !storage.isTmpfs()) {
            return;
        }
        int errno = io.pushcap.internal.ffm.LibC.madvise(segment,
                forWriting ? io.pushcap.internal.ffm.LibC.MADV_POPULATE_WRITE : io.pushcap.internal.ffm.LibC.MADV_POPULATE_READ);
        if (errno != 0) {
            org.slf4j.LoggerFactory.getLogger(RingFile.class).debug("ring {}: madvise populate: {}", path,
                    io.pushcap.internal.ffm.Errno.describe(errno));
        }
        if (forWriting && storage.isTmpfs()) {
            lockInMemory();
        }
    }

    /**
     * Locks a tmpfs ring's pages in memory for as long as the writer maps it: tmpfs may swap them
     * out, which would stall the writer mid-capture (ramfs never swaps). Refused past
     * RLIMIT_MEMLOCK without CAP_IPC_LOCK: then the ring works as before, and the log says why.
     */
    private void lockInMemory() {
        int errno = io.pushcap.internal.ffm.LibC.mlock(segment);
        if (errno != 0) {
            LOG.warn("ring {}: cannot lock its {} in memory (mlock: {}); under memory pressure tmpfs may swap it out"
                    + " and stall capture: raise the memlock limit (ulimit -l, LimitMEMLOCK=) or run as root",
                    path, ByteSizes.format(segment.byteSize()), io.pushcap.internal.ffm.Errno.describe(errno));
        }
    }

    /** Opens an existing ring for reading and writing (writers and readers need to write their slots). */
    public static RingFile open(Path path) {
        return open(path, true);
    }

    /** Opens an existing ring read-only, for {@code ring info} and {@code io}. */
    public static RingFile openReadOnly(Path path) {
        return open(path, false);
    }

    private static RingFile open(Path path, boolean writable) {
        try (FileChannel ch = writable
                ? FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)
                : FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            checkHeader(path, ch, size);
            Arena arena = Arena.ofShared();
            try {
                MemorySegment seg = ch.map(writable ? FileChannel.MapMode.READ_WRITE : FileChannel.MapMode.READ_ONLY,
                        0, size, arena);
                return new RingFile(path, arena, seg, size - HEADER_LENGTH, writable);
            } catch (IOException | RuntimeException e) {
                arena.close();
                throw e;
            }
        } catch (NoSuchFileException e) {
            throw new PushcapException("ring " + path + " does not exist (create it with `pushcap ring create -s SIZE "
                    + path.getFileName() + "`" + (path.getParent() == null ? ", or set --dir or $" + RingPaths.ENV : "") + ")");
        } catch (IOException e) {
            throw new PushcapException("ring " + path + ": cannot open: " + describe(e), e);
        }
    }

    private static void checkHeader(Path path, FileChannel ch, long size) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.nativeOrder());
        while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
            // read() advanced the buffer; the next read continues at the same file offset
        }
        int got = b.position();
        if (got < 16) {
            throw new RingFormatException(path + ": not a pushcap ring (" + size + " bytes, shorter than a ring header)");
        }
        long magic = b.getLong(MAGIC_OFFSET);
        if (magic != MAGIC) {
            throw new RingFormatException(path + ": not a pushcap ring (magic '" + printable(b, 8) + "', expected '"
                    + MAGIC_TEXT + "')");
        }
        int version = b.getInt(VERSION_OFFSET);
        if (version != VERSION) {
            throw new RingFormatException(path + ": ring format version " + version + ", but this pushcap reads version "
                    + VERSION + " only (recreate the ring, or use the pushcap that made it)");
        }
        int headerLength = b.getInt(HEADER_LENGTH_OFFSET);
        long capacity = got >= 24 ? b.getLong(CAPACITY_OFFSET) : -1;
        if (headerLength != HEADER_LENGTH || capacity < MIN_CAPACITY || capacity % CACHE_LINE != 0
                || size != HEADER_LENGTH + capacity) {
            throw new RingFormatException(path + ": corrupt ring header (header length " + headerLength + ", capacity "
                    + capacity + ", file size " + size + "; expected " + HEADER_LENGTH + " + capacity)");
        }
    }

    private static String printable(ByteBuffer b, int n) {
        byte[] raw = new byte[n];
        b.get(0, raw);
        StringBuilder s = new StringBuilder();
        for (byte x : raw) {
            s.append(x >= 32 && x < 127 ? (char) x : '.');
        }
        return s.toString();
    }

    /**
     * Deletes a ring after checking it is one. A ring still used by a live writer or reader is
     * refused unless {@code force}: their mappings would keep its memory until they exit.
     */
    public static void delete(Path path, boolean force) {
        List<String> users = new ArrayList<>();
        try (RingFile ring = openReadOnly(path)) {
            RingInfo info = ring.info();
            if (info.writerAlive()) {
                users.add("writer pid " + info.writerPid());
            }
            info.readers().stream().filter(r -> r.alive() || r.state().equals("attaching"))
                    .forEach(r -> users.add("reader '" + r.name() + "' pid " + r.pid()));
        }
        if (!users.isEmpty() && !force) {
            throw new PushcapException("ring " + path + " is in use by " + String.join(", ", users)
                    + " (stop them first, or use --force: their memory is freed when they exit)");
        }
        try {
            Files.delete(path);
        } catch (IOException e) {
            throw new PushcapException("ring " + path + ": cannot delete: " + describe(e), e);
        }
    }

    /** A snapshot of the header counters and every claimed reader slot. */
    public RingInfo info() {
        return RingInfo.read(this);
    }

    /** Claims the writer slot; see {@link RingWriter}. */
    public RingWriter writer(String source) {
        requireWritable("a writer");
        return RingWriter.open(this, source);
    }

    /** Claims a reader slot; see {@link RingReader}. */
    public RingReader reader(RingReader.Options options) {
        requireWritable("a reader");
        return RingReader.open(this, options);
    }

    private void requireWritable(String what) {
        if (!writable) {
            throw new IllegalStateException(path + " is open read-only; " + what + " needs it read-write");
        }
    }

    public Path path() {
        return path;
    }

    /** Bytes in the data area. */
    public long capacity() {
        return capacity;
    }

    public long fileSize() {
        return segment.byteSize();
    }

    /** The whole mapped file, header first; the data area starts at {@link RingDescriptor#HEADER_LENGTH}. */
    public MemorySegment segment() {
        return segment;
    }

    /** Link type the writer declared, or -1 before any writer did. */
    public int linkType() {
        return (int) INT.getAcquire(segment, (long) LINK_TYPE_OFFSET);
    }

    /** Snapshot length the writer declared, or 0 before any writer did. */
    public int snaplen() {
        return (int) INT.getAcquire(segment, (long) SNAPLEN_OFFSET);
    }

    public int maxRecordLength() {
        return segment.get(JAVA_INT, MAX_RECORD_OFFSET);
    }

    /** The published write position (end of the last complete record). */
    public long position() {
        return (long) LONG.getAcquire(segment, (long) POSITION_OFFSET);
    }

    long getLong(long offset) {
        return (long) LONG.getAcquire(segment, offset);
    }

    static String readName(MemorySegment seg, long offset, int length) {
        byte[] b = new byte[length];
        MemorySegment.copy(seg, JAVA_BYTE, offset, b, 0, length);
        int n = 0;
        while (n < length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    static void writeName(MemorySegment seg, long offset, int length, String name) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(b.length, length - 1);
        while (n > 0 && n < b.length && (b[n] & 0xC0) == 0x80) {
            n--; // never cut a UTF-8 sequence in half
        }
        seg.asSlice(offset, length).fill((byte) 0);
        MemorySegment.copy(b, 0, seg, JAVA_BYTE, offset, n);
    }

    static long nowNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private static String describe(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory: " + e.getMessage();
        }
        if (e.getClass() == IOException.class && e.getMessage() != null) {
            return e.getMessage(); // ours, worded for the user (allocateHuge)
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // the pending file is harmless; the next create truncates it
        }
    }

    @Override
    public String toString() {
        return "ring " + path;
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
