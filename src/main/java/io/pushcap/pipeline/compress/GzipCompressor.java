package io.pushcap.pipeline.compress;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.GZIPOutputStream;

/**
 * gzip (RFC 1952) in process with the JDK's zlib at a chosen level (1 fastest .. 9 smallest).
 * commons-compress's gzip stream drives the same {@link java.util.zip.Deflater}, so the JDK's is
 * used: no extra layer, same speed. Output is one gzip member that {@code gzip -dc} reads.
 *
 * <p><b>Note:</b> immutable and thread-safe. gzip is single-threaded and slow (~40 MB/s at level
 * 1 here); for throughput prefer zstd, or {@code PipeCmd = "pigz -1 -c"}.
 */
public final class GzipCompressor implements Compressor {
    /** Deflater input buffer: large, so JNI crossings are rare. */
    private static final int BUFFER = 256 * 1024;

    private final int level;

    public GzipCompressor(int level) {
        if (level < 1 || level > 9) {
            throw new IllegalArgumentException("gzip level " + level + " (expected 1..9)");
        }
        this.level = level;
    }

    public int level() {
        return level;
    }

    @Override
    public String name() {
        return "gzip:" + level;
    }

    @Override
    public String defaultSuffix() {
        return ".gz";
    }

    @Override
    public OutputStream open(OutputStream sink) throws IOException {
        return new LeveledGzipOutputStream(new NonClosingOutputStream(sink), level);
    }

    private static final class LeveledGzipOutputStream extends GZIPOutputStream {
        LeveledGzipOutputStream(OutputStream out, int level) throws IOException {
            super(out, BUFFER, false);
            def.setLevel(level);
        }
    }
}
