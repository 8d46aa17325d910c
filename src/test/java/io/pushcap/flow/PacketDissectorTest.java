package io.pushcap.flow;

import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.Packet;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

import static io.pushcap.flow.Frames.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PacketDissectorTest {
    private final PacketDissector d = new PacketDissector();

    private int dissect(byte[] frame) {
        return d.dissect(packet(frame, 1));
    }

    @Test
    void shouldKeyTcpWhenEthernetIpv4() {
        byte[] f = eth(0x0800, ipv4("10.1.2.3", "192.168.0.9", TCP, 33, 0xb8, 0, tcp(40000, 443, SYN | ACK | 0x100, bytes(10))));
        assertEquals(PacketDissector.IP, dissect(f));
        assertEquals(4, d.ipVersion());
        assertEquals(0L, d.srcHi());
        assertEquals(0x0a010203L, d.srcLo());
        assertEquals(0xc0a80009L, d.dstLo());
        assertEquals(TCP, d.protocol());
        assertEquals(40000, d.srcPort());
        assertEquals(443, d.dstPort());
        assertEquals(SYN | ACK | 0x100, d.tcpFlags(), "NS travels in bit 8");
        assertEquals(33, d.ttl());
        assertEquals(0xb8, d.tos());
        assertEquals(50, d.octets());
        assertEquals(0, d.outerVlan());
        assertFalse(d.fragment());
        assertFalse(d.truncated());
    }

    @Test
    void shouldCountIpLengthNotPaddingWhenFrameIsPadded() {
        byte[] f = concat(eth(0x0800, ipv4("10.0.0.1", "10.0.0.2", TCP, tcp(1, 2, ACK, new byte[0]))), new byte[6]);
        assertEquals(PacketDissector.IP, dissect(f));
        assertEquals(40, d.octets());
    }

    @Test
    void shouldKeepBothVlanIdsWhenQinQ() {
        byte[] f = ethTagged(new int[]{0x88a8, 0x2064, 0x8100, 200}, 0x0800, ipv4("10.0.0.1", "10.0.0.2", UDP, udp(53, 5353, bytes(4))));
        assertEquals(PacketDissector.IP, dissect(f));
        assertEquals(100, d.outerVlan(), "VID is the low 12 bits; PCP bits ignored");
        assertEquals(200, d.innerVlan());
        assertEquals(53, d.srcPort());
        assertEquals(5353, d.dstPort());
    }

    @Test
    void shouldTakeOuterVlanWhenSingleTag() {
        byte[] f = ethTagged(new int[]{0x8100, 7}, 0x86dd, ipv6("2001:db8::1", "2001:db8::2", UDP, udp(1, 2, bytes(0))));
        assertEquals(PacketDissector.IP, dissect(f));
        assertEquals(7, d.outerVlan());
        assertEquals(0, d.innerVlan());
        assertEquals(6, d.ipVersion());
    }

    @Test
    void shouldLeavePortsZeroWhenNonFirstFragment() {
        byte[] f = eth(0x0800, ipv4("10.0.0.1", "10.0.0.2", UDP, 64, 0, 185, bytes(100)));
        assertEquals(PacketDissector.IP, dissect(f));
        assertTrue(d.fragment());
        assertEquals(UDP, d.protocol());
        assertEquals(0, d.srcPort());
        assertEquals(0, d.dstPort());
        assertEquals(120, d.octets());
    }

    @Test
    void shouldReadPortsWhenFirstFragment() {
        byte[] f = eth(0x0800, ipv4("10.0.0.1", "10.0.0.2", UDP, 64, 0, 0x2000, udp(7, 9, bytes(100))));
        assertEquals(PacketDissector.IP, dissect(f));
        assertFalse(d.fragment());
        assertEquals(7, d.srcPort());
        assertEquals(9, d.dstPort());
    }

    @Test
    void shouldSkipExtensionHeadersWhenIpv6() {
        byte[] l4 = udp(1000, 2000, bytes(3));
        byte[] chain = ipv6Ext(43, 0, new byte[0]);                    // hop-by-hop -> routing
        chain = concat(chain, ipv6Ext(60, 1, new byte[0]));           // routing (16 bytes) -> dest opts
        chain = concat(chain, ipv6Ext(44, 0, new byte[0]));           // dest opts -> fragment
        chain = concat(chain, ipv6Frag(UDP, 0, true, new byte[0]), l4); // first fragment -> UDP
        byte[] f = eth(0x86dd, ipv6("2001:db8::a", "2001:db8::b", 0, 7, 0x28, chain));
        assertEquals(PacketDissector.IP, dissect(f));
        assertEquals(UDP, d.protocol());
        assertEquals(1000, d.srcPort());
        assertEquals(2000, d.dstPort());
        assertEquals(7, d.ttl());
        assertEquals(0x28, d.tos());
        assertEquals(40 + chain.length, d.octets());
        assertEquals(0x20010db800000000L, d.srcHi());
        assertEquals(0xaL, d.srcLo());
        assertFalse(d.fragment());
    }

    @Test
    void shouldLeavePortsZeroWhenIpv6NonFirstFragment() {
        byte[] f = eth(0x86dd, ipv6("2001:db8::a", "2001:db8::b", 44, ipv6Frag(TCP, 100, false, bytes(40))));
        assertEquals(PacketDissector.IP, dissect(f));
        assertTrue(d.fragment());
        assertEquals(TCP, d.protocol());
        assertEquals(0, d.srcPort());
    }

    @Test
    void shouldSkipAuthenticationHeaderWhenIpv6() {
        byte[] ah = new byte[16]; // payload length 2 -> (2 + 2) * 4 = 16 bytes
        ah[0] = (byte) TCP;
        ah[1] = 2;
        byte[] f = eth(0x86dd, ipv6("2001:db8::a", "2001:db8::b", 51, concat(ah, tcp(22, 5000, ACK, bytes(1)))));
        assertEquals(PacketDissector.IP, dissect(f));
        assertEquals(TCP, d.protocol());
        assertEquals(22, d.srcPort());
    }

    @Test
    void shouldReadTypeAndCodeWhenIcmp() {
        assertEquals(PacketDissector.IP, dissect(eth(0x0800, ipv4("10.0.0.1", "10.0.0.2", ICMP, icmp(3, 13, bytes(28))))));
        assertEquals(0x030d, d.icmpTypeCode());
        assertEquals(0, d.srcPort());
        assertEquals(0, d.dstPort());
        assertEquals(PacketDissector.IP, dissect(eth(0x86dd, ipv6("::1", "::2", ICMPV6, icmp(128, 0, bytes(8))))));
        assertEquals(0x8000, d.icmpTypeCode());
        assertEquals(ICMPV6, d.protocol());
    }

    @Test
    void shouldReadPortsWhenSctp() {
        assertEquals(PacketDissector.IP, dissect(eth(0x0800, ipv4("10.0.0.1", "10.0.0.2", SCTP, sctp(2905, 2906)))));
        assertEquals(SCTP, d.protocol());
        assertEquals(2905, d.srcPort());
        assertEquals(2906, d.dstPort());
    }

    @Test
    void shouldKeepProtocolOnlyWhenProtocolHasNoPorts() {
        assertEquals(PacketDissector.IP, dissect(eth(0x0800, ipv4("10.0.0.1", "10.0.0.2", 47, bytes(24)))));
        assertEquals(47, d.protocol());
        assertEquals(0, d.srcPort());
        assertEquals(0, d.icmpTypeCode());
        assertFalse(d.truncated());
    }

    @Test
    void shouldFlagTruncatedWhenTcpHeaderCutShort() {
        byte[] full = eth(0x0800, ipv4("10.0.0.1", "10.0.0.2", TCP, tcp(1, 2, SYN, bytes(0))));
        Packet p = new Packet().set(MemorySegment.ofArray(full), 0, 14 + 20 + 10, full.length, 1, LinkType.ETHERNET, 0);
        assertEquals(PacketDissector.IP, d.dissect(p));
        assertTrue(d.truncated());
        assertEquals(0, d.srcPort());
        assertEquals(40, d.octets(), "octets still come from the IP header");
    }

    @Test
    void shouldReportNonIpWhenArpOrLlc() {
        assertEquals(PacketDissector.NON_IP, dissect(eth(0x0806, bytes(28))));
        assertEquals(PacketDissector.NON_IP, dissect(eth(0x0040, bytes(64))));
        assertEquals(PacketDissector.NON_IP, dissect(eth(0x8847, bytes(64))));
        assertEquals(PacketDissector.NON_IP, dissect(bytes(10)));
    }

    @Test
    void shouldReportMalformedWhenIpHeaderBroken() {
        byte[] f = eth(0x0800, ipv4("10.0.0.1", "10.0.0.2", UDP, udp(1, 2, bytes(4))));
        Packet cut = new Packet().set(MemorySegment.ofArray(f), 0, 14 + 12, f.length, 1, LinkType.ETHERNET, 0);
        assertEquals(PacketDissector.MALFORMED, d.dissect(cut));
        byte[] badIhl = f.clone();
        badIhl[14] = 0x43;
        assertEquals(PacketDissector.MALFORMED, dissect(badIhl));
        byte[] badVersion = eth(0x86dd, ipv4("10.0.0.1", "10.0.0.2", UDP, udp(1, 2, bytes(30))));
        assertEquals(PacketDissector.MALFORMED, dissect(badVersion));
    }

    @Test
    void shouldParseOtherLinkTypes() {
        byte[] ip = ipv4("10.0.0.1", "10.0.0.2", UDP, udp(11, 22, bytes(2)));
        assertEquals(PacketDissector.IP, d.dissect(packet(ip, 1, LinkType.RAW, 0)));
        assertEquals(22, d.dstPort());
        ByteBuffer sll = ByteBuffer.allocate(16 + ip.length);
        sll.putShort((short) 0).putShort((short) 1).putShort((short) 6).put(new byte[8]).putShort((short) 0x0800).put(ip);
        assertEquals(PacketDissector.IP, d.dissect(packet(sll.array(), 1, LinkType.LINUX_SLL, 0)));
        assertEquals(11, d.srcPort());
        ByteBuffer sll2 = ByteBuffer.allocate(20 + ip.length);
        sll2.putShort((short) 0x86dd).put(new byte[18]);
        byte[] ip6 = ipv6("::1", "::2", UDP, udp(5, 6, bytes(1)));
        sll2 = ByteBuffer.allocate(20 + ip6.length).putShort((short) 0x86dd).put(new byte[18]).put(ip6);
        assertEquals(PacketDissector.IP, d.dissect(packet(sll2.array(), 1, LinkType.LINUX_SLL2, 0)));
        assertEquals(6, d.dstPort());
        byte[] nullLe = concat(new byte[]{2, 0, 0, 0}, ip);
        assertEquals(PacketDissector.IP, d.dissect(packet(nullLe, 1, LinkType.NULL, 0)));
        byte[] loop = concat(new byte[]{0, 0, 0, 10}, ip6);
        assertEquals(PacketDissector.IP, d.dissect(packet(loop, 1, LinkType.LOOP, 0)));
        assertEquals(6, d.ipVersion());
        assertEquals(PacketDissector.NON_IP, d.dissect(packet(ip, 1, 147, 0)), "an unknown link type is not IP");
    }
}
