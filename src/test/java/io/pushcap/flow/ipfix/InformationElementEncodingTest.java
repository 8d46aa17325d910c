package io.pushcap.flow.ipfix;

import io.pushcap.PushcapException;
import io.pushcap.config.FlowExportConfig;
import io.pushcap.config.FlowMeterConfig;
import io.pushcap.flow.FlowMeter;
import io.pushcap.flow.FlowTable;
import io.pushcap.metrics.MetricsRegistry;
import io.pushcap.pcap.LinkType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static io.pushcap.flow.Frames.*;
import static java.util.Map.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Golden bytes for every information element pushcap exports, each hand-computed from three
 * known flows: "tcp4" (10.1.2.3:40000 -> 192.168.0.9:443 on ifindex 7, QinQ VLANs 100/200,
 * SYN ttl 60 tos 0xb8 at T0 = 1700000000.123456789 s, then ACK|FIN ttl 50 with 10 bytes at T0 + 1.5 s),
 * "icmp4" (10.0.0.1 -> 10.0.0.2, type 3 code 13, 328 octets) and "icmp6" (2001:db8::a -> 2001:db8::b,
 * type 128 code 0). Flows end with reason 4 (flush); the system init time is 1700000000 s; the
 * observation domain 0x01020304.
 */
class InformationElementEncodingTest {
    private static final long T0 = 1_700_000_000_123_456_789L;

    private static final Map<String, String> GOLDEN = Map.ofEntries(
            entry("octetDeltaCount", "tcp4 000000000000005a"),
            entry("packetDeltaCount", "tcp4 0000000000000002"),
            entry("deltaFlowCount", "tcp4 0000000000000001"),
            entry("protocolIdentifier", "tcp4 06"),
            entry("ipClassOfService", "tcp4 b8"),
            entry("tcpControlBits", "tcp4 0013"),
            entry("sourceTransportPort", "tcp4 9c40"),
            entry("sourceIPv4Address", "tcp4 0a010203"),
            entry("ingressInterface", "tcp4 00000007"),
            entry("destinationTransportPort", "tcp4 01bb"),
            entry("destinationIPv4Address", "tcp4 c0a80009"),
            entry("egressInterface", "tcp4 00000000"),
            entry("flowEndSysUpTime", "tcp4 00000657"),
            entry("flowStartSysUpTime", "tcp4 0000007b"),
            entry("sourceIPv6Address", "icmp6 20010db800000000000000000000000a"),
            entry("destinationIPv6Address", "icmp6 20010db800000000000000000000000b"),
            entry("icmpTypeCodeIPv4", "icmp4 030d"),
            entry("minimumTTL", "tcp4 32"),
            entry("maximumTTL", "tcp4 3c"),
            entry("vlanId", "tcp4 0064"),
            entry("ipVersion", "icmp6 06"),
            entry("flowDirection", "tcp4 00"),
            entry("octetTotalCount", "icmp4 0000000000000148"),
            entry("packetTotalCount", "tcp4 0000000000000002"),
            entry("flowEndReason", "tcp4 04"),
            entry("icmpTypeCodeIPv6", "icmp6 8000"),
            entry("observationDomainId", "tcp4 01020304"),
            entry("flowStartSeconds", "tcp4 6553f100"),
            entry("flowEndSeconds", "tcp4 6553f101"),
            entry("flowStartMilliseconds", "tcp4 0000018bcfe5687b"),
            entry("flowEndMilliseconds", "tcp4 0000018bcfe56e57"),
            entry("flowStartMicroseconds", "tcp4 e8fe6f801f9ad000"),
            entry("flowEndMicroseconds", "tcp4 e8fe6f819f9ad000"),
            entry("flowStartNanoseconds", "tcp4 e8fe6f801f9add38"),
            entry("flowEndNanoseconds", "tcp4 e8fe6f819f9add38"),
            entry("systemInitTimeMilliseconds", "tcp4 0000018bcfe56800"),
            entry("flowDurationMilliseconds", "tcp4 000005dc"),
            entry("flowDurationMicroseconds", "tcp4 0016e360"),
            entry("icmpTypeIPv4", "icmp4 03"),
            entry("icmpCodeIPv4", "icmp4 0d"),
            entry("icmpTypeIPv6", "icmp6 80"),
            entry("icmpCodeIPv6", "icmp6 00"),
            entry("ipDiffServCodePoint", "tcp4 2e"),
            entry("ipPrecedence", "tcp4 05"),
            entry("dot1qVlanId", "tcp4 0064"),
            entry("dot1qCustomerVlanId", "tcp4 00c8"));

