package io.pushcap.kafka;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class PacketHeadersTest {
    private static RecordHeaders packet(long ts, int wire, int lt) {
        RecordHeaders h = new RecordHeaders();
        h.add(PacketHeaders.TIMESTAMP_NS, PacketHeaders.int64(ts));
        h.add(PacketHeaders.WIRE_LENGTH, PacketHeaders.int32(wire));
        h.add(PacketHeaders.LINK_TYPE, PacketHeaders.int32(lt));
        h.add(PacketHeaders.SENSOR, "s1".getBytes());
        h.add(PacketHeaders.INTERFACE, "eth0".getBytes());
        return h;
    }

    @Test
    void shouldReadEveryFieldWhenTheHeadersAreThoseAKafkaTargetWrites() {
        PacketHeaders.Meta m = PacketHeaders.parse(packet(1_700_000_000_123_456_789L, 1514, 101), new byte[60], 262_144);
        assertEquals(new PacketHeaders.Meta(1_700_000_000_123_456_789L, 1514, 101), m);
    }

    @Test
    void shouldAgreeWithTheLookupsWhenValuesUseEveryByte() {
        RecordHeaders h = packet(0x8877_6655_4433_2211L, 0x7FEE_DDCC, 0x8000_01FF);
        PacketHeaders.Meta m = PacketHeaders.parse(h, new byte[0], 262_144);
        assertEquals((long) PacketHeaders.int64(h, PacketHeaders.TIMESTAMP_NS), m.timestampNanos());
        assertEquals((int) PacketHeaders.int32(h, PacketHeaders.WIRE_LENGTH), m.wireLength());
        assertEquals((int) PacketHeaders.int32(h, PacketHeaders.LINK_TYPE), m.linkType());
    }

    @Test
    void shouldTakeTheLastHeaderWhenANameRepeats() {
        RecordHeaders h = packet(5, 100, 1);
        h.add(PacketHeaders.TIMESTAMP_NS, PacketHeaders.int64(7));
        assertEquals(7, PacketHeaders.parse(h, new byte[10], 262_144).timestampNanos());
        h.add(PacketHeaders.WIRE_LENGTH, new byte[3]);
        assertNull(PacketHeaders.parse(h, new byte[10], 262_144), "a last wire length of 3 bytes is not a packet");
    }

    @Test
    void shouldRefuseWhenARecordIsNotAPacket() {
        assertNull(PacketHeaders.parse(new RecordHeaders(), new byte[10], 262_144), "no headers");
        RecordHeaders noLink = new RecordHeaders();
        noLink.add(PacketHeaders.TIMESTAMP_NS, PacketHeaders.int64(1));
        noLink.add(PacketHeaders.WIRE_LENGTH, PacketHeaders.int32(10));
        assertNull(PacketHeaders.parse(noLink, new byte[10], 262_144), "no link type");
        RecordHeaders shortTs = packet(1, 10, 1);
        shortTs.remove(PacketHeaders.TIMESTAMP_NS);
        shortTs.add(PacketHeaders.TIMESTAMP_NS, new byte[4]);
        assertNull(PacketHeaders.parse(shortTs, new byte[10], 262_144), "a 4-byte ns time");
        assertNull(PacketHeaders.parse(packet(1, 10, 1), null, 262_144), "no value");
        assertNull(PacketHeaders.parse(packet(1, 10, 1), new byte[11], 262_144), "frame longer than its wire length");
        assertNull(PacketHeaders.parse(packet(1, 300_000, 1), new byte[262_145], 262_144), "frame over the snap length");
        for (RecordHeaders h : new RecordHeaders[] {packet(1, 10, 1), noLink, shortTs}) {
            assertEquals(PacketHeaders.isPacket(h, new byte[10]), PacketHeaders.parse(h, new byte[10], 262_144) != null);
        }
    }
}
