package io.pushcap.pipeline.compress;

import io.pushcap.PushcapException;
import io.pushcap.config.TargetConfig;

import java.util.Locale;

/**
 * Builds a target's {@link Compressor} from its {@code Compress} spec or its {@code PipeCmd}.
 *
 * <p>{@code Compress} (pushcap) names an in-process codec with optional level and workers:
 * {@code none}, {@code gzip[:LEVEL]} (1..9, default 6), {@code zstd[:LEVEL[:WORKERS]]}
 * (level 1..22 or -7..-1, default 3; workers 0..256, default 0 = caller's thread),
 * {@code lz4[:LEVEL]} (1..12, default 1; 3+ is HC), {@code xz[:PRESET]} (0..9, default 6).
 * {@code PipeCmd} runs an external program instead; setting both is an error.
 *
 * <p><b>Note:</b> stateless and thread-safe. Errors are {@link PushcapException}s naming the
 * field and the value, e.g. {@code Compress: 'zstd:x' (expected zstd[:LEVEL[:WORKERS]] ...)}.
 */
public final class Compressors {
    public static final String SYNTAX = "none, gzip[:1..9], zstd[:LEVEL[:WORKERS]], lz4[:1..12], xz[:0..9]";

    private Compressors() {
    }

    /** The compressor of a target: its PipeCmd, its Compress spec, or none. */
    public static Compressor forTarget(TargetConfig t) {
        boolean pipe = t.pipeCmd() != null && !t.pipeCmd().isBlank();
        boolean spec = t.compress() != null && !t.compress().isBlank();
        if (pipe && spec) {
            throw new PushcapException(t.label() + ": PipeCmd '" + t.pipeCmd() + "' and Compress '" + t.compress()
                    + "' are both set (expected one of them)");
        }
        try {
            if (pipe) {
                return pipe(t.pipeCmd());
            }
            return spec ? parse(t.compress()) : NoneCompressor.INSTANCE;
        } catch (PushcapException e) {
            throw new PushcapException(t.label() + ": " + e.getMessage(), e);
        }
    }

    /** A PipeCmd compressor; errors read {@code PipeCmd: '...' (...)}. */
    public static Compressor pipe(String command) {
        try {
            return new PipeCommandCompressor(command);
        } catch (PushcapException e) {
            throw new PushcapException("PipeCmd: " + e.getMessage(), e);
        }
    }

    /** Parses a {@code Compress} spec such as "zstd:1:2". */
    public static Compressor parse(String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        String[] parts = s.split(":", -1);
        try {
            return switch (parts[0]) {
                case "none", "" -> {
                    arity(parts, 1);
                    yield NoneCompressor.INSTANCE;
                }
                case "gzip", "gz" -> {
                    arity(parts, 2);
                    yield new GzipCompressor(number(parts, 1, 6));
                }
                case "zstd", "zst" -> {
                    arity(parts, 3);
                    yield new ZstdCompressor(number(parts, 1, 3), number(parts, 2, 0));
                }
                case "lz4" -> {
                    arity(parts, 2);
                    yield new Lz4Compressor(number(parts, 1, 1));
                }
                case "xz" -> {
                    if (parts.length > 2) {
                        throw new IllegalArgumentException("XZ for Java has no threads; for threads use PipeCmd 'xz -T"
                                + parts[2] + " -c'");
                    }
                    yield new XzCompressor(number(parts, 1, 6));
                }
                default -> throw new IllegalArgumentException("unknown codec '" + parts[0] + "'");
            };
        } catch (IllegalArgumentException e) {
            throw new PushcapException("Compress: '" + spec + "' (" + e.getMessage() + "; expected " + SYNTAX + ")");
        }
    }

    private static void arity(String[] parts, int max) {
        if (parts.length > max) {
            throw new IllegalArgumentException(parts[0] + " takes at most " + (max - 1) + " ':' fields");
        }
    }

    private static int number(String[] parts, int i, int fallback) {
        if (parts.length <= i) {
            return fallback;
        }
        try {
            return Integer.parseInt(parts[i].trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + parts[i] + "' is not a number");
        }
    }
}
