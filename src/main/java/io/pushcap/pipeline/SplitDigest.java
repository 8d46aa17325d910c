package io.pushcap.pipeline;

import io.pushcap.internal.ffm.NativeDigest;

import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The SHA-256 of a split's published bytes, computed on a thread of its own once the split has
 * grown past {@link #ASYNC_AFTER}: the target's thread copies each 1 MiB of output into a buffer
 * and goes on writing while the digest thread hashes it. SHA-256 (OpenSSL's, {@link NativeDigest})
 * runs at ~1.7 GB/s per core here, as long as a whole pass-through's reading and writing
 * (docs/performance.md), so on the target's thread it nearly doubled an uncompressed push; a
 * copy costs a tenth of that. Smaller splits are
 * hashed in place (a thread and a buffer would cost more than they save), and so is every split
 * of a compressing target: its compressor's workers (or a pipe command) already keep the other
 * CPUs busy, and a 1 GiB `zstd:1` push measured 2.49 s with the thread against 2.28 without.
 *
 * <p><b>Note:</b> for one writer thread. Bytes are hashed in the order they were given: before the
 * digest thread starts, in place; after, only through its queue. {@link #digest()} waits for the
 * queue to drain. At most {@link #BUFFERS} buffers of {@link #CHUNK} bytes exist per split; the
 * writer blocks when all are queued (back-pressure, not memory). {@link #close()} stops the
 * thread of an abandoned split.
 */
final class SplitDigest implements AutoCloseable {
    static final int CHUNK = 1 << 20;
    static final long ASYNC_AFTER = 4L << 20;
    static final int BUFFERS = 4;
    private static final Chunk END = new Chunk(new byte[0], 0);

    private record Chunk(byte[] bytes, int length) {
    }

    private final MessageDigest md;
    private final boolean threaded;
    private final BlockingQueue<Chunk> queued = new ArrayBlockingQueue<>(BUFFERS + 1);
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
    private int allocated;
    private long hashedInPlace;
    private byte[] current;
    private int position;
    private Thread thread;

    /**
     * @param threaded hash past {@link #ASYNC_AFTER} on a thread of its own; false: always in
     *                 place (where a compressor keeps the other CPUs busy, the thread only competes
     *                 with it and adds the copies)
     */
    SplitDigest(boolean threaded) {
        this.threaded = threaded;
        md = NativeDigest.sha256();
    }

    void update(byte[] b, int off, int len) throws InterruptedIOException {
        if (thread == null && (!threaded || hashedInPlace + len <= ASYNC_AFTER)) {
            md.update(b, off, len);
            hashedInPlace += len;
            return;
        }
        while (len > 0) {
            if (current == null) {
                current = takeBuffer();
            }
            int n = Math.min(len, CHUNK - position);
            System.arraycopy(b, off, current, position, n);
            position += n;
            off += n;
            len -= n;
            if (position == CHUNK) {
                handOff();
            }
        }
    }

    void update(int b) throws InterruptedIOException {
        update(new byte[] {(byte) b}, 0, 1);
    }

    /** Hashes bytes read back from a file, in place: only before any other update. */
    void updateInPlace(ByteBuffer bytes) {
        if (thread != null || position > 0) {
            throw new IllegalStateException("bytes already queued for the digest thread");
        }
        hashedInPlace += bytes.remaining();
        md.update(bytes);
    }

    /** Waits for every queued byte to be hashed, and returns the SHA-256. */
    byte[] digest() throws InterruptedIOException {
        if (position > 0) {
            handOff();
        }
        if (thread != null) {
            put(END);
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted waiting for a split's SHA-256");
            }
            thread = null;
        }
        return md.digest();
    }

    private void handOff() throws InterruptedIOException {
        if (thread == null) {
            thread = Thread.ofPlatform().daemon().name("split-digest").start(this::hash);
        }
        put(new Chunk(current, position));
        current = null;
        position = 0;
    }

    private byte[] takeBuffer() throws InterruptedIOException {
        byte[] b = free.poll();
        if (b != null) {
            return b;
        }
        if (allocated < BUFFERS) {
            allocated++;
            return new byte[CHUNK];
        }
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for the split's digest thread");
        }
    }

    private void put(Chunk c) throws InterruptedIOException {
        try {
            queued.put(c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted handing bytes to the split's digest thread");
        }
    }

    private void hash() {
        try {
            for (Chunk c = queued.take(); c != END; c = queued.take()) {
                md.update(c.bytes(), 0, c.length());
                free.offer(c.bytes());
            }
        } catch (InterruptedException e) {
            // close(): the split was abandoned.
        }
    }

    @Override
    public void close() {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            thread = null;
        }
    }
}
