package io.pushcap.pipeline.compress;

import io.pushcap.PushcapException;
import io.pushcap.config.CompressSpec;
import io.pushcap.config.TargetConfig;

import java.util.Locale;

/**
 * Builds a target's {@link Compressor} from its {@code Compress} spec or its {@code PipeCmd}.
 *
 * <p>{@code Compress} (pushcap) names an in-process codec with optional level and workers:
 * {@code none}, {@code gzip[:LEVEL]} (1..9, default 6), {@code zstd[:LEVEL[:WORKERS]]}
 * (level 1..22 or -7..-1, default 3; workers 0..64 or auto, the default: 1 on a machine with
 * more than one CPU, else 0 = caller's thread),
 * {@code lz4[:LEVEL]} (1..12, default 1; 3+ is HC), {@code xz[:PRESET]} (0..9, default 6).
 * {@code PipeCmd} runs an external program instead; setting both is an error.
 *
 * <p><b>Note:</b> stateless and thread-safe. Errors are {@link PushcapException}s naming the
 * field and the value, e.g. {@code Compress: 'zstd:x' (expected zstd[:LEVEL[:WORKERS]] ...)}.
 */
public final class Compressors {

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
                return new PipeCommandCompressor(t.pipeCmd(), t.retry().pipeMillis());
            }
            return spec ? parse(t.compress()) : NoneCompressor.INSTANCE;
        } catch (PushcapException e) {
            throw new PushcapException(t.label() + ": " + (pipe && !e.getMessage().startsWith("PipeCmd") ? "PipeCmd: " : "")
                    + e.getMessage(), e);
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

    /** Parses a {@code Compress} spec such as "zstd:1:2" (grammar and ranges: {@link CompressSpec}). */
    public static Compressor parse(String spec) {
        CompressSpec c;
        try {
            c = CompressSpec.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new PushcapException("Compress: " + e.getMessage());
        }
        return of(c);
    }

    /** The compressor a validated spec describes. */
    public static Compressor of(CompressSpec c) {
        return switch (c.algorithm()) {
            case "none" -> NoneCompressor.INSTANCE;
            case "gzip" -> new GzipCompressor(c.level());
            case "zstd" -> new ZstdCompressor(c.level(), c.resolvedWorkers());
            case "lz4" -> new Lz4Compressor(c.level());
            case "xz" -> new XzCompressor(c.level());
            default -> throw new IllegalStateException("CompressSpec admitted " + c.algorithm());
        };
    }
}
