package io.pushcap.sink;

import java.io.IOException;
import java.util.List;

/**
 * Where a target's splits go: a local or NFS directory, S3, FTP, an rclone remote, a ring. A sink
 * publishes atomically: a split becomes visible under its final name only when
 * {@link SplitOutput#commit()} returns.
 *
 * <p><b>Note:</b> a sink is used by its target's thread only, one split at a time. Failures are
 * {@link IOException}s (retryable: network, server, disk full) or
 * {@link io.pushcap.PushcapException}s (configuration: bad path, missing program), which the
 * target does not retry.
 */
public interface Sink extends AutoCloseable {

    /** "file", "s3", "ftp", "rclone", "lxc", "tap". */
    String kind();

    /**
     * Starts a split that will be published as {@code location} (the target's Path, encoded
     * time and suffix: a file path, an s3:// or ftp:// URL, or remote:path). Any partial remains
     * of an earlier attempt at the same location are replaced.
     */
    SplitOutput open(String location) throws IOException;

    /**
     * Starts a split whose final name is known only when it ends (a size split named by its last
     * packet's time): the caller publishes it with {@link SplitOutput#commitAs(String)}. Sinks
     * that write to a pending name first (File, FTP, rclone) need nothing more than
     * {@link #open(String)}; sinks that write straight to the final name (S3) override this to
     * write to a pending name they can rename from.
     */
    default SplitOutput openRenamable(String location) throws IOException {
        return open(location);
    }

    /** Validates that the sink can work (directory writable, bucket reachable); called before any packet. */
    default void check() throws IOException {
    }

    /**
     * The objects directly in {@code directory} (a location that ends in "/", or "" for the
     * working directory of a File sink), not in its subdirectories, for {@code KeepFiles} and
     * {@code KeepBytes}. A directory that does not exist is empty. Sinks that cannot list
     * (FTP, rclone, streams) throw {@link UnsupportedOperationException}; the config refuses
     * those keys for their Modes.
     */
    default List<StoredOutput> list(String directory) throws IOException {
        throw new UnsupportedOperationException("sink " + kind() + " cannot list its outputs");
    }

    /**
     * Deletes a published object found by {@link #list(String)}.
     *
     * @return false when it was already gone
     */
    default boolean delete(String location) throws IOException {
        throw new UnsupportedOperationException("sink " + kind() + " cannot delete its outputs");
    }

    @Override
    default void close() throws IOException {
    }
}
