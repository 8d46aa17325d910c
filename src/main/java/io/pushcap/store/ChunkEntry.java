package io.pushcap.store;

import io.pushcap.pcap.PcapDescriptor;

/**
 * One sealed chunk as the index describes it (see {@link StoreDescriptor}): which packets and
 * bytes of the capture it holds and their time range.
 *
 * <p><b>Note:</b> immutable.
 *
 * @param seq             chunk sequence number (from 1), names the file
 * @param firstPacketSeq  capture-wide sequence number of its first packet
 * @param streamOffset    capture-wide offset of its first record (pcap file headers excluded)
 * @param packets         records in the chunk
 * @param bytes           chunk file size, 24-byte pcap header included
 * @param firstTs         timestamp (ns) of the first packet
 * @param lastTs          timestamp (ns) of the last packet
 * @param minTs           smallest timestamp in the chunk
 * @param maxTs           largest timestamp in the chunk
 * @param lostPackets     ring packets lost (writer laps) while this chunk was open
 * @param sealedAtNanos   wall-clock time of sealing
 * @param flags           {@link StoreDescriptor#FLAG_RECOVERED}, {@link StoreDescriptor#FLAG_TRUNCATED}
 * @param name            file name in the capture directory
 */
public record ChunkEntry(long seq, long firstPacketSeq, long streamOffset, long packets, long bytes, long firstTs,
                         long lastTs, long minTs, long maxTs, long lostPackets, long sealedAtNanos, int flags,
                         String name) {

    /** Record bytes in the chunk (the file minus its pcap header). */
    public long recordBytes() {
        return bytes - PcapDescriptor.FILE_HEADER_LENGTH;
    }

    /** Stream offset just past the chunk's last record. */
    public long streamEnd() {
        return streamOffset + recordBytes();
    }

    /** Sequence number of the packet after the chunk's last. */
    public long nextPacketSeq() {
        return firstPacketSeq + packets;
    }

    /** True when some packet of the chunk may fall in [fromNs, toNs]. */
    public boolean overlaps(long fromNs, long toNs) {
        return packets > 0 && maxTs >= fromNs && minTs <= toNs;
    }
}
