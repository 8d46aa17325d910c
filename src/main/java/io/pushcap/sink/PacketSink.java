package io.pushcap.sink;

import io.pushcap.pcap.Packet;

import java.io.IOException;

/**
 * A destination that takes packets one at a time instead of files: a local ring another program
 * reads ({@code Mode = "LXC"}) or a re-transmitted tap ({@code Mode = "TAP"}: a NIC or a
 * GRE/GRETAP/ERSPAN/VXLAN tunnel). Push targets in these modes have no splits; their cursor is
 * saved after each {@link #flush()}.
 *
 * <p><b>Note:</b> used by one target thread. {@link #write(Packet)} copies what it needs before
 * returning (the packet is a view). A packet the destination cannot take (too large for the path,
 * rate cap exceeded with drop policy) is counted by the sink under a stable counter name, not
 * thrown; {@link IOException} means the destination itself failed (retry).
 */
public interface PacketSink extends AutoCloseable {

    /** "lxc", "tap", "kafka". */
    String kind();

    void write(Packet packet) throws IOException;

    /** Makes everything written so far visible or sent. */
    void flush() throws IOException;

    /**
     * Makes everything written so far visible together with {@code upTo}, the source position
     * after it. A transactional destination (KAFKA) commits both at once, so that
     * {@link #committedMark()} tells where to resume after a crash; others just {@link #flush()}.
     */
    default void flush(SourceMark upTo) throws IOException {
        flush();
    }

    /**
     * The source position this destination committed last with {@link #flush(SourceMark)}, or
     * null when it keeps none (then the target's own cursor file, if any, applies). Read at start
     * and after a failure: the target resumes there, so nothing is lost or sent twice.
     */
    default SourceMark committedMark() throws IOException {
        return null;
    }

    /** Discards what was written since the last flush, when the destination can (a transaction). */
    default void abort() {
    }

    /** Packets accepted by the destination so far. */
    long packetsWritten();

    @Override
    default void close() throws IOException {
    }
}
