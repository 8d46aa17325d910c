package io.pushcap.flow;

import io.pushcap.config.FlowMeterConfig;
import io.pushcap.metrics.MetricsRegistry;
import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.Packet;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static io.pushcap.flow.Frames.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlowMeterTest {
    private static final long S = 1_000_000_000L;
    private static final long T0 = 1_700_000_000L * S;

    private final MetricsRegistry metrics = new MetricsRegistry();
    private final RecordingListener out = new RecordingListener();

    private FlowMeter meter(long idleS, long activeS, long finS, int maxFlows, FlowMeterConfig.Clock clock) {
        return new FlowMeter(new FlowMeterConfig(idleS * S, activeS * S, finS * S, maxFlows, clock), out, metrics, "");
    }

    private static byte[] udpFrame(int sport) {
        return eth(0x0800, ipv4("10.0.0.1", "10.0.0.2", UDP, udp(sport, 53, bytes(12))));
    }

    private static byte[] tcpFrame(String src, String dst, int sport, int dport, int flags) {
        return eth(0x0800, ipv4(src, dst, TCP, tcp(sport, dport, flags, bytes(0))));
    }

    private long counter(String name) {
        return metrics.snapshot().getOrDefault(name, -1L);
    }

    @Test
    void shouldAccumulateFlowWhenPacketsShareKey() {
        FlowMeter m = meter(15, 1800, 1, 100, FlowMeterConfig.Clock.PACKET);
        m.meter(packet(eth(0x0800, ipv4("10.0.0.1", "10.0.0.2", TCP, 60, 0x10, 0, tcp(1, 2, SYN, bytes(0)))), T0));
        m.meter(packet(eth(0x0800, ipv4("10.0.0.1", "10.0.0.2", TCP, 50, 0, 0, tcp(1, 2, ACK | PSH, bytes(100)))), T0 + 5));
        m.meter(packet(eth(0x0800, ipv4("10.0.0.2", "10.0.0.1", TCP, 60, 0, 0, tcp(2, 1, SYN | ACK, bytes(0)))), T0 + 7));
        assertEquals(2, m.activeFlows(), "flows are unidirectional");
        assertEquals(2, m.flushAll());
        FlowEntry a = out.ended.get(0).flow();
        assertEquals(2, a.packets());
        assertEquals(40 + 140, a.octets());
        assertEquals(T0, a.firstNanos());
        assertEquals(T0 + 5, a.lastNanos());
        assertEquals(SYN | ACK | PSH, a.tcpFlags());
        assertEquals(FlowEndReason.FORCED_END, out.ended.get(0).reason());
        assertEquals(3, counter("pushcap_flow_packets_total"));
        assertEquals(220, counter("pushcap_flow_octets_total"));
        assertEquals(2, counter("pushcap_flow_flows_created_total"));
        assertEquals(2, counter("pushcap_flow_expired_total{reason=\"forced\"}"));
    }

    @Test
    void shouldKeepMinMaxTtlAndFirstTosWhenMetering() {
        RecordingTable rt = new RecordingTable();
        FlowMeter m = new FlowMeter(FlowMeterConfig.defaults(FlowMeterConfig.Clock.PACKET), rt, metrics, "");
        m.meter(packet(eth(0x0800, ipv4("10.0.0.1", "10.0.0.2", UDP, 60, 0x28, 0, udp(1, 2, bytes(1)))), T0));
        m.meter(packet(eth(0x0800, ipv4("10.0.0.1", "10.0.0.2", UDP, 12, 0x00, 0, udp(1, 2, bytes(1)))), T0 + 1));
        m.meter(packet(eth(0x0800, ipv4("10.0.0.1", "10.0.0.2", UDP, 250, 0x00, 0, udp(1, 2, bytes(1)))), T0 + 2));
        m.flushAll();
        assertEquals("ttl 12..250 tos 40", rt.seen);
    }

    private static final class RecordingTable implements FlowExpiryListener {
        String seen;

        @Override
        public void flowExpired(FlowTable t, int f, int reason) {
            seen = "ttl " + t.minTtl(f) + ".." + t.maxTtl(f) + " tos " + t.tos(f);
        }
    }

    @Test
    void shouldExpireIdleWhenNoPacketForIdleTimeout() {
        FlowMeter m = meter(10, 1800, 1, 100, FlowMeterConfig.Clock.PACKET);
        m.meter(packet(udpFrame(1), T0));
        m.meter(packet(udpFrame(2), T0 + 9 * S));
        assertTrue(out.ended.isEmpty());
        m.meter(packet(udpFrame(2), T0 + 10 * S)); // now = T0 + 10 s: flow 1 idle for exactly 10 s
        assertEquals(1, out.ended.size());
        assertEquals(1, out.ended.get(0).flow().srcPort());
        assertEquals(FlowEndReason.IDLE_TIMEOUT, out.ended.get(0).reason());
        assertEquals(1, counter("pushcap_flow_expired_total{reason=\"idle\"}"));
    }

    @Test
    void shouldStartNewFlowWhenPacketArrivesAfterIdleTimeout() {
        FlowMeter m = meter(10, 1800, 1, 100, FlowMeterConfig.Clock.PACKET);
        m.meter(packet(udpFrame(1), T0));
        m.meter(packet(udpFrame(1), T0 + 11 * S));
        assertEquals(1, out.ended.size());
        assertEquals(FlowEndReason.IDLE_TIMEOUT, out.ended.get(0).reason());
        assertEquals(1, out.ended.get(0).flow().packets());
        assertEquals(1, m.activeFlows());
        assertEquals(2, counter("pushcap_flow_flows_created_total"));
    }

    @Test
    void shouldExpireActiveWhenFlowOutlivesActiveTimeout() {
        FlowMeter m = meter(10, 5, 1, 100, FlowMeterConfig.Clock.PACKET);
        for (int i = 0; i <= 7; i++) {
            m.meter(packet(udpFrame(1), T0 + i * S));
        }
        assertEquals(1, out.ended.size());
        RecordingListener.Ended e = out.ended.get(0);
        assertEquals(FlowEndReason.ACTIVE_TIMEOUT, e.reason());
        assertEquals(5, e.flow().packets(), "packets at 0..4 s; the one at 5 s starts the next flow");
        assertEquals(T0 + 4 * S, e.flow().lastNanos());
        m.flushAll();
        assertEquals(3, out.ended.get(1).flow().packets());
        assertEquals(T0 + 5 * S, out.ended.get(1).flow().firstNanos());
        assertEquals(1, counter("pushcap_flow_expired_total{reason=\"active\"}"));
    }

    @Test
    void shouldEndFlowWhenFinSeenAndFinTimeoutPassed() {
        FlowMeter m = meter(30, 1800, 2, 100, FlowMeterConfig.Clock.PACKET);
        m.meter(packet(tcpFrame("10.0.0.1", "10.0.0.2", 1, 80, SYN), T0));
        m.meter(packet(tcpFrame("10.0.0.1", "10.0.0.2", 1, 80, FIN | ACK), T0 + S));
        m.meter(packet(tcpFrame("10.0.0.1", "10.0.0.2", 1, 80, ACK), T0 + S + S / 2)); // the last ACK stays in the flow
        m.meter(packet(udpFrame(9), T0 + 3 * S)); // time passes: 1.5 s since the last packet
        assertTrue(out.ended.isEmpty());
        m.meter(packet(udpFrame(9), T0 + 3 * S + S / 2)); // 2 s since the last packet
        assertEquals(1, out.ended.size());
        RecordingListener.Ended e = out.ended.get(0);
        assertEquals(FlowEndReason.END_OF_FLOW, e.reason());
        assertEquals(3, e.flow().packets());
        assertTrue(e.flow().finished());
        assertEquals(SYN | FIN | ACK, e.flow().tcpFlags());
        assertEquals(1, counter("pushcap_flow_expired_total{reason=\"end_of_flow\"}"));
    }

    @Test
    void shouldEndFlowAtNextPacketWhenRstAndFinTimeoutZero() {
        FlowMeter m = meter(30, 1800, 0, 100, FlowMeterConfig.Clock.PACKET);
        m.meter(packet(tcpFrame("10.0.0.1", "10.0.0.2", 1, 80, RST), T0));
        m.meter(packet(tcpFrame("10.0.0.1", "10.0.0.2", 1, 80, RST), T0 + 1));
        assertEquals(1, out.ended.size());
        assertEquals(FlowEndReason.END_OF_FLOW, out.ended.get(0).reason());
        assertEquals(1, m.activeFlows(), "the second RST starts a new flow");
    }

    @Test
    void shouldNotFinishFlowWhenNonTcpPacketHasFlagBits() {
        FlowMeter m = meter(30, 1800, 0, 100, FlowMeterConfig.Clock.PACKET);
        m.meter(packet(udpFrame(1), T0));
        m.meter(packet(udpFrame(1), T0 + 1));
        assertTrue(out.ended.isEmpty());
    }

    @Test
    void shouldEvictLeastRecentlySeenWhenCacheFull() {
        FlowMeter m = meter(30, 1800, 1, 2, FlowMeterConfig.Clock.PACKET);
        m.meter(packet(udpFrame(1), T0));
        m.meter(packet(udpFrame(2), T0 + 1));
        m.meter(packet(udpFrame(1), T0 + 2)); // flow 2 is now the least recently seen
        m.meter(packet(udpFrame(3), T0 + 3));
        assertEquals(1, out.ended.size());
        assertEquals(2, out.ended.get(0).flow().srcPort());
        assertEquals(FlowEndReason.LACK_OF_RESOURCES, out.ended.get(0).reason());
        assertEquals(2, m.activeFlows());
        assertEquals(1, counter("pushcap_flow_cache_evictions_total"));
        assertEquals(1, counter("pushcap_flow_expired_total{reason=\"lack_of_resources\"}"));
    }

    @Test
    void shouldExpireOnWallClockWhenAdvancedWithoutPackets() {
        FlowMeter m = meter(10, 1800, 1, 100, FlowMeterConfig.Clock.WALL);
        m.meter(packet(udpFrame(1), T0));
        m.advanceTo(T0 + 9 * S);
        assertTrue(out.ended.isEmpty());
        m.advanceTo(T0 + 10 * S);
        assertEquals(1, out.ended.size());
        assertEquals(FlowEndReason.IDLE_TIMEOUT, out.ended.get(0).reason());
        assertEquals(0, m.activeFlows());
    }

    @Test
    void shouldIgnorePacketTimeWhenWallClock() {
        FlowMeter m = meter(10, 1800, 1, 100, FlowMeterConfig.Clock.WALL);
        m.meter(packet(udpFrame(1), T0));
        m.meter(packet(udpFrame(2), T0 + 100 * S)); // packet time alone does not expire flow 1 on the wall clock
        assertTrue(out.ended.isEmpty());
    }

    @Test
    void shouldFlushOnlyMatchingFlowsWhenFiltered() {
        FlowMeter m = meter(30, 1800, 1, 100, FlowMeterConfig.Clock.PACKET);
        m.meter(packet(tcpFrame("10.0.0.1", "10.0.0.2", 1000, 80, SYN), T0));
        m.meter(packet(tcpFrame("10.0.0.1", "10.0.0.2", 1001, 80, SYN), T0));
        m.meter(packet(tcpFrame("10.0.0.3", "10.0.0.2", 1000, 80, SYN), T0));
        FlowFilter f = new FlowFilter(0, 6, FlowAddress.parse("10.0.0.1", "-s"), 1001, FlowAddress.parse("10.0.0.2", "-d"), 80);
        assertEquals(1, m.flush(f));
        assertEquals(1001, out.ended.get(0).flow().srcPort());
        assertEquals(FlowEndReason.FORCED_END, out.ended.get(0).reason());
        assertEquals(0, m.flush(new FlowFilter(5, -1, null, -1, null, -1)), "no flow on ifindex 5");
        assertEquals(2, m.flush(new FlowFilter(-1, -1, null, -1, null, 80)));
        assertEquals(0, m.activeFlows());
    }

    @Test
    void shouldCountWithoutMeteringWhenNotIp() {
        FlowMeter m = meter(30, 1800, 1, 100, FlowMeterConfig.Clock.PACKET);
        m.meter(packet(eth(0x0806, bytes(28)), T0));
        byte[] f = udpFrame(1);
        m.meter(new Packet().set(MemorySegment.ofArray(f), 0, 20, f.length, T0, LinkType.ETHERNET, 0));
        m.meter(packet(eth(0x0800, ipv4("10.0.0.1", "10.0.0.2", UDP, 64, 0, 100, bytes(10))), T0));
        assertEquals(1, counter("pushcap_flow_non_ip_packets_total"));
        assertEquals(1, counter("pushcap_flow_malformed_packets_total"));
        assertEquals(1, counter("pushcap_flow_fragments_total"));
        assertEquals(1, counter("pushcap_flow_packets_total"));
        assertEquals(1, m.activeFlows());
    }

    @Test
    void shouldKeyOnInterfaceAndVlanWhenOtherwiseEqual() {
        FlowMeter m = meter(30, 1800, 1, 100, FlowMeterConfig.Clock.PACKET);
        byte[] ip = ipv4("10.0.0.1", "10.0.0.2", UDP, udp(1, 2, bytes(4)));
        m.meter(packet(eth(0x0800, ip), T0, LinkType.ETHERNET, 1));
        m.meter(packet(eth(0x0800, ip), T0, LinkType.ETHERNET, 2));
        m.meter(packet(ethTagged(new int[]{0x8100, 10}, 0x0800, ip), T0, LinkType.ETHERNET, 1));
        m.meter(packet(ethTagged(new int[]{0x8100, 10, 0x8100, 20}, 0x0800, ip), T0, LinkType.ETHERNET, 1));
        m.meter(packet(ethTagged(new int[]{0x8100, 10, 0x8100, 20}, 0x0800, ip), T0, LinkType.ETHERNET, 1));
        assertEquals(4, m.activeFlows());
        m.flushAll();
        assertEquals(2, out.ended.get(3).flow().packets());
        assertEquals(10, out.ended.get(3).flow().outerVlan());
        assertEquals(20, out.ended.get(3).flow().innerVlan());
        assertEquals(2, out.ended.get(1).flow().ifIndex());
    }

    @Test
    void shouldMeterInnerPacketWhenUnwrapperUnderstandsTunnel() {
        FlowMeter m = meter(30, 1800, 1, 100, FlowMeterConfig.Clock.PACKET);
        byte[] inner = eth(0x0800, ipv4("192.168.1.1", "192.168.1.2", TCP, tcp(5, 6, SYN, bytes(0))));
        byte[] outer = eth(0x0800, ipv4("10.0.0.1", "10.0.0.2", UDP, udp(4789, 4789, concat(new byte[8], inner))));
        int innerOffset = outer.length - inner.length;
        m.unwrapper((o, in) -> {
            if (o.caplen() < innerOffset) {
                return false;
            }
            in.set(o.segment(), o.offset() + innerOffset, o.caplen() - innerOffset, o.wirelen() - innerOffset,
                    o.timestampNanos(), LinkType.ETHERNET, o.interfaceId());
            return true;
        });
        m.meter(packet(outer, T0));
        m.flushAll();
        FlowEntry e = out.ended.get(0).flow();
        assertEquals("192.168.1.1", e.src().toString());
        assertEquals(TCP, e.protocol());
        assertEquals(5, e.srcPort());
        assertFalse(e.finished());
    }

    @Test
    void shouldKeyIcmpOnTypeCodeWithPortsZero() {
        FlowMeter m = meter(30, 1800, 1, 100, FlowMeterConfig.Clock.PACKET);
        m.meter(packet(eth(0x0800, ipv4("10.0.0.1", "10.0.0.2", ICMP, icmp(8, 0, bytes(8)))), T0));
        m.meter(packet(eth(0x0800, ipv4("10.0.0.1", "10.0.0.2", ICMP, icmp(8, 0, bytes(8)))), T0 + 1));
        m.meter(packet(eth(0x0800, ipv4("10.0.0.1", "10.0.0.2", ICMP, icmp(3, 3, bytes(8)))), T0 + 2));
        assertEquals(2, m.activeFlows());
        m.flushAll();
        assertEquals(0x0800, out.ended.get(0).flow().icmpTypeCode());
        assertEquals(0, out.ended.get(0).flow().dstPort());
        assertEquals(2, out.ended.get(0).flow().packets());
    }
}
