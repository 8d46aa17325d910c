package io.pushcap.pipeline.compress;

import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Zstandard in process (zstd-jni): one standard frame per split with a content checksum, which
 * {@code zstd -d} reads. {@code workers} = 0 compresses on the caller's thread; N > 0 hands the
 * work to N libzstd worker threads (the engine of {@code zstd -TN}; 1 already overlaps compression
 * with the caller's own work). The threads are libzstd's own, created per split.
 *
 * <p><b>Note:</b> immutable and thread-safe. A stream holds native memory (tens of MB with
 * workers) until closed; an abandoned stream should be closed or {@link Abortable#abort()}ed.
 */
public final class ZstdCompressor implements Compressor {
    private final int level;
    private final int workers;

    public ZstdCompressor(int level, int workers) {
        if (level < -7 || level > 22 || level == 0) {
            throw new IllegalArgumentException("zstd level " + level + " (expected 1..22, or -7..-1 for the fast levels)");
        }
        if (workers < 0 || workers > 256) {
            throw new IllegalArgumentException("zstd workers " + workers + " (expected 0..256)");
        }
        this.level = level;
        this.workers = workers;
    }

    public int level() {
        return level;
    }

    public int workers() {
        return workers;
    }

    @Override
    public String name() {
        return workers > 0 ? "zstd:" + level + ":" + workers : "zstd:" + level;
    }

    @Override
    public String defaultSuffix() {
        return ".zst";
    }

    @Override
    public OutputStream open(OutputStream sink) throws IOException {
        ZstdOutputStreamNoFinalizer z = new ZstdOutputStreamNoFinalizer(new NonClosingOutputStream(sink), level);
        try {
            z.setChecksum(true);
            if (workers > 0) {
                z.setWorkers(workers);
            }
        } catch (IOException | RuntimeException e) {
            z.close();
            throw e;
        }
        return new ZstdStream(z);
    }

    /** Closes without finishing the frame on abort, freeing the native context. */
    private static final class ZstdStream extends java.io.FilterOutputStream implements Abortable {
        private final ZstdOutputStreamNoFinalizer z;

        ZstdStream(ZstdOutputStreamNoFinalizer z) {
            super(z);
            this.z = z;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            z.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            z.close();
        }

        @Override
        public void abort() {
            try {
                z.closeWithoutClosingParentStream();
            } catch (IOException | RuntimeException e) {
                // Abandoned output: the native context is freed either way.
            }
        }
    }
}
