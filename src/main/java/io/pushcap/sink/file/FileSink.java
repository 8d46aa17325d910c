package io.pushcap.sink.file;

import io.pushcap.sink.Sink;
import io.pushcap.sink.SplitOutput;
import io.pushcap.sink.SplitStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import io.pushcap.sink.StoredOutput;

/**
 * {@code Mode = "File"}: splits as files on a local disk or an NFS/CIFS mount. A split is written
 * to {@code <name>.pending}; commit forces it to stable storage ({@code fsync}), renames it to
 * {@code <name>} in one atomic step (replacing an earlier copy) and fsyncs the directory so the
 * rename itself survives a crash. Abort deletes the pending file; a stale {@code .pending} left
 * by a crashed attempt is truncated and rewritten. Missing directories are created.
 *
 * <p>Errors are {@link IOException}s that name the file and, for every write error, the free
 * space left on its file system, so "disk full" and "quota" read as such.
 *
 * <p><b>Note:</b> used by one target thread; a split holds one open file descriptor until it
 * ends. Writes go straight to the file (no extra buffer: compressors and the pcap writer hand
 * over large chunks).
 */
public final class FileSink implements Sink {
    private static final Logger LOG = LoggerFactory.getLogger(FileSink.class);

    private final String prefix;

    /** @param prefix the target's Path: a directory (ending in /) or a file-name prefix */
    public FileSink(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public String kind() {
        return "file";
    }

    /** The directory the target writes into exists (or is created) and is writable. */
    @Override
    public void check() throws IOException {
        Path dir = prefix.endsWith("/") ? Path.of(prefix) : Path.of(prefix).toAbsolutePath().getParent();
        createDirectories(dir);
        if (!Files.isWritable(dir)) {
            throw new IOException("directory " + dir + " is not writable");
        }
    }

    @Override
    public SplitOutput open(String location) throws IOException {
        Path target = Path.of(location).toAbsolutePath();
        Path pending = target.resolveSibling(target.getFileName() + ".pending");
        createDirectories(target.getParent());
        FileChannel ch;
        try {
            ch = FileChannel.open(pending, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw describe("create", pending, e);
        }
        return new FileSplit(location, target, pending, ch);
    }

    /** Regular files (not symbolic links, not directories) directly in {@code directory}. */
    @Override
    public List<StoredOutput> list(String directory) throws IOException {
        Path dir = Path.of(directory.isEmpty() ? "." : directory);
        List<StoredOutput> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException gone) {
                    continue;
                }
                if (a.isRegularFile()) {
                    String name = p.getFileName().toString();
                    out.add(new StoredOutput(name, directory + name, a.size()));
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException | java.io.UncheckedIOException e) {
            IOException io = e instanceof java.io.UncheckedIOException u ? u.getCause() : (IOException) e;
            throw describe("list", dir, io);
        }
        return out;
    }

    @Override
    public boolean delete(String location) throws IOException {
        Path p = Path.of(location);
        try {
            return Files.deleteIfExists(p);
        } catch (IOException e) {
            throw describe("delete", p, e);
        }
    }

    private static void createDirectories(Path dir) throws IOException {
        if (dir == null || Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw describe("create directory", dir, e);
        }
    }

    /** "write /x/a.pcap.pending: No space left on device (free space on /x: 0 bytes)". */
    static IOException describe(String op, Path path, IOException e) {
        String reason = e instanceof AccessDeniedException ? "permission denied"
                : e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason()
                : e.getMessage();
        return new IOException(op + " " + path + ": " + reason + " (" + freeSpace(path) + ")", e);
    }

    static String freeSpace(Path path) {
        Path p = path;
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        if (p == null) {
            return "free space unknown";
        }
        try {
            var store = Files.getFileStore(p);
            return "free space on " + store + ": " + store.getUsableSpace() + " bytes";
        } catch (IOException e) {
            return "free space unknown: " + e.getMessage();
        }
    }

    @Override
    public String toString() {
        return "file:" + prefix;
    }

    private static final class FileSplit implements SplitOutput {
        private final String location;
        private final Path target;
        private final Path pending;
        private final FileChannel channel;
        private final SplitStream stream;
        private long directBytes;

        FileSplit(String location, Path target, Path pending, FileChannel channel) {
            this.location = location;
            this.target = target;
            this.pending = pending;
            this.channel = channel;
            this.stream = new SplitStream("write " + pending, this::writeFully, e -> describe("write", pending, e));
        }

        private void writeFully(byte[] b, int off, int len) throws IOException {
            ByteBuffer buf = ByteBuffer.wrap(b, off, len);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        }

        @Override
        public OutputStream stream() {
            return stream;
        }

        @Override
        public void commit() throws IOException {
            publishAs(target);
        }

        @Override
        public void commitAs(String finalLocation) throws IOException {
            Path finalTarget = Path.of(finalLocation);
            if (!finalTarget.toAbsolutePath().getParent().equals(target.toAbsolutePath().getParent())) {
                throw new IOException("commit " + finalLocation + ": must stay in " + target.getParent());
            }
            publishAs(finalTarget);
        }

        private void publishAs(Path target) throws IOException {
            if (stream.ended()) {
                throw new IOException("commit " + target + ": split already ended");
            }
            try {
                channel.force(true);
            } catch (IOException e) {
                throw describe("fsync", pending, e);
            }
            stream.end();
            try {
                channel.close();
            } catch (IOException e) {
                throw describe("close", pending, e);
            }
            try {
                Files.move(pending, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw describe("rename to " + target.getFileName() + ":", pending, e);
            }
            fsyncDirectory(target.getParent());
        }

        /** Makes the rename durable. Some network file systems refuse to open a directory: warn only. */
        private static void fsyncDirectory(Path dir) {
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException e) {
                LOG.warn("fsync of directory {} failed ({}); the rename is done but may not survive a crash",
                        dir, e.getMessage());
            }
        }

        @Override
        public void abort() {
            stream.end();
            try {
                channel.close();
            } catch (IOException e) {
                // the file is deleted next
            }
            try {
                Files.deleteIfExists(pending);
            } catch (IOException e) {
                LOG.warn("abort: cannot delete {}: {}", pending, e.getMessage());
            }
        }

        @Override
        public long bytesWritten() {
            return stream.written() + directBytes;
        }

        /** The pending file itself: a PipeCmd child writes it through its own descriptor. */
        @Override
        public Path directFile() {
            return pending;
        }

        @Override
        public void wroteDirectly(long bytes) {
            directBytes += bytes;
        }

        @Override
        public String location() {
            return location;
        }
    }
}