    /** Extra cases: reduced-size encodings, saturation and enterprise elements. */
    private static final Map<String, String> EXTRA = Map.ofEntries(
            entry("octetDeltaCount:4", "tcp4 0000005a"),
            entry("octetDeltaCount:3", "icmp4 000148"),
            entry("octetDeltaCount:1", "icmp4 ff"),
            entry("tcpControlBits:1", "tcp4 13"),
            entry("ingressInterface:2", "tcp4 0007"),
            entry("keioPackets", "tcp4 00000002"),
            entry("keioConstant", "tcp4 000abc"),
            entry("keioStart", "tcp4 0000018bcfe5687b"));

    private static final Map<String, byte[]> encoded = new HashMap<>();
    private static final InformationElements TABLE = InformationElements.standard().withEnterprise(List.of(
            new FlowExportConfig.EnterpriseElementSpec("keioPackets", 28972, 1, 4, "packetDeltaCount", 0, "test"),
            new FlowExportConfig.EnterpriseElementSpec("keioConstant", 28972, 2, 3, null, 0xabc, "test"),
            new FlowExportConfig.EnterpriseElementSpec("keioStart", 28972, 3, 8, "flowStartMilliseconds", 0, "test")));
    private static long saturated;

    @BeforeAll
    static void meterThreeFlows() {
        RecordEncoder enc = new RecordEncoder(1_700_000_000_000_000_000L, 0x01020304L);
        FlowMeter m = new FlowMeter(FlowMeterConfig.defaults(FlowMeterConfig.Clock.PACKET), (FlowTable t, int f, int reason) -> {
            String flow = t.ipVersion(f) == 6 ? "icmp6" : t.protocol(f) == 1 ? "icmp4" : "tcp4";
            Map<String, String> all = new HashMap<>(GOLDEN);
            all.putAll(EXTRA);
            for (String spec : all.keySet()) {
                IpfixTemplate tpl;
                try {
                    tpl = IpfixTemplate.compile(300, List.of(spec), TABLE, "test");
                } catch (PushcapException e) {
                    throw new AssertionError(spec, e);
                }
                if (!tpl.covers(t.ipVersion(f))) {
                    continue;
                }
                ByteBuffer b = ByteBuffer.allocate(64);
                int end = enc.encode(b, 0, tpl, t, f, reason);
                byte[] out = new byte[end];
                b.get(0, out);
                encoded.put(flow + " " + spec, out);
            }
        }, new MetricsRegistry(), "");
        int[] qinq = {0x88a8, 100, 0x8100, 200};
        m.meter(packet(ethTagged(qinq, 0x0800, ipv4("10.1.2.3", "192.168.0.9", TCP, 60, 0xb8, 0, tcp(40000, 443, SYN, bytes(0)))),
                T0, LinkType.ETHERNET, 7));
        m.meter(packet(ethTagged(qinq, 0x0800, ipv4("10.1.2.3", "192.168.0.9", TCP, 50, 0, 0, tcp(40000, 443, ACK | FIN, bytes(10)))),
                T0 + 1_500_000_000L, LinkType.ETHERNET, 7));
        m.meter(packet(eth(0x0800, ipv4("10.0.0.1", "10.0.0.2", ICMP, icmp(3, 13, bytes(304)))), T0));
        m.meter(packet(eth(0x86dd, ipv6("2001:db8::a", "2001:db8::b", ICMPV6, icmp(128, 0, bytes(4)))), T0));
        m.flushAll();
        saturated = enc.saturated();
    }

    @Test
    void shouldHaveGoldenBytesForEveryElement() {
        for (InformationElement e : InformationElements.standard().all()) {
            assertTrue(GOLDEN.containsKey(e.name()), "no golden bytes for " + e.name());
        }
        assertEquals(InformationElements.standard().all().size(), GOLDEN.size(), "golden entries for unknown elements");
    }

