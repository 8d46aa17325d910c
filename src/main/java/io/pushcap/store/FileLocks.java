package io.pushcap.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * Exclusive advisory locks on lock files (fcntl), which the kernel releases when the holder dies,
 * kill -9 included: a capture is "being recorded" exactly while its recorder holds its lock.
 *
 * <p><b>Note:</b> thread-safe: all operations are serialised on one JVM-wide monitor, because
 * POSIX releases every lock a process holds on a file when any descriptor of that file is closed;
 * a probe ({@link #heldElsewhere(Path)}) therefore never opens a file this JVM holds a lock on.
 */
final class FileLocks {
    private static final Set<Path> HELD = new HashSet<>();

    private FileLocks() {
    }

    /** A held lock; {@link #close()} releases it. */
    static final class Held implements AutoCloseable {
        private final Path file;
        private final FileChannel ch;
        private final FileLock lock;

        private Held(Path file, FileChannel ch, FileLock lock) {
            this.file = file;
            this.ch = ch;
            this.lock = lock;
        }

        @Override
        public void close() throws IOException {
            synchronized (FileLocks.class) {
                if (!HELD.remove(file)) {
                    return;
                }
                try {
                    lock.release();
                } finally {
                    ch.close();
                }
            }
        }
    }

    /** Takes the lock on {@code file} (created if missing), or returns null when someone holds it. */
    static Held tryLock(Path file) throws IOException {
        Path key = file.toAbsolutePath().normalize();
        synchronized (FileLocks.class) {
            if (HELD.contains(key)) {
                return null;
            }
            FileChannel ch = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
            if (l == null) {
                ch.close();
                return null;
            }
            HELD.add(key);
            return new Held(key, ch, l);
        }
    }

    /** Takes the lock, waiting for it (store-wide retention, held for milliseconds). */
    static Held lock(Path file) throws IOException, InterruptedException {
        while (true) {
            Held h = tryLock(file);
            if (h != null) {
                return h;
            }
            Thread.sleep(5);
        }
    }

    /** True when this JVM or another process holds the lock on {@code file}. */
    static boolean held(Path file) throws IOException {
        Path key = file.toAbsolutePath().normalize();
        synchronized (FileLocks.class) {
            if (HELD.contains(key)) {
                return true;
            }
            if (!java.nio.file.Files.exists(key)) {
                return false;
            }
            // A shared probe needs only read access: `captures` works on a store it cannot write.
            try (FileChannel ch = FileChannel.open(key, StandardOpenOption.READ)) {
                FileLock l = ch.tryLock(0, Long.MAX_VALUE, true);
                if (l == null) {
                    return true;
                }
                l.release();
                return false;
            } catch (java.nio.file.NoSuchFileException e) {
                return false;
            }
        }
    }
}
