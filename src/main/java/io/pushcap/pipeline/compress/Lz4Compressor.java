package io.pushcap.pipeline.compress;

import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4FrameOutputStream;
import net.jpountz.xxhash.XXHashFactory;

import java.io.IOException;
import java.io.OutputStream;

/**
 * LZ4 in the standard frame format (what the {@code lz4} CLI writes and reads), with lz4-java
 * (the maintained {@code at.yawk.lz4} fork). Level 1-2 is LZ4's fast mode, 3-12 LZ4 HC, like
 * {@code lz4 -1 .. -12}. 4 MiB independent blocks with a content checksum.
 *
 * <p><b>Note:</b> immutable and thread-safe; single-threaded compression.
 */
public final class Lz4Compressor implements Compressor {
    private final int level;

    public Lz4Compressor(int level) {
        if (level < 1 || level > 12) {
            throw new IllegalArgumentException("lz4 level " + level + " (expected 1..12)");
        }
        this.level = level;
    }

    public int level() {
        return level;
    }

    @Override
    public String name() {
        return "lz4:" + level;
    }

    @Override
    public String defaultSuffix() {
        return ".lz4";
    }

    @Override
    public OutputStream open(OutputStream sink) throws IOException {
        LZ4Factory f = LZ4Factory.fastestInstance();
        LZ4Compressor c = level < 3 ? f.fastCompressor() : f.highCompressor(level);
        return new LZ4FrameOutputStream(new NonClosingOutputStream(sink), LZ4FrameOutputStream.BLOCKSIZE.SIZE_4MB, -1L,
                c, XXHashFactory.fastestInstance().hash32(), LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE,
                LZ4FrameOutputStream.FLG.Bits.CONTENT_CHECKSUM);
    }
}
