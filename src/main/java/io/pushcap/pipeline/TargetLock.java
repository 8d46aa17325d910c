package io.pushcap.pipeline;

import io.pushcap.LockedException;
import io.pushcap.PushcapException;
import io.pushcap.internal.IoProblems;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * The lock a push holds on one target's state ({@code <state-dir>/locks/<Desc>.lock}) for as long
 * as it runs, live or offline: two pushes of the same target and state directory would write the
 * same split names, the same {@code .pending} files and the same manifest, so the second is
 * refused with the holder's pid (exit {@code LOCKED}, 5).
 *
 * <p>The lock is an fcntl lock, which the kernel drops when the holder dies (kill -9 included),
 * so a crashed push never blocks the next one. The file holds the holder's pid, for the message.
 *
 * <p><b>Note:</b> thread-safe. Taking a lock this JVM already holds is refused too, as another
 * process's would be, without touching the file (see {@link #HELD}).
 */
public final class TargetLock implements AutoCloseable {
    /**
     * Lock files this JVM holds. A second channel on a held file must never be opened: closing it
     * would release this process's fcntl lock (POSIX drops all of a process's locks on a file when
     * any of its descriptors of that file is closed).
     */
    private static final java.util.Set<Path> HELD = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** How long a refused taker waits for a new holder to write its pid (a holder writes it at once). */
    private static final long PID_WAIT_MILLIS = 1_000;

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private TargetLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock file of target {@code desc} in {@code stateDir}. */
    static Path fileFor(Path stateDir, String desc) {
        return stateDir.resolve("locks").resolve(TargetLog.fileSafe(desc) + ".lock");
    }

    /**
     * Takes the lock of target {@code desc} in {@code stateDir}, or throws {@link LockedException}
     * naming the holder's pid, or {@link PushcapException} when the state directory cannot hold it.
     *
     * @param label the target as messages name it ("target 'x' (#1)")
     */
    public static TargetLock acquire(Path stateDir, String desc, String label) {
        Path file = fileFor(stateDir, desc);
        try {
            IoProblems.createDirectory(file.getParent(), "--state-dir");
        } catch (PushcapException e) {
            throw new PushcapException(label + ": " + e.getMessage());
        }
        Path key = file.toAbsolutePath().normalize();
        if (!HELD.add(key)) {
            throw refused(label, file, Long.toString(ProcessHandle.current().pid()) + ", this process");
        }
        try {
            return lock(file, stateDir, label);
        } catch (RuntimeException e) {
            HELD.remove(key);
            throw e;
        }
    }

    private static LockedException refused(String label, Path file, String pid) {
        return new LockedException(label + ": another push of this target is running (pid " + pid
                + ", holding " + file + "); two pushes of one target and --state-dir would write the same"
                + " files and manifest: stop it first, or give this push its own --state-dir");
    }

    private static TargetLock lock(Path file, Path stateDir, String label) {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new PushcapException(label + ": --state-dir " + stateDir + ": cannot open lock file " + file + ": "
                    + IoProblems.describe(e) + " (give a writable directory with --state-dir or $PUSHCAP_STATE_DIR)");
        }
        try {
            FileLock l = ch.tryLock();
            if (l == null) {
                String pid = holderPid(ch);
                ch.close();
                throw refused(label, file, pid);
            }
            byte[] me = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(me), 0);
            ch.force(false);
            return new TargetLock(file, ch, l);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new PushcapException(label + ": cannot lock " + file + ": " + IoProblems.describe(e));
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    /** The pid the holder wrote, waiting briefly when it has just taken the lock and not yet written it. */
    private static String holderPid(FileChannel ch) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PID_WAIT_MILLIS);
        while (true) {
            ByteBuffer b = ByteBuffer.allocate(32);
            ch.read(b, 0);
            String text = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).strip();
            if (text.matches("\\d+")) {
                return text;
            }
            if (System.nanoTime() > deadline) {
                return "unknown";
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "unknown";
            }
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // already failing; the first error is the one reported
        }
    }

    public Path file() {
        return file;
    }

    /** Releases the lock. The file stays: deleting it would race with a process about to lock it. */
    @Override
    public synchronized void close() {
        if (!channel.isOpen()) {
            return;
        }
        try {
            if (lock.isValid()) {
                lock.release();
            }
            channel.close();
        } catch (IOException ignored) {
            // closing the channel releases the lock in any case
        } finally {
            HELD.remove(file.toAbsolutePath().normalize());
        }
    }
}
