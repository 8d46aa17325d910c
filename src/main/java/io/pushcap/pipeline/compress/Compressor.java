package io.pushcap.pipeline.compress;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Turns the pcap bytes of one split into its published form: gzip, zstd, lz4, xz in process, an
 * external {@code PipeCmd}, or nothing.
 *
 * <p><b>Note:</b> implementations are immutable and thread-safe; each {@link #open} returns a new
 * stream for one split, used by one thread. Closing that stream finishes the compressed output
 * and writes all of it to {@code sink}; it throws if the split cannot be completed (e.g. a pipe
 * command exited non-zero), in which case the split must not be published. The stream does not
 * close {@code sink}.
 */
public interface Compressor {

    /** Short name for logs and metrics: "none", "zstd", "pipe:gzip -1 -c". */
    String name();

    /** The suffix this compressor's output customarily carries (".zst"), or "" for none. */
    String defaultSuffix();

    /** A stream that compresses what is written into {@code sink}. */
    OutputStream open(OutputStream sink) throws IOException;

    /**
     * A stream whose compressed output goes straight into {@code file} (which exists and is
     * empty), written by another process, or null when this compressor has no such way: the
     * caller then uses {@link #open(OutputStream)}. Closing the stream finishes the file.
     */
    default OutputStream openToFile(java.nio.file.Path file) throws IOException {
        return null;
    }
}
