package io.pushcap.pcap;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;

import static io.pushcap.pcap.PcapngDescriptor.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * Writes pcapng in host byte order (layout in {@link PcapngDescriptor}): one section, an
 * Interface Description Block for each (input interface, link type) pair as it first appears,
 * and Enhanced Packet Blocks with nanosecond timestamps ({@code if_tsresol} 9). Unlike pcap, one
 * file holds packets of any number of link types, so nothing a reader returned is left out.
 *
 * <p>Records are gathered in a 1 MiB heap buffer and handed to the stream when it fills, on
 * {@link #flush()} and on {@link #close()}.
 *
 * <p><b>Note:</b> not thread-safe. The writer copies packet bytes, owns the stream and closes it
 * on {@link #close()}. Write failures propagate as {@link IOException}; after one, the output must
 * be treated as incomplete.
 */
public final class PcapngWriter implements PacketWriter {
    private static final int BUFFER_SIZE = 1 << 20;

    private final OutputStream stream;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE).order(ByteOrder.nativeOrder());
    private final MemorySegment s = MemorySegment.ofBuffer(buffer);
    private final int snaplen;
    /** (input interface id << 32 | link type) to the IDB index written for it. */
    private final Map<Long, Integer> interfaces = new HashMap<>();
    private long packets;
    private long bytes;
    private boolean closed;

    /**
     * Writes the section header at once; interfaces follow as packets need them.
     *
     * @param snaplen recorded in every interface block (0 means "no limit" in pcapng)
     */
    public PcapngWriter(OutputStream stream, int snaplen) {
        this.stream = stream;
        this.snaplen = Math.max(0, snaplen);
        int p = buffer.position();
        s.set(JAVA_INT_UNALIGNED, p + BLOCK_TYPE_OFFSET, SHB_TYPE);
        s.set(JAVA_INT_UNALIGNED, p + BLOCK_LENGTH_OFFSET, SHB_WRITTEN_LENGTH);
        s.set(JAVA_INT_UNALIGNED, p + SHB_BYTE_ORDER_OFFSET, BYTE_ORDER_MAGIC);
        s.set(JAVA_SHORT_UNALIGNED, p + SHB_MAJOR_OFFSET, (short) VERSION_MAJOR);
        s.set(JAVA_SHORT_UNALIGNED, p + SHB_MINOR_OFFSET, (short) SHB_VERSION_MINOR);
        s.set(JAVA_LONG_UNALIGNED, p + SHB_SECTION_LENGTH_OFFSET, -1L);
        s.set(JAVA_INT_UNALIGNED, p + SHB_WRITTEN_LENGTH - 4, SHB_WRITTEN_LENGTH);
        commit(p, SHB_WRITTEN_LENGTH);
    }

    /** pcapng holds every link type. */
    @Override
    public boolean accepts(int linkType) {
        return true;
    }

    @Override
    public void write(Packet packet) throws IOException {
        int id = interfaceFor(packet.interfaceId(), packet.linkType());
        int caplen = packet.caplen();
        int length = EPB_MIN_LENGTH + pad4(caplen);
        if (buffer.remaining() < length) {
            drain();
        }
        long ts = packet.timestampNanos();
        if (length > buffer.capacity()) {
            writeLarge(id, ts, packet, length);
        } else {
            int p = buffer.position();
            header(p, id, ts, packet, length);
            MemorySegment.copy(packet.segment(), packet.offset(), s, p + EPB_DATA_OFFSET, caplen);
            s.asSlice(p + EPB_DATA_OFFSET + caplen, pad4(caplen) - caplen).fill((byte) 0);
            s.set(JAVA_INT_UNALIGNED, p + length - 4, length);
            buffer.position(p + length);
        }
        packets++;
        bytes += length;
    }

    private void header(int p, int id, long ts, Packet packet, int length) {
        s.set(JAVA_INT_UNALIGNED, p + BLOCK_TYPE_OFFSET, EPB_TYPE);
        s.set(JAVA_INT_UNALIGNED, p + BLOCK_LENGTH_OFFSET, length);
        s.set(JAVA_INT_UNALIGNED, p + EPB_INTERFACE_OFFSET, id);
        s.set(JAVA_INT_UNALIGNED, p + EPB_TS_HIGH_OFFSET, (int) (ts >>> 32));
        s.set(JAVA_INT_UNALIGNED, p + EPB_TS_LOW_OFFSET, (int) ts);
        s.set(JAVA_INT_UNALIGNED, p + EPB_CAPLEN_OFFSET, packet.caplen());
        s.set(JAVA_INT_UNALIGNED, p + EPB_WIRELEN_OFFSET, packet.wirelen());
    }

    /** A packet larger than the buffer: header, data and trailer go to the stream directly. */
    private void writeLarge(int id, long ts, Packet packet, int length) throws IOException {
        drain();
        header(0, id, ts, packet, length);
        stream.write(buffer.array(), 0, EPB_DATA_OFFSET);
        stream.write(packet.toByteArray());
        byte[] tail = new byte[pad4(packet.caplen()) - packet.caplen() + 4];
        ByteBuffer.wrap(tail).order(ByteOrder.nativeOrder()).putInt(tail.length - 4, length);
        stream.write(tail);
    }

    private int interfaceFor(int inputId, int linkType) throws IOException {
        long key = ((long) inputId << 32) | (linkType & 0xffffffffL);
        Integer id = interfaces.get(key);
        if (id != null) {
            return id;
        }
        if (buffer.remaining() < IDB_WRITTEN_LENGTH) {
            drain();
        }
        int p = buffer.position();
        s.set(JAVA_INT_UNALIGNED, p + BLOCK_TYPE_OFFSET, IDB_TYPE);
        s.set(JAVA_INT_UNALIGNED, p + BLOCK_LENGTH_OFFSET, IDB_WRITTEN_LENGTH);
        s.set(JAVA_SHORT_UNALIGNED, p + IDB_LINKTYPE_OFFSET, (short) linkType);
        s.set(JAVA_SHORT_UNALIGNED, p + IDB_LINKTYPE_OFFSET + 2, (short) 0);
        s.set(JAVA_INT_UNALIGNED, p + IDB_SNAPLEN_OFFSET, snaplen);
        long o = p + IDB_OPTIONS_OFFSET;
        s.set(JAVA_SHORT_UNALIGNED, o, (short) OPT_IF_TSRESOL);
        s.set(JAVA_SHORT_UNALIGNED, o + 2, (short) 1);
        s.set(JAVA_INT_UNALIGNED, o + 4, 0);
        s.set(JAVA_BYTE, o + 4, (byte) TSRESOL_NANOS);
        s.set(JAVA_INT_UNALIGNED, o + 8, OPT_ENDOFOPT);
        s.set(JAVA_INT_UNALIGNED, p + IDB_WRITTEN_LENGTH - 4, IDB_WRITTEN_LENGTH);
        commit(p, IDB_WRITTEN_LENGTH);
        id = interfaces.size();
        interfaces.put(key, id);
        return id;
    }

    private void commit(int p, int length) {
        buffer.position(p + length);
        bytes += length;
    }

    /** Interface blocks written so far. */
    public int interfaceCount() {
        return interfaces.size();
    }

    private void drain() throws IOException {
        if (buffer.position() > 0) {
            stream.write(buffer.array(), 0, buffer.position());
            buffer.clear();
        }
    }

    @Override
    public long bytesWritten() {
        return bytes;
    }

    @Override
    public long packetsWritten() {
        return packets;
    }

    @Override
    public void flush() throws IOException {
        drain();
        stream.flush();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            drain();
        } finally {
            stream.close();
        }
    }
}
