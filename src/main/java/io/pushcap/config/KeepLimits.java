package io.pushcap.config;

/**
 * How much published output a push target keeps, like tcpdump's {@code -W} and dumpcap's ring
 * buffer: {@code KeepFiles} (at most this many files) and {@code KeepBytes} (at most this many
 * bytes, counted as published, after compression). After each published split the oldest of the
 * target's own files (by name, which sorts in time order) are deleted until both limits hold; the
 * newest file is always kept, even when it alone is larger than {@code KeepBytes}. A limit of 0
 * is no limit. Every Mode that writes files (File, RCLONE, CURL, S3) supports them; the stream
 * Modes (LXC, TAP) refuse them.
 *
 * @param files {@code KeepFiles}: files kept, 0 for no limit
 * @param bytes {@code KeepBytes}: bytes kept, 0 for no limit
 *
 * <p><b>Note:</b> immutable and thread-safe.
 */
public record KeepLimits(long files, long bytes) {
    /** Keep everything: the default. */
    public static final KeepLimits NONE = new KeepLimits(0, 0);

    public KeepLimits {
        if (files < 0 || bytes < 0) {
            throw new IllegalArgumentException("limits must be >= 0: files " + files + ", bytes " + bytes);
        }
    }

    /** True when at least one limit is set. */
    public boolean active() {
        return files > 0 || bytes > 0;
    }

    /** True when {@code count} files of {@code total} bytes are over a limit. */
    public boolean exceeded(long count, long total) {
        return (files > 0 && count > files) || (bytes > 0 && total > bytes);
    }

    /** "KeepFiles 3 and KeepBytes 10000000000", for messages and logs. */
    public String describe() {
        String f = files > 0 ? "KeepFiles " + files : "";
        String b = bytes > 0 ? "KeepBytes " + bytes : "";
        return f.isEmpty() ? (b.isEmpty() ? "no limit" : b) : b.isEmpty() ? f : f + " and " + b;
    }
}
