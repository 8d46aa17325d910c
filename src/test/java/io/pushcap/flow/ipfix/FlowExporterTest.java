package io.pushcap.flow.ipfix;

import io.pushcap.config.FlowExportConfig;
import io.pushcap.config.FlowMeterConfig;
import io.pushcap.flow.FlowMeter;
import io.pushcap.metrics.MetricsRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static io.pushcap.flow.Frames.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlowExporterTest {
    private static final long S = 1_000_000_000L;
    private static final long T0 = 1_700_000_000_123_456_789L;

    private final long[] clock = {1_800_000_000L * S};
    private final MetricsRegistry metrics = new MetricsRegistry();
    private UdpReceiver rx;

    @BeforeEach
    void open() throws IOException {
        rx = new UdpReceiver();
    }

    @AfterEach
    void close() throws IOException {
        rx.close();
    }

    private FlowExportConfig config(long domain, int mtu, long refreshNanos, int refreshMessages,
                                    List<FlowExportConfig.TemplateSpec> templates) throws IOException {
        return new FlowExportConfig(List.of(new FlowExportConfig.Collector("127.0.0.1", rx.port(),
                FlowExportConfig.Transport.UDP, "test")), domain, mtu, refreshNanos, refreshMessages, templates, List.of(), "test");
    }

    private FlowExporter exporter(FlowExportConfig c) {
        return new FlowExporter(c, () -> clock[0], clock[0], metrics, "");
    }

    private static FlowMeter meter(FlowExporter e) {
        return new FlowMeter(FlowMeterConfig.defaults(FlowMeterConfig.Clock.PACKET), e, new MetricsRegistry(), "");
    }

    /** {@code n} one-packet UDP flows ending at flush. */
    private static void udpFlows(FlowMeter m, int n) {
        for (int i = 0; i < n; i++) {
            m.meter(packet(eth(0x0800, ipv4("10.0.0.1", "10.0.0.2", UDP, udp(1000 + i, 53, bytes(20)))), T0 + i));
        }
        m.flushAll();
    }

    @Test
    void shouldWriteGoldenMessageWhenSeedTemplateAndOneFlow() throws Exception {
        FlowExportConfig c = config(7, 1400, 60 * S, 100, List.of(new FlowExportConfig.TemplateSpec(1024,
                List.of("FlowEndMilliseconds", "FlowStartMilliseconds", "OctetDeltaCount", "PacketDeltaCount", "IpVersion",
                        "FlowDirection", "SourceIPv4Address", "DestinationIPv4Address"), "seed")));
        try (FlowExporter e = exporter(c)) {
            FlowMeter m = meter(e);
            m.meter(packet(eth(0x0800, ipv4("10.1.2.3", "192.168.0.9", TCP, tcp(40000, 443, SYN, bytes(0)))), T0));
            m.meter(packet(eth(0x0800, ipv4("10.1.2.3", "192.168.0.9", TCP, tcp(40000, 443, ACK | FIN, bytes(10)))),
                    T0 + 1_500_000_000L));
            m.flushAll();
        }
        String expected = ""
                // header: version 10, length 182, export time 1800000000, sequence 0, domain 7
                + "000a" + "00b6" + "6b49d200" + "00000000" + "00000007"
                // template set (id 2, 120 bytes)
                + "0002" + "0078"
                // template 1024, 8 fields: 153/8 152/8 1/8 2/8 60/1 61/1 8/4 12/4
                + "0400" + "0008" + "00990008" + "00980008" + "00010008" + "00020008" + "003c0001" + "003d0001"
                + "00080004" + "000c0004"
                // built-in IPv6 template 256, 19 fields
                + "0100" + "0013" + "00980008" + "00990008" + "00020008" + "00010008" + "000a0004" + "003c0001"
                + "001b0010" + "001c0010" + "00070002" + "000b0002" + "00040001" + "00060002" + "00050001"
                + "008b0002" + "00340001" + "00350001" + "003a0002" + "00f50002" + "00880001"
                // data set of template 1024, 46 bytes: one record
                + "0400" + "002e" + "0000018bcfe56e57" + "0000018bcfe5687b" + "000000000000005a" + "0000000000000002"
                + "04" + "00" + "0a010203" + "c0a80009";
        List<byte[]> got = rx.drain(1);
        assertEquals(1, got.size());
        assertEquals(expected, HexFormat.of().formatHex(got.get(0)));
    }

    @Test
    void shouldCountDataRecordsInSequenceWhenSplittingAtMtu() throws Exception {
        int flows = 25;
        try (FlowExporter e = exporter(config(9, 200, 0, 0, List.of()))) {
            udpFlows(meter(e), flows);
        }
        List<byte[]> got = rx.drain(14);
        long records = 0;
        Map<Integer, Integer> lengths = null;
        for (byte[] d : got) {
            IpfixTestDecoder.Message msg = IpfixTestDecoder.decode(d);
            assertEquals(10, msg.version());
            assertEquals(d.length, msg.length());
            assertTrue(d.length <= 200, "message of " + d.length + " bytes exceeds the mtu");
            assertEquals(9, msg.domain());
            assertEquals(1_800_000_000L, msg.exportTime());
            assertEquals(records, msg.sequence(), "sequence = data records sent before this message");
            if (msg.hasTemplates()) {
                lengths = IpfixTestDecoder.templates(msg.sets().get(0).body());
            }
            records += msg.records(lengths);
        }
        assertEquals(flows, records);
        assertEquals(62, lengths.get(256));
        assertEquals(flows, metrics.snapshot().get("pushcap_ipfix_records_total"));
        long messages = metrics.snapshot().entrySet().stream().filter(x -> x.getKey().startsWith("pushcap_ipfix_messages_total"))
                .mapToLong(Map.Entry::getValue).sum();
        assertEquals(got.size(), messages);
    }

    @Test
    void shouldKeepSequencesApartWhenTwoDomains() throws Exception {
        try (FlowExporter a = exporter(config(1, 1400, 0, 0, List.of()));
             FlowExporter b = exporter(config(2, 1400, 0, 0, List.of()))) {
            FlowMeter ma = meter(a);
            FlowMeter mb = meter(b);
            udpFlows(ma, 5);
            a.flush();
            udpFlows(mb, 3);
            b.flush();
            udpFlows(ma, 2);
            a.flush();
            udpFlows(mb, 4);
            b.flush();
        }
        List<byte[]> got = rx.drain(4);
        long[] expected = {0, 0, 5, 3};
        long[] domains = {1, 2, 1, 2};
        for (int i = 0; i < 4; i++) {
            IpfixTestDecoder.Message msg = IpfixTestDecoder.decode(got.get(i));
            assertEquals(domains[i], msg.domain());
            assertEquals(expected[i], msg.sequence(), "message " + i);
        }
    }

    @Test
    void shouldResendTemplatesWhenEveryNMessages() throws Exception {
        // mtu 150: two 62-byte records per message (16 + 4 + 2 * 62); refresh every 3 messages, never by time.
        try (FlowExporter e = exporter(config(0, 150, 0, 3, List.of()))) {
            udpFlows(meter(e), 8);
        }
        List<byte[]> got = rx.drain(8);
        StringBuilder pattern = new StringBuilder();
        for (byte[] d : got) {
            IpfixTestDecoder.Message m = IpfixTestDecoder.decode(d);
            pattern.append(m.hasTemplates() ? (m.sets().size() == 1 ? "T" : "t") : ".");
        }
        // At mtu 150 the two templates need a message each (T), and no record fits beside them;
        // they are sent again after every third message of records: 8 records = 2 + 2 + 2, then 2.
        assertEquals("TT...TT.", pattern.toString());
    }

    @Test
    void shouldResendTemplatesWhenRefreshIntervalPassed() throws Exception {
        try (FlowExporter e = exporter(config(0, 1400, 10 * S, 0, List.of()))) {
            FlowMeter m = meter(e);
            long[] at = {0, 5, 11, 12, 25};
            for (int i = 0; i < at.length; i++) {
                clock[0] = 1_800_000_000L * S + at[i] * S;
                m.meter(packet(eth(0x0800, ipv4("10.0.0.1", "10.0.0.2", UDP, udp(2000 + i, 53, bytes(20)))), T0 + i));
                m.flushAll();
                e.flush();
            }
        }
        StringBuilder pattern = new StringBuilder();
        for (byte[] d : rx.drain(5)) {
            pattern.append(IpfixTestDecoder.decode(d).hasTemplates() ? "t" : ".");
        }
        assertEquals("t.t.t", pattern.toString());
    }

    @Test
    void shouldSendPartialMessageWhenTickAfterMaxDelay() throws Exception {
        try (FlowExporter e = exporter(config(0, 1400, 0, 0, List.of()))) {
            udpFlows(meter(e), 2);
            e.tick();
            assertTrue(rx.drain(0).isEmpty(), "a fresh message waits for more records");
            clock[0] += FlowExporter.MAX_MESSAGE_DELAY_NANOS;
            e.tick();
            assertEquals(1, rx.drain(1).size());
            assertEquals(2, IpfixTestDecoder.decode(rx.received.get(0)).records(Map.of(256, 62)));
        }
    }

    @Test
    void shouldSendSameMessagesToEveryCollectorWhenSeveral() throws Exception {
        try (UdpReceiver second = new UdpReceiver()) {
            FlowExportConfig c = new FlowExportConfig(List.of(
                    new FlowExportConfig.Collector("127.0.0.1", rx.port(), FlowExportConfig.Transport.UDP, "a"),
                    new FlowExportConfig.Collector("127.0.0.1", second.port(), FlowExportConfig.Transport.UDP, "b")),
                    3, 300, 0, 0, List.of(), List.of(), "test");
            try (FlowExporter e = exporter(c)) {
                udpFlows(meter(e), 9);
            }
            List<byte[]> a = rx.drain(3);
            List<byte[]> b = second.drain(a.size());
            assertEquals(a.size(), b.size());
            for (int i = 0; i < a.size(); i++) {
                assertEquals(HexFormat.of().formatHex(a.get(i)), HexFormat.of().formatHex(b.get(i)), "message " + i);
            }
        }
    }

    @Test
    void shouldSendNothingWhenNoFlowEnded() throws Exception {
        try (FlowExporter e = exporter(config(0, 1400, 0, 0, List.of()))) {
            e.tick();
            e.flush();
        }
        assertFalse(rx.drain(0).iterator().hasNext());
    }
}
