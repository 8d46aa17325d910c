package io.pushcap.pipeline.compress;

import java.io.OutputStream;

/**
 * Writes the pcap bytes unchanged.
 *
 * <p><b>Note:</b> immutable and thread-safe; the returned stream writes straight through to the
 * sink and does not close it.
 */
public final class NoneCompressor implements Compressor {
    public static final NoneCompressor INSTANCE = new NoneCompressor();

    private NoneCompressor() {
    }

    @Override
    public String name() {
        return "none";
    }

    @Override
    public String defaultSuffix() {
        return "";
    }

    @Override
    public OutputStream open(OutputStream sink) {
        return new NonClosingOutputStream(sink);
    }
}
