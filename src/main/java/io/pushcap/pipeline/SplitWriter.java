package io.pushcap.pipeline;

import io.pushcap.pcap.Packet;
import io.pushcap.pcap.PcapWriter;
import io.pushcap.pcap.TimestampPrecision;
import io.pushcap.pipeline.compress.Compressor;
import io.pushcap.sink.SplitOutput;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One split being produced: pcap records into the compressor, the compressed bytes through a
 * SHA-256 digest into the sink's output. Tracks what the manifest records.
 *
 * <p><b>Note:</b> single-threaded. {@link #finish()} completes compression (a failed pipe
 * command throws here) but does not publish; the runner commits the {@link SplitOutput} after it.
 * On any failure the runner aborts the output; nothing of this split is then visible.
 */
final class SplitWriter {
    private final SplitOutput output;
    private final PcapWriter pcap;
    private final DigestingStream digest;
    private final OutputStream closeTarget;
    private long firstNanos = Long.MIN_VALUE;
    private long lastNanos;

    SplitWriter(SplitOutput output, Compressor compressor, int linkType, int snaplen) throws IOException {
        this.output = output;
        this.digest = new DigestingStream(output.stream());
        OutputStream compressed = compressor.open(digest);
        this.pcap = new PcapWriter(new NonClosing(compressed), linkType, snaplen, TimestampPrecision.NANO);
        this.closeTarget = compressed;
    }

    void write(Packet p) throws IOException {
        write(p.timestampNanos(), p.wirelen(), p.segment(), p.offset(), p.caplen());
    }

    void write(long ts, int wirelen, MemorySegment data, long offset, int caplen) throws IOException {
        if (firstNanos == Long.MIN_VALUE) {
            firstNanos = ts;
        }
        lastNanos = ts;
        pcap.write(ts, wirelen, data, offset, caplen);
    }

    /** Finishes the pcap and the compressor; after this the output holds the whole split. */
    void finish() throws IOException {
        pcap.close();
        closeTarget.close();
        digest.flush();
    }

    /** Drops the split: kills a pipe command, frees native compressor memory, removes partial output. */
    void abort() {
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

    String sha256() {
        return HexFormat.of().formatHex(digest.md.digest());
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
        private final MessageDigest md;
        private long count;

        DigestingStream(OutputStream out) {
            super(out);
            try {
                md = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void write(int b) throws IOException {
            md.update((byte) b);
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            md.update(b, off, len);
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
