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
    /** The longest frame a packet record may hold (the readers' snap length). */
    public static final int SNAPLEN = 262_144;

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
        return x == null || x.value() == null || x.value().length != 8 ? null : getLong(x.value());
    }

    /**
     * True when a record is a packet: the ns time, wire length and link type headers are there
     * with their sizes, and the value is a frame no longer than its wire length and 256 KiB.
     */
    public static boolean isPacket(Headers h, byte[] value) {
        return parse(h, value, SNAPLEN) != null;
    }

    /**
     * Points {@code packet} at {@code value}, a frame {@link #parse} accepted with {@code meta}
     * (the record's value array, no copy).
     */
    public static void fill(io.pushcap.pcap.Packet packet, byte[] value, Meta meta) {
        packet.set(java.lang.foreign.MemorySegment.ofArray(value), 0, value.length, meta.wireLength(), meta.timestampNanos(),
                meta.linkType(), 0);
    }

    /** What {@link #parse} reads from a packet record's headers. */
    public record Meta(long timestampNanos, int wireLength, int linkType) {
    }

    /**
     * A record's time in ns for merging partitions: its packet time, or for a record that is not
     * a packet ({@code meta} null) its Kafka timestamp in ms.
     */
    public static long timestampNanos(Meta meta, long recordTimestampMs) {
        return meta == null ? recordTimestampMs * 1_000_000L : meta.timestampNanos();
    }

    /**
     * The packet headers of a record in one pass over its headers (the last of each name wins,
     * as {@link Headers#lastHeader}), or null when the record is not a packet by the rule of
     * {@link #isPacket}. Readers call it once per record: a lookup by name per field and per
     * merge step cost the worker more than the frames' copy.
     */
    public static Meta parse(Headers headers, byte[] value, int snaplen) {
        long ts = 0;
        int wire = 0;
        int lt = 0;
        int seen = 0;
        for (Header x : headers) {
            byte[] v = x.value();
            switch (x.key()) {
                case TIMESTAMP_NS -> {
                    seen = v != null && v.length == 8 ? seen | 1 : seen & ~1;
                    ts = (seen & 1) != 0 ? getLong(v) : ts;
                }
                case WIRE_LENGTH -> {
                    seen = v != null && v.length == 4 ? seen | 2 : seen & ~2;
                    wire = (seen & 2) != 0 ? getInt(v) : wire;
                }
                case LINK_TYPE -> {
                    seen = v != null && v.length == 4 ? seen | 4 : seen & ~4;
                    lt = (seen & 4) != 0 ? getInt(v) : lt;
                }
                default -> {
                }
            }
        }
        if (seen != 7 || value == null || wire < value.length || value.length > snaplen) {
            return null;
        }
        return new Meta(ts, wire, lt);
    }

    private static long getLong(byte[] b) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[i] & 0xFF);
        }
        return v;
    }

    private static int getInt(byte[] b) {
        return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
    }

    /** The header's 4-byte value, or null when it is missing or not 4 bytes. */
    public static Integer int32(Headers h, String name) {
        Header x = h.lastHeader(name);
        return x == null || x.value() == null || x.value().length != 4 ? null : getInt(x.value());
    }
}
