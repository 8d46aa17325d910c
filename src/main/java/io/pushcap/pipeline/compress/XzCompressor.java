package io.pushcap.pipeline.compress;

import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.UnsupportedOptionsException;
import org.tukaani.xz.XZOutputStream;

import java.io.IOException;
import java.io.OutputStream;

/**
 * xz (LZMA2) in process with XZ for Java, preset 0..9 like {@code xz -0 .. -9}, CRC64 check.
 * XZ for Java has no multithreaded encoder, so this is single-threaded; for threads use
 * {@code PipeCmd = "xz -T2 -c"}.
 *
 * <p><b>Note:</b> immutable and thread-safe. Memory per stream grows with the preset (about
 * 94 MB at 6, 674 MB at 9).
 */
public final class XzCompressor implements Compressor {
    private final int preset;

    public XzCompressor(int preset) {
        if (preset < 0 || preset > 9) {
            throw new IllegalArgumentException("xz preset " + preset + " (expected 0..9)");
        }
        this.preset = preset;
    }

    public int preset() {
        return preset;
    }

    @Override
    public String name() {
        return "xz:" + preset;
    }

    @Override
    public String defaultSuffix() {
        return ".xz";
    }

    @Override
    public OutputStream open(OutputStream sink) throws IOException {
        LZMA2Options options;
        try {
            options = new LZMA2Options(preset);
        } catch (UnsupportedOptionsException e) {
            throw new IllegalStateException("xz preset " + preset, e);
        }
        return new XZOutputStream(new NonClosingOutputStream(sink), options);
    }
}