    @Test
    void shouldEncodeEveryElementAsGoldenBytesWhenFlowExpires() {
        for (Map<String, String> m : List.of(GOLDEN, EXTRA)) {
            for (Map.Entry<String, String> g : m.entrySet()) {
                String[] w = g.getValue().split(" ");
                byte[] got = encoded.get(w[0] + " " + g.getKey());
                assertTrue(got != null, "not encoded: " + g.getKey() + " for " + w[0]);
                assertEquals(w[1], HexFormat.of().formatHex(got), g.getKey());
            }
        }
    }

    @Test
    void shouldCountSaturationWhenValueExceedsReducedSize() {
        assertEquals(1, saturated, "only octetDeltaCount:1 of the 328-octet ICMP flow overflows");
    }

    @Test
    void shouldUseIanaIdsAndTypesWhenLookedUpAnyCase() {
        InformationElements t = InformationElements.standard();
        for (String n : List.of("FlowEndMilliseconds", "FlowStartMilliseconds", "FlowEndNanoseconds", "FlowStartNanoseconds",
                "OctetDeltaCount", "PacketDeltaCount", "IpVersion", "IngressInterface", "EgressInterface",
                "SourceIPv4Address", "DestinationIPv4Address", "ProtocolIdentifier", "SourceTransportPort",
                "DestinationTransportPort", "flowDirection", "tcpControlBits", "icmpTypeCodeIPv4", "minimumTTL",
                "maximumTTL", "vlanId", "flowEndReason", "dot1qVlanId", "dot1qCustomerVlanId", "ipClassOfService")) {
            assertEquals(n.toLowerCase(), t.lookup(n, "test").name().toLowerCase());
        }
        assertEquals(153, t.lookup("FlowEndMilliseconds", "t").id());
        assertEquals(156, t.lookup("flowstartnanoseconds", "t").id());
        assertEquals(ElementType.DATE_TIME_NANOSECONDS, t.lookup("FLOWENDNANOSECONDS", "t").type());
        assertEquals(2, t.lookup("tcpControlBits", "t").length());
        assertEquals(243, t.lookup("dot1qVlanId", "t").id());
        assertEquals(245, t.lookup("dot1qCustomerVlanId", "t").id());
        assertEquals(139, t.lookup("icmpTypeCodeIPv6", "t").id());
    }

    @Test
    void shouldRefuseElementsWithReasonWhenUnknownOrUnmeasured() {
        InformationElements t = InformationElements.standard();
        PushcapException e = assertThrows(PushcapException.class, () -> t.lookup("octetDeltaCnt", "flows.yaml:3"));
        assertTrue(e.getMessage().startsWith("flows.yaml:3: unknown information element 'octetDeltaCnt' (expected one of"), e.getMessage());
        e = assertThrows(PushcapException.class, () -> t.lookup("bgpSourceAsNumber", "flows.yaml:4"));
        assertEquals("flows.yaml:4: information element 'bgpSourceAsNumber' is an IANA element the flow meter does not measure",
                e.getMessage());
        e = assertThrows(PushcapException.class, () -> IpfixTemplate.compile(300, List.of("sourceIPv4Address:2"), t, "f:1"));
        assertEquals("f:1: template 300: 'sourceIPv4Address:2': sourceIPv4Address is ipv4Address (length 4)", e.getMessage());
        e = assertThrows(PushcapException.class, () -> IpfixTemplate.compile(300, List.of("packetDeltaCount:9"), t, "f:1"));
        assertEquals("f:1: template 300: 'packetDeltaCount:9': packetDeltaCount is unsigned64 (length 1..8)", e.getMessage());
    }

    @Test
    void shouldWriteEnterpriseBitAndNumberWhenTemplateHasEnterpriseElement() {
        IpfixTemplate tpl = IpfixTemplate.compile(1024, List.of("packetDeltaCount", "keioPackets"), TABLE, "test");
        ByteBuffer b = ByteBuffer.allocate(tpl.templateRecordLength());
        assertEquals(tpl.templateRecordLength(), tpl.writeTemplateRecord(b, 0));
        assertEquals("04000002" + "00020008" + "80010004" + "0000712c", HexFormat.of().formatHex(b.array()));
    }
}
