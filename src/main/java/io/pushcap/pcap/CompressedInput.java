package io.pushcap.pcap;

import com.github.luben.zstd.ZstdInputStream;
import io.pushcap.PushcapException;
import org.apache.commons.compress.compressors.CompressorException;
import org.apache.commons.compress.compressors.CompressorStreamFactory;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * Compressed capture files, told by their first bytes (never by their name): gzip, bzip2, xz,
 * zstd and LZ4 frames, each possibly several members or frames in a row (as {@code cat a.gz b.gz},
 * pigz, and pushcap's own zstd with workers write them). Detection is Apache Commons Compress's
 * {@link CompressorStreamFactory#detect}; gzip, bzip2, xz and LZ4 frames are decoded by Commons
 * Compress, zstd by zstd-jni.
 *
 * <p>The decoded bytes are read as a stream, never mapped. When the decoder fails (a truncated or
 * corrupt archive) the stream ends there and {@link #problem()} keeps the decoder's reason, so the
 * capture reader ends at the last whole packet and the damage is reported like a damaged capture,
 * with offsets counted in uncompressed bytes.
 *
 * <p><b>Note:</b> not thread-safe; one instance per opened file.
 */
final class CompressedInput implements ReadableByteChannel {
    /** What {@link CompressorStreamFactory#detect} names, mapped to the codecs read here. */
    static final String READABLE = "gzip, bzip2, xz, zstd or LZ4 frame";

    private final String codec;
    private final InputStream in;
    private IOException problem;
    private boolean open = true;

    private CompressedInput(String codec, InputStream in) {
        this.codec = codec;
        this.in = in;
    }

    /**
     * The codec of {@code in}'s first bytes ("gzip", "zstd", ...), or null for uncompressed data.
     * {@code in} must support mark/reset; it is left at its start.
     *
     * @throws PushcapException when the data is compressed in a form pushcap does not decode
     */
    static String detect(String name, InputStream in) {
        String found;
        try {
            found = CompressorStreamFactory.detect(in);
        } catch (CompressorException e) {
            return null; // no known signature: a capture, or something the capture reader refuses
        }
        return switch (found) {
            case CompressorStreamFactory.GZIP -> "gzip";
            case CompressorStreamFactory.BZIP2 -> "bzip2";
            case CompressorStreamFactory.XZ -> "xz";
            case CompressorStreamFactory.ZSTANDARD -> "zstd";
            case CompressorStreamFactory.LZ4_FRAMED -> "lz4";
            default -> throw new PushcapException(name + ": compressed as " + found + ", which pushcap does not read"
                    + " (it reads " + READABLE + " compressed captures); decompress it first");
        };
    }

    /** Decodes {@code raw} (positioned at its start) as {@code codec}; closes {@code raw} on failure. */
    static CompressedInput open(String name, String codec, InputStream raw) throws IOException {
        InputStream buffered = raw instanceof BufferedInputStream ? raw : new BufferedInputStream(raw, 1 << 16);
        try {
            InputStream decoded = switch (codec) {
                case "gzip" -> GzipCompressorInputStream.builder().setInputStream(buffered)
                        .setDecompressConcatenated(true).get();
                case "bzip2" -> new BZip2CompressorInputStream(buffered, true);
                case "xz" -> new XZCompressorInputStream(buffered, true);
                case "zstd" -> new ZstdInputStream(buffered);
                case "lz4" -> new FramedLZ4CompressorInputStream(buffered, true);
                default -> throw new IllegalArgumentException("codec " + codec);
            };
            return new CompressedInput(codec, decoded);
        } catch (IOException e) {
            // bzip2 and others read their first block here: a damaged start is damage at offset 0.
            buffered.close();
            CorruptCaptureException damaged = new CorruptCaptureException(name, 0, 0, "damaged " + codec + " data ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + "), the uncompressed capture ends");
            damaged.initCause(e);
            throw damaged;
        } catch (RuntimeException e) {
            buffered.close();
            throw e;
        }
    }

    String codec() {
        return codec;
    }

    /** Why decoding stopped early, or null while the compressed data is whole. */
    IOException problem() {
        return problem;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (problem != null) {
            return -1;
        }
        // Small reads: a decoder that fails mid-read drops what it decoded in that call, so a
        // damaged archive loses at most this much before the damage.
        byte[] chunk = new byte[Math.min(dst.remaining(), 8 << 10)];
        int n;
        try {
            n = in.read(chunk);
        } catch (IOException | RuntimeException e) {
            // A damaged archive: end the stream here; the reader reports it at this uncompressed offset.
            problem = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
            return -1;
        }
        if (n > 0) {
            dst.put(chunk, 0, n);
        }
        return n;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() throws IOException {
        open = false;
        in.close();
    }
}
