package io.pushcap.config;

import io.pushcap.PushcapException;
import io.pushcap.flow.ipfix.IpfixTemplates;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FlowExportFileTest {

    private static final String SEED = """
            collectors:
            - address: 10.146.0.6:2100
            templates:
            - id: 1024
              template:
              - FlowEndMilliseconds
              - FlowStartMilliseconds
              - OctetDeltaCount
              - PacketDeltaCount
              - IpVersion
              - FlowDirection
              - SourceIPv4Address
              - DestinationIPv4Address
            """;

    private static String error(String text) {
        return assertThrows(PushcapException.class, () -> FlowExportFile.parse("f.yaml", text)).getMessage();
    }

    private static String templateError(String text) {
        FlowExportFile.Parsed p = FlowExportFile.parse("f.yaml", text);
        FlowExportConfig c = new FlowExportConfig(List.of(new FlowExportConfig.Collector("127.0.0.1", 9, null, "t")), 0,
                1400, 0, 0, p.templates(), p.enterpriseElements(), "f.yaml");
        return assertThrows(PushcapException.class, () -> IpfixTemplates.of(c)).getMessage();
    }

    @Test
    void shouldReadSeedLayoutWhenGivenTheSeedConfig() {
        FlowExportFile.Parsed p = FlowExportFile.parse("seed.yaml", SEED);
        assertEquals(1, p.collectors().size());
        assertEquals("10.146.0.6", p.collectors().get(0).host());
        assertEquals(2100, p.collectors().get(0).port());
        assertEquals(FlowExportConfig.Transport.UDP, p.collectors().get(0).transport());
        assertEquals(1024, p.templates().get(0).id());
        assertEquals(8, p.templates().get(0).fields().size());
        assertEquals("FlowDirection", p.templates().get(0).fields().get(5));
        assertEquals("seed.yaml:4", p.templates().get(0).origin());
        assertEquals(-1, p.domain());
        FlowExportConfig c = new FlowExportConfig(p.collectors(), 0, 1400, 0, 0, p.templates(), List.of(), "seed.yaml");
        IpfixTemplates t = IpfixTemplates.of(c);
        assertEquals(1024, t.forVersion(4).id());
        assertEquals(256, t.forVersion(6).id(), "IPv6 flows fall back to the built-in IPv6 template");
        assertEquals(42, t.forVersion(4).recordLength());
    }

    @Test
    void shouldReadEveryKeyWhenFileIsComplete() {
        FlowExportFile.Parsed p = FlowExportFile.parse("f.yaml", """
                # a comment
                domain: 42
                mtu: 9000   # jumbo
                template-refresh: 0.5
                template-refresh-messages: 0
                collectors:
                  - address: "[2001:db8::1]:4739"
                    protocol: tcp
                  - 127.0.0.1:2055
                templates:
                  - id: 300
                    template: [flowStartNanoseconds, flowEndNanoseconds, octetDeltaCount:4, keio]
                enterprise-elements:
                  - name: keio
                    enterprise: 28972
                    id: 1
                    length: 4
                    source: packetDeltaCount
                  - name: site
                    enterprise: 28972
                    id: 2
                    length: 2
                    value: 7
                """);
        assertEquals(42, p.domain());
        assertEquals(9000, p.mtu());
        assertEquals(500_000_000L, p.refreshNanos());
        assertEquals(0, p.refreshMessages());
        assertEquals("2001:db8::1", p.collectors().get(0).host());
        assertEquals(FlowExportConfig.Transport.TCP, p.collectors().get(0).transport());
        assertEquals(2055, p.collectors().get(1).port());
        assertEquals(List.of("flowStartNanoseconds", "flowEndNanoseconds", "octetDeltaCount:4", "keio"),
                p.templates().get(0).fields());
        assertEquals("packetDeltaCount", p.enterpriseElements().get(0).source());
        assertNull(p.enterpriseElements().get(1).source());
        assertEquals(7, p.enterpriseElements().get(1).value());
        FlowExportConfig c = new FlowExportConfig(p.collectors(), 0, 1400, 0, 0, p.templates(), p.enterpriseElements(), "f");
        IpfixTemplates t = IpfixTemplates.of(c);
        assertEquals(300, t.forVersion(4).id());
        assertEquals(300, t.forVersion(6).id(), "no address element: one template for both versions");
        assertEquals(1, t.announced().size());
        assertEquals(24, t.forVersion(6).recordLength());
    }

    @Test
    void shouldNameLineAndRuleWhenFileIsWrong() {
        assertEquals("f.yaml:2: unknown key 'colectors' in top level (expected one of collectors, domain, enterprise-elements, "
                        + "mtu, template-refresh, template-refresh-messages, templates)",
                error("domain: 1\ncolectors:\n- 1.2.3.4:5\n"));
        assertEquals("f.yaml:3: unknown key 'port' in collector (expected one of address, protocol)",
                error("collectors:\n- address: 1.2.3.4:5\n  port: 6\n"));
        assertEquals("f.yaml:2: collector '1.2.3.4' (expected HOST:PORT)", error("collectors:\n- 1.2.3.4\n"));
        assertEquals("f.yaml:2: template id 12 (expected 256..65535)", error("templates:\n- id: 12\n  template: [octetDeltaCount]\n"));
        assertEquals("f.yaml:1: mtu 99999 (expected 128..65535)", error("mtu: 99999\n"));
        assertEquals("f.yaml:1: domain 'x' (expected an integer 0..4294967295)", error("domain: x\n"));
        assertEquals("f.yaml:2: tab in indentation (use spaces)", error("templates:\n\t- id: 300\n"));
        assertEquals("f.yaml:3: key 'mtu' repeated (first at line 1)", error("mtu: 1400\ndomain: 1\nmtu: 1500\n"));
        assertEquals("f.yaml:1: key 'templates' has no value", error("templates:\n"));
        assertEquals("f.yaml:3: protocol 'sctp' (expected udp or tcp)", error("collectors:\n- address: 1.2.3.4:5\n  protocol: sctp\n"));
        assertEquals("f.yaml:2: '{address: 1.2.3.4:5}': YAML flow mappings, anchors, tags and block scalars are not supported",
                error("collectors:\n- {address: 1.2.3.4:5}\n"));
        assertEquals("f.yaml:2: enterprise element needs exactly one of 'source: ELEMENT' or 'value: N'",
                error("enterprise-elements:\n- name: a\n  enterprise: 1\n  id: 1\n  length: 4\n"));
    }

    @Test
    void shouldRefuseTemplatesWithReasonWhenInvalid() {
        assertEquals("f.yaml:2: template 300: unknown information element 'octetDeltaCnt' (expected one of ",
                templateError("templates:\n- id: 300\n  template: [octetDeltaCnt]\n").substring(0, 85));
        assertEquals("f.yaml:2: template 300: mixes IPv4 (sourceIPv4Address) and IPv6 (destinationIPv6Address) elements;"
                        + " IPv4 and IPv6 flows need separate templates",
                templateError("templates:\n- id: 300\n  template: [sourceIPv4Address, destinationIPv6Address]\n"));
        assertEquals("f.yaml:4: template 301 would never be used: template 300 already covers its IPv4 flows",
                templateError("templates:\n- id: 300\n  template: [sourceIPv4Address]\n- id: 301\n  template: [destinationIPv4Address]\n"));
        assertEquals("f.yaml:4: template id 300 is defined twice",
                templateError("templates:\n- id: 300\n  template: [sourceIPv4Address]\n- id: 300\n  template: [sourceIPv6Address]\n"));
        assertEquals("f.yaml:2: template 300: octetDeltaCount appears twice",
                templateError("templates:\n- id: 300\n  template: [octetDeltaCount, OctetDeltaCount]\n"));
        assertEquals("f.yaml:2: enterprise element 'octetDeltaCount' has the name of an IANA element",
                templateError("enterprise-elements:\n- name: octetDeltaCount\n  enterprise: 9\n  id: 1\n  length: 4\n  value: 1\n"));
    }
}
