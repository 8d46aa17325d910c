package io.pushcap.pipeline;

import io.pushcap.pcap.Packet;

import java.io.IOException;

/**
 * What a push target reads: a set of capture files (offline), a ring, or a stored capture that
 * is still growing (live). Each target has its own source, so each keeps its own position.
 *
 * <p><b>Note:</b> single-threaded. {@link #next(Packet)} fills the packet with a view valid until
 * the next call. A live source returns false from {@link #next(Packet)} when it has nothing
 * now; the caller then waits with {@link #await(long)}. Data that was overwritten before it was
 * read is counted in {@link #lostPackets()}, never skipped silently.
 */
public interface PacketSource extends AutoCloseable {

    /** Fills the next packet; false when none is available now (live) or ever (ended). */
    boolean next(Packet packet) throws IOException;

    /**
     * Waits up to {@code timeoutNanos} for more data.
     *
     * @return true when {@link #next(Packet)} may have more
     */
    boolean await(long timeoutNanos) throws IOException, InterruptedException;

    /** True once an offline source is exhausted; a live source never ends by itself. */
    boolean ended();

    /** The position of the next packet {@link #next(Packet)} would return. */
    SourcePosition position();

    /**
     * The position of the packet the last {@link #next(Packet)} returned: seeking there makes
     * {@link #next(Packet)} return that packet again. A split that must be produced again after a
     * failure restarts from the position of its first packet. Sources that cannot seek (a live
     * NIC) do not support it.
     */
    default SourcePosition positionOfLast() {
        throw new UnsupportedOperationException(describe() + " cannot go back to a packet");
    }

    /** Goes back (or forward) to a position saved earlier. */
    void seek(SourcePosition position) throws IOException;

    /**
     * The caller will not read for a while (a retry's backoff) or ever again (the target ended),
     * and seeks before it reads again: a source shared with other targets stops holding them back.
     * Sources of one target ignore it.
     */
    default void detach() {
    }

    /**
     * Everything before {@code upTo} is published (or filtered out): a source that keeps its own
     * progress (a Kafka consumer group) commits it now, before the target saves its cursor.
     * Failures are the source's to count and log.
     *
     * @return false when the source's own progress could not be committed: the target then keeps
     *         its cursor (and the name of its last split) where they were, so that a restart, which
     *         begins where the source committed last, produces the same splits again under the
     *         same names. A cursor ahead of the source's commit would make the restart name the
     *         split again after itself ({@code _001}), publishing its packets twice.
     */
    default boolean committed(SourcePosition upTo) {
        return true;
    }

    /** Packets lost because they were overwritten before this source read them. */
    long lostPackets();

    /**
     * Damaged inputs met so far, each as one message naming the file, the byte offset and the
     * problem. Reading stopped at each damage (and went on with the next file, if any).
     */
    default java.util.List<String> damage() {
        return java.util.List.of();
    }

    /** Link type of the packets (a source mixes none). */
    int linkType();

    /** Snapshot length to record in output files. */
    int snaplen();

    /** Total size in bytes when known (offline), for progress; -1 otherwise. */
    default long sizeHint() {
        return -1;
    }

    /** Bytes consumed so far, for progress. */
    default long bytesConsumed() {
        return -1;
    }

    /**
     * Records not read yet per partition of a Kafka topic (for /status); empty for other sources.
     * Called from another thread than the target's.
     */
    default java.util.SortedMap<Integer, Long> partitionLag() {
        return java.util.Collections.emptySortedMap();
    }

    /** For logs: "3 files (1.2 GB)", "ring /mnt/ram/cisco". */
    String describe();

    @Override
    void close() throws IOException;
}
