package io.pushcap.config;

import java.util.Locale;

/**
 * A target's in-process compression, {@code Compress = "ALGORITHM[:LEVEL[:WORKERS]]"}: none, gzip
 * (levels 1-9, default 6), zstd (1-22, default 3; WORKERS 0-64 extra compression threads, or
 * {@code auto}, the default: one when the machine has more than one CPU, else none, as the zstd
 * CLI's default {@code -T1}), lz4 (1-12, default 1; 3 and above use LZ4 HC, like {@code lz4 -3})
 * or xz (0-9, default 6). Only zstd takes WORKERS.
 *
 * <p>Why one worker by default: with none, compression runs on the target's thread after its
 * read and filter; one libzstd worker overlaps the two, as {@code tcpdump | zstd -1} does across
 * processes (a 1 GiB push: 2.58 → 2.05 s, the same CPU; docs/compression.md).
 *
 * <p><b>Note:</b> immutable and thread-safe; the constructor refuses levels and worker counts out
 * of range with an {@link IllegalArgumentException}.
 *
 * @param algorithm "gzip", "zstd", "lz4" or "xz"
 * @param level     compression level, within the algorithm's range
 * @param workers   zstd worker threads, 0 for none (compression on the target's own thread),
 *                  {@link #AUTO_WORKERS} for the default ({@link #resolvedWorkers()})
 */
public record CompressSpec(String algorithm, int level, int workers) {
    public static final String EXPECTED = "expected none, gzip, zstd, lz4 or xz, optionally with :LEVEL, and for zstd"
            + " :LEVEL:WORKERS (0 to 64, or auto), e.g. \"zstd:1\" or \"zstd:3:2\"";
    public static final int MAX_WORKERS = 64;
    /** zstd's default worker count: decided by {@link #resolvedWorkers()} on the machine that compresses. */
    public static final int AUTO_WORKERS = -1;

    public CompressSpec {
        int[] range = range(algorithm);
        if (level < range[0] || level > range[1]) {
            throw new IllegalArgumentException(algorithm + " level " + level + " (expected " + range[0] + " to " + range[1] + ")");
        }
        if (workers < AUTO_WORKERS || workers > MAX_WORKERS || (workers != 0 && !algorithm.equals("zstd"))) {
            throw new IllegalArgumentException("workers " + workers + " (only zstd takes workers, 0 to " + MAX_WORKERS + ")");
        }
    }

    /** @throws IllegalArgumentException whose message is "'value' (what is expected)" */
    public static CompressSpec parse(String value) {
        String[] parts = value.strip().toLowerCase(Locale.ROOT).split(":", -1);
        String algorithm = parts[0];
        if (parts.length > 3 || range(algorithm) == null) {
            throw new IllegalArgumentException("'" + value + "' (" + EXPECTED + ")");
        }
        if (parts.length == 3 && !algorithm.equals("zstd")) {
            String hint = algorithm.equals("xz") ? "XZ for Java has no threads, for threads use PipeCmd 'xz -T"
                    + parts[2] + " -c'; " : "";
            throw new IllegalArgumentException("'" + value + "' (only zstd takes a worker count; " + hint + EXPECTED + ")");
        }
        try {
            int level = parts.length > 1 ? number(parts[1]) : defaultLevel(algorithm);
            int workers = parts.length > 2 ? (parts[2].equals("auto") ? AUTO_WORKERS : number(parts[2]))
                    : algorithm.equals("zstd") ? AUTO_WORKERS : 0;
            return new CompressSpec(algorithm, level, workers);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + value + "' (" + e.getMessage() + "; " + EXPECTED + ")");
        }
    }

    /** The customary file name ending of this format: ".gz", ".zst", ".lz4", ".xz" ("" for none). */
    public String suffix() {
        return switch (algorithm) {
            case "none" -> "";
            case "gzip" -> ".gz";
            case "zstd" -> ".zst";
            default -> "." + algorithm;
        };
    }

    /** The worker threads to compress with: {@link #AUTO_WORKERS} is one when this JVM sees more than one CPU. */
    public int resolvedWorkers() {
        return workers == AUTO_WORKERS ? (Runtime.getRuntime().availableProcessors() > 1 ? 1 : 0) : workers;
    }

    /** Canonical form with every part: "zstd:3:0", "zstd:3:auto". */
    @Override
    public String toString() {
        if (algorithm.equals("none")) {
            return "none";
        }
        return algorithm + ":" + level + (algorithm.equals("zstd") ? ":" + (workers == AUTO_WORKERS ? "auto" : workers) : "");
    }

    private static int number(String s) {
        if (!s.matches("\\d{1,3}")) {
            throw new IllegalArgumentException("'" + s + "' is not a level or worker count");
        }
        return Integer.parseInt(s);
    }

    private static int defaultLevel(String algorithm) {
        return switch (algorithm) {
            case "none" -> 0;
            case "zstd" -> 3;
            case "lz4" -> 1;
            default -> 6;
        };
    }

    private static int[] range(String algorithm) {
        return switch (algorithm) {
            case "none" -> new int[] {0, 0};
            case "gzip" -> new int[] {1, 9};
            case "zstd" -> new int[] {1, 22};
            case "lz4" -> new int[] {1, 12};
            case "xz" -> new int[] {0, 9};
            default -> null;
        };
    }
}
