package io.pushcap.pcap;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One captured packet as a view: where its bytes are, how many were captured and seen on the
 * wire, when (ns since the epoch), on which link type and interface.
 *
 * <p>Readers fill one instance again and again (a flyweight), so passing a packet along costs
 * no allocation and no copy.
 *
 * <p><b>Note:</b> not thread-safe. The bytes belong to whoever filled the packet and stay valid
 * only until that producer's next call; keep them longer with {@link #copy()}.
 */
public final class Packet {
    private MemorySegment segment = MemorySegment.NULL;
    private long offset;
    private int caplen;
    private int wirelen;
    private long timestampNanos;
    private int linkType;
    private int interfaceId;

    /** Points this packet at new bytes; returns {@code this}. */
    public Packet set(MemorySegment segment, long offset, int caplen, int wirelen, long timestampNanos,
                      int linkType, int interfaceId) {
        if (this.segment != segment) {
            // Sources point at the same segment packet after packet: skipping the store skips
            // the GC's card-marking barrier, which otherwise costs the collector's refinement
            // thread work at every packet once this object is old.
            this.segment = segment;
        }
        this.offset = offset;
        this.caplen = caplen;
        this.wirelen = wirelen;
        this.timestampNanos = timestampNanos;
        this.linkType = linkType;
        this.interfaceId = interfaceId;
        return this;
    }

    /** Copies the view fields of another packet (not the bytes). */
    public Packet setFrom(Packet other) {
        return set(other.segment, other.offset, other.caplen, other.wirelen, other.timestampNanos,
                other.linkType, other.interfaceId);
    }

    public MemorySegment segment() {
        return segment;
    }

    public long offset() {
        return offset;
    }

    public int caplen() {
        return caplen;
    }

    public int wirelen() {
        return wirelen;
    }

    public long timestampNanos() {
        return timestampNanos;
    }

    public int linkType() {
        return linkType;
    }

    public int interfaceId() {
        return interfaceId;
    }

    public Packet timestampNanos(long ns) {
        this.timestampNanos = ns;
        return this;
    }

    /** The captured bytes as a slice (allocates a small slice object; avoid per packet on hot paths). */
    public MemorySegment data() {
        return segment.asSlice(offset, caplen);
    }

    /** Unsigned byte at index {@code i} of the captured bytes. */
    public int u8(int i) {
        return segment.get(ValueLayout.JAVA_BYTE, offset + i) & 0xff;
    }

    /** Big-endian unsigned 16-bit value at index {@code i} (network order). */
    public int u16(int i) {
        return Short.reverseBytes(segment.get(ValueLayout.JAVA_SHORT_UNALIGNED, offset + i)) & 0xffff;
    }

    /** Big-endian 32-bit value at index {@code i} (network order). */
    public int i32(int i) {
        return Integer.reverseBytes(segment.get(ValueLayout.JAVA_INT_UNALIGNED, offset + i));
    }

    /** The captured bytes copied to a new array. */
    public byte[] toByteArray() {
        return data().toArray(ValueLayout.JAVA_BYTE);
    }

    /** A packet that owns a heap copy of these bytes. */
    public Packet copy() {
        return new Packet().set(MemorySegment.ofArray(toByteArray()), 0, caplen, wirelen, timestampNanos,
                linkType, interfaceId);
    }

    @Override
    public String toString() {
        return "Packet[ts=" + timestampNanos + " caplen=" + caplen + " wirelen=" + wirelen
                + " linktype=" + linkType + " if=" + interfaceId + "]";
    }
}
