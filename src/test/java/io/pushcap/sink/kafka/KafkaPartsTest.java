package io.pushcap.sink.kafka;

import io.pushcap.PushcapException;
import io.pushcap.kafka.KafkaLocation;
import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.Packet;
import io.pushcap.sink.SourceMark;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The small parts of the KAFKA target: URL, flow key, cursor record. */
class KafkaPartsTest {

    /** Ethernet + IPv4 + UDP from 10.0.0.1:1234 to 10.0.0.2:53 (or reversed). */
    private static Packet udp(boolean reversed) {
        String a = "0a000001";
        String b = "0a000002";
        String pa = "04d2";
        String pb = "0035";
        String hex = "020000000002" + "020000000001" + "0800"
                + "4500001c0000000040110000" + (reversed ? b + a : a + b)
                + (reversed ? pb + pa : pa + pb) + "00080000";
        byte[] f = HexFormat.of().parseHex(hex);
        return new Packet().set(MemorySegment.ofArray(f), 0, f.length, f.length, 1, LinkType.ETHERNET, 0);
    }

    @Test
    void shouldGiveBothDirectionsOfAFlowTheSameKeyWhenKeyIsFlow() {
        FlowKey k = new FlowKey();
        byte[] there = k.of(udp(false));
        byte[] back = k.of(udp(true));
        assertThat(there).hasSize(8).isEqualTo(back);
        byte[] arp = HexFormat.of().parseHex("ffffffffffff0200000000010806" + "0001080006040001");
        assertThat(k.of(new Packet().set(MemorySegment.ofArray(arp), 0, arp.length, arp.length, 1, LinkType.ETHERNET, 0)))
                .isNull();
    }

    @Test
    void shouldParseKafkaUrlsWhenTheyHaveOneOrMoreBrokers() {
        assertThat(KafkaLocation.parse("kafka://b1:9092,b2:9093/packets.eu-1"))
                .isEqualTo(new KafkaLocation("b1:9092,b2:9093", "packets.eu-1"));
        // A URL that went through a file Path keeps one slash.
        assertThat(KafkaLocation.parse("kafka:/b1:9092/t")).isEqualTo(new KafkaLocation("b1:9092", "t"));
        assertThat(KafkaLocation.parse("kafka://b1:9092/t").cursorTopic()).isEqualTo("t.pushcap-cursors");
        assertThatThrownBy(() -> KafkaLocation.parse("kafka://b1/t")).isInstanceOf(PushcapException.class)
                .hasMessageContaining("expected kafka://HOST:PORT[,HOST:PORT...]/TOPIC");
        assertThatThrownBy(() -> KafkaLocation.parse("kafka://b1:9092/a b")).isInstanceOf(PushcapException.class);
    }

    @Test
    void shouldReadBackTheSameMarkWhenACursorRecordIsDecoded() {
        SourceMark m = new SourceMark("2 files (/a/b c.pcap ... /x\ty.pcap)", 3, 123_456, 1_700_000_000_123_456_789L);
        assertThat(CursorRecords.decode(CursorRecords.encode(m))).isEqualTo(m);
        assertThat(CursorRecords.decode("v2\t1\t2\t3\tx".getBytes())).isNull();
        assertThat(CursorRecords.decode(null)).isNull();
    }
}
