package io.pushcap.sink;

import java.io.IOException;
import java.io.OutputStream;

/**
 * One split being written to a sink. Bytes go to {@link #stream()}; {@link #commit()} makes them
 * visible under the final name all at once; {@link #abort()} removes any partial remains.
 *
 * <p><b>Note:</b> single-threaded. Exactly one of commit or abort ends it; after a commit
 * failure the caller aborts and retries the whole split. Closing {@link #stream()} is the
 * sink's business, not the caller's.
 */
public interface SplitOutput {

    OutputStream stream();

    /** Flushes, makes durable where the medium allows (fsync), and publishes atomically. */
    void commit() throws IOException;

    /**
     * Publishes under {@code finalLocation} instead of the location given at open: a size split
     * named after its last packet's time only knows its name at the end. Sinks that write a
     * pending name and rename support it; the default refuses any other name.
     */
    default void commitAs(String finalLocation) throws IOException {
        if (!finalLocation.equals(location())) {
            throw new IOException("this sink cannot publish " + location() + " under another name (" + finalLocation + ")");
        }
        commit();
    }

    /** Discards the split: nothing appears under the final name. Never throws. */
    void abort();

    /** Bytes written to {@link #stream()} so far (after compression). */
    long bytesWritten();

    /** The final location, as given to {@link Sink#open(String)}. */
    String location();

    /**
     * A local file that another process may fill with this split's bytes instead of
     * {@link #stream()} (a {@code PipeCmd} writing its output itself, as {@code zstd -o} would),
     * or null when the bytes must go through the stream (remote sinks, throttled or transformed
     * output). Whoever fills it reports the size with {@link #wroteDirectly(long)} before commit.
     */
    default java.nio.file.Path directFile() {
        return null;
    }

    /** {@code bytes} were written into {@link #directFile()} by another process. */
    default void wroteDirectly(long bytes) {
        throw new UnsupportedOperationException(location() + " takes no direct output");
    }
}
