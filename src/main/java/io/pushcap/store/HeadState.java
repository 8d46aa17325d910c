package io.pushcap.store;

/**
 * What a capture's {@code head} says (see {@link StoreDescriptor}): whether it is still being
 * recorded, which chunk is open and how much of it readers may see, and where the recorder's
 * ring reader stood after the last visible record.
 *
 * <p><b>Note:</b> immutable.
 *
 * @param state              {@link StoreDescriptor#STATE_RECORDING} or {@link StoreDescriptor#STATE_FINISHED}
 * @param generation         increases with every write
 * @param openChunkSeq       the open chunk (or the next one to open)
 * @param openFirstPacketSeq capture-wide sequence number of the open chunk's first packet
 * @param openStreamOffset   capture-wide stream offset of the open chunk's first record
 * @param visibleLength      readable bytes of the open chunk file (0: file not created yet)
 * @param visiblePackets     records in those bytes
 * @param firstTs            first packet time of the visible part (0 when none)
 * @param lastTs             last packet time of the visible part
 * @param minTs              smallest packet time of the visible part
 * @param maxTs              largest packet time of the visible part
 * @param ringPosition       ring reader position after the last visible record (-1: unknown)
 * @param ringSequence       ring sequence of the next packet there (-1: unknown)
 * @param ringLost           ring packets lost to writer laps over the whole capture
 * @param updatedAtNanos     wall time of this write
 * @param pid                the recorder's process id
 * @param openLost           ring packets lost while the open chunk was open
 */
public record HeadState(int state, long generation, long openChunkSeq, long openFirstPacketSeq, long openStreamOffset,
                        long visibleLength, long visiblePackets, long firstTs, long lastTs, long minTs, long maxTs,
                        long ringPosition, long ringSequence, long ringLost, long updatedAtNanos, long pid,
                        long openLost) {

    public boolean finished() {
        return state == StoreDescriptor.STATE_FINISHED;
    }

    /** Capture-wide sequence number after the last visible packet. */
    public long nextPacketSeq() {
        return openFirstPacketSeq + visiblePackets;
    }

    /** Record bytes of the open chunk that are visible. */
    public long visibleRecordBytes() {
        return Math.max(0, visibleLength - io.pushcap.pcap.PcapDescriptor.FILE_HEADER_LENGTH);
    }

    /** The state of a new capture whose first chunk is not created yet. */
    public static HeadState empty(long pid, long now) {
        return new HeadState(StoreDescriptor.STATE_RECORDING, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 0, now, pid, 0);
    }
}
