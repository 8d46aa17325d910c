package io.pushcap.pipeline;

import io.pushcap.pcap.Packet;
import io.pushcap.pcap.PacketWriter;
import io.pushcap.pcap.PcapWriter;
import io.pushcap.pcap.PcapngWriter;
import io.pushcap.pcap.TimestampPrecision;
import io.pushcap.pipeline.compress.Compressor;
import io.pushcap.pipeline.compress.NoneCompressor;
import io.pushcap.sink.SplitOutput;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.HexFormat;

/**
 * One split being produced: pcap (or pcapng) records into the compressor, the compressed bytes through a
 * SHA-256 digest (unless the target's Digest is "none"; past 4 MiB on a thread of its own, {@link SplitDigest}) into the sink's output. Tracks what the manifest records.
 *
 * <p><b>Note:</b> single-threaded. {@link #finish()} completes compression (a failed pipe
 * command throws here) but does not publish; the runner commits the {@link SplitOutput} after it.
 * On any failure the runner aborts the output; nothing of this split is then visible.
 */
final class SplitWriter {
    private final SplitOutput output;
    private final PacketWriter pcap;
    private final DigestingStream digest;
    /** Hex SHA-256, set by {@link #finish()}. */
    private String sha256;
    private final OutputStream closeTarget;
    /** The local file a PipeCmd child fills itself, or null when the bytes pass through {@link #digest}. */
    private final java.nio.file.Path direct;
    private long firstNanos = Long.MIN_VALUE;
    private long lastNanos;

    SplitWriter(SplitOutput output, Compressor compressor, int linkType, int snaplen) throws IOException {
        this(output, compressor, linkType, snaplen, false);
    }

    /**
     * @param pcapng write pcapng (every link type and interface kept) instead of pcap; the format
     *               writer sits before the compressor, so every compressor gets either
     */
    SplitWriter(SplitOutput output, Compressor compressor, int linkType, int snaplen, boolean pcapng) throws IOException {
        this(output, compressor, linkType, snaplen, pcapng, true);
    }

    /** @param sha256 hash the published bytes ({@code Digest = "none"} turns it off) */
    SplitWriter(SplitOutput output, Compressor compressor, int linkType, int snaplen, boolean pcapng, boolean sha256)
            throws IOException {
        this.output = output;
        // The digest gets a thread only where the target's own thread would otherwise hash every
        // byte while another CPU idles: an uncompressed split (SplitDigest).
        this.digest = new DigestingStream(output.stream(), sha256, compressor instanceof NoneCompressor);
        java.nio.file.Path file = output.directFile();
        OutputStream compressed = file == null ? null : compressor.openToFile(file);
        this.direct = compressed == null ? null : file;
        if (compressed == null) {
            compressed = compressor.open(digest);
        }
        this.pcap = pcapng ? new PcapngWriter(new NonClosing(compressed), snaplen)
                : new PcapWriter(new NonClosing(compressed), linkType, snaplen, TimestampPrecision.NANO);
        this.closeTarget = compressed;
    }

    /** True when this split's format can hold a packet of {@code linkType}. */
    boolean accepts(int linkType) {
        return pcap.accepts(linkType);
    }

    void write(Packet p) throws IOException {
        long ts = p.timestampNanos();
        if (firstNanos == Long.MIN_VALUE) {
            firstNanos = ts;
        }
        lastNanos = ts;
        pcap.write(p);
    }

    /** Finishes the pcap and the compressor; after this the output holds the whole split. */
    void finish() throws IOException {
        pcap.close();
        closeTarget.close();
        digest.flush();
        if (direct != null) {
            long size = digest.absorb(direct);
            output.wroteDirectly(size);
        }
        sha256 = digest.md == null ? null : HexFormat.of().formatHex(digest.md.digest());
    }

    /** Drops the split: kills a pipe command, frees native compressor memory, removes partial output. */
    void abort() {
        if (digest.md != null) {
            digest.md.close();
        }
        io.pushcap.pipeline.compress.Abortable.abortIfPossible(closeTarget);
        output.abort();
    }

    SplitOutput output() {
        return output;
    }

    long packets() {
        return pcap.packetsWritten();
    }

    /** Uncompressed pcap bytes, header included. */
    long bytesIn() {
        return pcap.bytesWritten();
    }

    /** Bytes handed to the sink (after compression). */
    long bytesOut() {
        return digest.count;
    }

    long firstNanos() {
        return firstNanos;
    }

    long lastNanos() {
        return lastNanos;
    }

    /** Hex SHA-256 of the published bytes (after {@link #finish()}), or null when the target hashes nothing. */
    String sha256() {
        return sha256;
    }

    /** Lets the compressor's close run before the pcap writer closes the stream under it. */
    private static final class NonClosing extends FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }

    /** Counts and hashes what goes to the sink; never closes it (the sink owns its stream). */
    private static final class DigestingStream extends FilterOutputStream {
        private final SplitDigest md;
        private long count;

        DigestingStream(OutputStream out, boolean sha256, boolean threaded) {
            super(out);
            md = sha256 ? new SplitDigest(threaded) : null;
        }

        @Override
        public void write(int b) throws IOException {
            if (md != null) {
                md.update(b);
            }
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (md != null) {
                md.update(b, off, len);
            }
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }

        /**
         * Counts (and hashes, unless Digest is "none") a file another process wrote, read back
         * from the page cache it was just written through.
         */
        long absorb(java.nio.file.Path file) throws IOException {
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
                long size = ch.size();
                if (md != null) {
                    java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocateDirect(1 << 20);
                    while (ch.read(buf) >= 0) {
                        buf.flip();
                        md.updateInPlace(buf);
                        buf.clear();
                    }
                }
                count += size;
                return size;
            }
        }
    }
}
