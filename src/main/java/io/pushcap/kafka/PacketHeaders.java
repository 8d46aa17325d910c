package io.pushcap.kafka;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.ByteBuffer;

/**
 * The headers that make a Kafka record a packet (docs/scale-out.md): the record's value is the
 * frame as captured, and
 * <ul>
 *   <li>{@value #TIMESTAMP_NS}: the packet's time, ns since the epoch (8 bytes, big-endian);</li>
 *   <li>{@value #WIRE_LENGTH}: its length on the wire (4 bytes, big-endian);</li>
 *   <li>{@value #LINK_TYPE}: its LINKTYPE_ value (4 bytes, big-endian);</li>
 *   <li>{@value #SENSOR}, {@value #INTERFACE}: the sensor's host name and the capture source (UTF-8).</li>
 * </ul>
 * The record timestamp is the packet's time in ms (CreateTime), for tools; readers use the ns header.
 *
 * <p><b>Note:</b> stateless and thread-safe.
 */
public final class PacketHeaders {
    public static final String TIMESTAMP_NS = "pushcap.ts_ns";
    public static final String WIRE_LENGTH = "pushcap.wirelen";
    public static final String LINK_TYPE = "pushcap.linktype";
    public static final String SENSOR = "pushcap.sensor";
    public static final String INTERFACE = "pushcap.interface";

    private PacketHeaders() {
    }

    public static byte[] int64(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    public static byte[] int32(int v) {
        return ByteBuffer.allocate(4).putInt(v).array();
    }

    /** The header's 8-byte value, or null when it is missing or not 8 bytes. */
    public static Long int64(Headers h, String name) {
        Header x = h.lastHeader(name);
        return x == null || x.value() == null || x.value().length != 8 ? null : ByteBuffer.wrap(x.value()).getLong();
    }

    /**
     * True when a record is a packet: the ns time, wire length and link type headers are there
     * with their sizes, and the value is a frame no longer than its wire length and 256 KiB.
     */
    public static boolean isPacket(Headers h, byte[] value) {
        Long ts = int64(h, TIMESTAMP_NS);
        Integer wire = int32(h, WIRE_LENGTH);
        Integer lt = int32(h, LINK_TYPE);
        return ts != null && wire != null && lt != null && value != null && wire >= value.length
                && value.length <= 262_144;
    }

    /** A record's packet time in ns: its ns header, else its Kafka timestamp (ms). */
    public static long timestampNanos(org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> r) {
        Long ts = int64(r.headers(), TIMESTAMP_NS);
        return ts == null ? r.timestamp() * 1_000_000L : ts;
    }

    /**
     * Points {@code packet} at the frame of a record {@link #isPacket} accepted (the record's
     * value array, no copy) and returns its time in ns.
     */
    public static long fill(io.pushcap.pcap.Packet packet, org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> r) {
        long ts = int64(r.headers(), TIMESTAMP_NS);
        byte[] v = r.value();
        packet.set(java.lang.foreign.MemorySegment.ofArray(v), 0, v.length, int32(r.headers(), WIRE_LENGTH), ts,
                int32(r.headers(), LINK_TYPE), 0);
        return ts;
    }

    /** The header's 4-byte value, or null when it is missing or not 4 bytes. */
    public static Integer int32(Headers h, String name) {
        Header x = h.lastHeader(name);
        return x == null || x.value() == null || x.value().length != 4 ? null : ByteBuffer.wrap(x.value()).getInt();
    }
}
