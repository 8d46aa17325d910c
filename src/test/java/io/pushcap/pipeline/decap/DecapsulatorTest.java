package io.pushcap.pipeline.decap;

import io.pushcap.PushcapException;
import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.Packet;
import io.pushcap.synth.Frames;
import io.pushcap.synth.Frames.Gre;
import io.pushcap.synth.Frames.Outer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.HexFormat;

import static io.pushcap.pipeline.decap.EncapDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;

/** One test per encapsulation, on hand-built frames, with byte-exact expected inner frames. */
class DecapsulatorTest {
    private static final Outer V4 = Outer.v4("192.0.2.1", "192.0.2.2");
    private static final Outer V6 = Outer.v6("2001:db8:ffff::1", "2001:db8:ffff::2");
    private static final byte[] TCP4 = Frames.ipTcp("10.0.0.1", "10.0.0.2", 40000, 80, Frames.SYN, new byte[0]);
    private static final byte[] UDP6 = Frames.ipUdp("2001:db8::1", "2001:db8::2", 5353, 9999, bytes(100));

    private final Arena arena = Arena.ofConfined();
    private final DecapCounters counters = DecapCounters.unregistered();
    private Decapsulator decap = new Decapsulator(DecapOptions.DEFAULT, counters);

    @AfterEach
    void close() {
        arena.close();
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + 3);
        }
        return b;
    }

    /** The frame in native memory of exactly its length, so any read past it would throw. */
    private Packet packet(byte[] frame, int caplen, int wirelen) {
        MemorySegment s = arena.allocate(Math.max(1, caplen));
        MemorySegment.copy(MemorySegment.ofArray(frame), 0, s, 0, caplen);
        return new Packet().set(s, 0, caplen, wirelen, 123_456_789L, LinkType.ETHERNET, 3);
    }

    private DecapResult run(byte[] frame) {
        return decap.decapsulate(packet(frame, frame.length, frame.length));
    }

    private static void assertFrame(byte[] expected, DecapResult r) {
        byte[] got = r.packet().toByteArray();
        assertEquals(HexFormat.of().formatHex(expected), HexFormat.of().formatHex(got));
        assertEquals(expected.length, r.packet().wirelen());
        assertEquals(123_456_789L, r.packet().timestampNanos());
        assertEquals(LinkType.ETHERNET, r.packet().linkType());
        assertEquals(3, r.packet().interfaceId());
    }

    private static void assertDone(DecapResult r, int layers, boolean copied) {
        assertEquals(StopReason.NONE, r.stopReason(), r.toString());
        assertEquals(layers, r.layers(), r.toString());
        assertEquals(copied, r.copied(), r.toString());
    }

    @Test
    void shouldReturnTheCapturedPacketWhenNothingIsEncapsulated() {
        Packet p = packet(TCP4, TCP4.length, TCP4.length);
        DecapResult r = decap.decapsulate(p);
        assertDone(r, 0, false);
        assertSame(p.segment(), r.packet().segment());
        assertFrame(TCP4, r);
        assertEquals(0, counters.decapsulated());
    }

    @Test
    void shouldStripOneVlanTagIntoScratchWhenTagged() {
        DecapResult r = run(Frames.vlan(TCP4, 100));
        assertDone(r, 1, true);
        assertFrame(TCP4, r);
        assertEquals(1, counters.decapsulated());
        assertEquals(1, counters.copied());
    }

    @Test
    void shouldStripEveryTagWhenQinqOrPreStandardTpids() {
        assertFrame(TCP4, run(Frames.qinq(TCP4, 10, 20)));
        assertFrame(UDP6, run(Frames.tag(Frames.vlan(UDP6, 5), ETHERTYPE_QINQ_9100, 7)));
        assertFrame(UDP6, run(Frames.tag(Frames.vlan(UDP6, 5), ETHERTYPE_QINQ_9200, 7)));
        byte[] six = TCP4;
        for (int i = 0; i < 6; i++) {
            six = Frames.vlan(six, i + 1);
        }
        DecapResult r = run(six);
        assertDone(r, 6, true);
        assertFrame(TCP4, r);
    }

    @Test
    void shouldStripMplsLabelStackWhenPayloadIsIpv4OrIpv6() {
        DecapResult r = run(Frames.mpls(TCP4, 16, 17, 18));
        assertDone(r, 1, true);
        assertFrame(TCP4, r);
        assertFrame(UDP6, run(Frames.mpls(UDP6, 1000)));
        r = run(Frames.mpls(Frames.vlan(TCP4, 30), 99));
        assertDone(r, 2, true);
        assertFrame(TCP4, r);
    }

    @Test
    void shouldViewInnerFrameWhenEthernetPseudowireHasControlWord() {
        byte[] pw = Frames.mplsPw(Frames.mac("00:1c:73:00:00:01"), Frames.mac("00:1c:73:00:00:02"), true, TCP4, 100, 200);
        DecapResult r = run(pw);
        assertDone(r, 1, false);
        assertFrame(TCP4, r);
        byte[] tagged = Frames.vlan(UDP6, 42);
        assertFrame(UDP6, run(Frames.mplsPw(Frames.MAC_A, Frames.MAC_B, true, tagged, 100)));
    }

    @Test
    void shouldFindEthernetWhenPseudowireHasNoControlWord() {
        byte[] pw = Frames.mplsPw(Frames.MAC_A, Frames.MAC_B, false, TCP4, 100);
        assertFrame(TCP4, run(pw));
        byte[] other = TCP4.clone();
        other[0] = (byte) 0x52;
        assertFrame(other, run(Frames.mplsPw(Frames.MAC_A, Frames.MAC_B, false, other, 100)));
    }

    @Test
    void shouldTakeNibbleFourForIpv4WhenPseudowireMacStartsWithFour() {
        // The documented limit of the heuristic: such a frame needs a control word.
        byte[] inner = TCP4.clone();
        inner[0] = (byte) 0x40;
        DecapResult r = run(Frames.mplsPw(Frames.MAC_A, Frames.MAC_B, false, inner, 100));
        assertEquals(ETHERTYPE_IPV4, r.packet().u16(12));
    }

    @Test
    void shouldStopAtMplsWhenPayloadIsAssociatedChannel() {
        byte[] ach = Frames.mplsPw(Frames.MAC_A, Frames.MAC_B, false, Frames.concat(new byte[]{0x10, 0, 0, 0x21}, bytes(40)), 13);
        DecapResult r = run(ach);
        assertEquals(StopReason.UNSUPPORTED, r.stopReason());
        assertEquals(0, r.layers());
        assertFrame(ach, r);
        assertEquals(1, counters.count(StopReason.UNSUPPORTED));
    }

    @Test
    void shouldSynthesizeEthernetHeaderWithCarrierMacsWhenGreCarriesIp() {
        for (Gre g : new Gre[]{Gre.PLAIN, Gre.PLAIN.withKey(7), Gre.PLAIN.withSeq(9), Gre.PLAIN.withChecksum(),
                Gre.PLAIN.withChecksum().withKey(1).withSeq(2)}) {
            byte[] gre = Frames.greIp(V4, g, TCP4);
            DecapResult r = run(gre);
            assertDone(r, 1, true);
            assertFrame(Frames.synthetic(gre, Frames.l3(TCP4)), r);
            assertArrayEquals(Arrays.copyOf(gre, 12), Arrays.copyOf(r.packet().toByteArray(), 12), "carrier MACs");
        }
        byte[] v6in6 = Frames.greIp(V6, Gre.PLAIN.withKey(3), UDP6);
        assertFrame(Frames.synthetic(v6in6, Frames.l3(UDP6)), run(v6in6));
        byte[] v4in6 = Frames.vlan(Frames.greIp(V6, Gre.PLAIN, TCP4), 12);
        DecapResult r = run(v4in6);
        assertDone(r, 2, true);
        assertFrame(Frames.synthetic(v4in6, Frames.l3(TCP4)), r);
    }

    @Test
    void shouldStripMplsInsideGre() {
        byte[] mplsPacket = Frames.l3(Frames.mpls(TCP4, 500, 501));
        byte[] gre = Frames.gre(V4, Gre.PLAIN, ETHERTYPE_MPLS, mplsPacket);
        DecapResult r = run(gre);
        assertDone(r, 2, true);
        assertFrame(Frames.synthetic(gre, Frames.l3(TCP4)), r);
    }

    @Test
    void shouldRefuseGreVersionOneAndRoutingAsUnsupported() {
        byte[] gre = Frames.greIp(V4, Gre.PLAIN, TCP4);
        int g = ETH_HEADER_LENGTH + IPV4_MIN_HEADER;
        byte[] v1 = gre.clone();
        v1[g + 1] = 1;
        DecapResult r = run(v1);
        assertEquals(StopReason.UNSUPPORTED, r.stopReason());
        assertFrame(v1, r);
        byte[] routing = gre.clone();
        routing[g] = 0x40;
        assertEquals(StopReason.UNSUPPORTED, run(routing).stopReason());
        byte[] keepalive = Frames.gre(V4, Gre.PLAIN, 0x0000, bytes(8));
        assertEquals(StopReason.UNSUPPORTED, run(keepalive).stopReason());
        assertEquals(3, counters.count(StopReason.UNSUPPORTED));
    }

    @Test
    void shouldViewInnerFrameWhenGretapVxlanOrErspan() {
        byte[][] tunnels = {
                Frames.gretap(V4, Gre.PLAIN.withKey(5).withSeq(1), TCP4),
                Frames.gretap(V6, Gre.PLAIN.withChecksum(), UDP6),
                Frames.erspan1(V4, TCP4),
                Frames.erspan2(V4, 77, 1234, TCP4),
                Frames.erspan3(V4, 78, false, UDP6),
                Frames.erspan3(V4, 79, true, TCP4),
                Frames.vxlan(V4, 42, TCP4),
                Frames.vxlan(V6, 43, UDP6),
                Frames.vlan(Frames.vxlan(V4, 44, TCP4), 100),
        };
        for (byte[] t : tunnels) {
            DecapResult r = run(t);
            byte[] want = t == tunnels[1] || t == tunnels[4] || t == tunnels[7] ? UDP6 : TCP4;
            assertFrame(want, r);
            assertFalse(r.copied(), "a suffix is viewed, not copied");
            assertEquals(StopReason.NONE, r.stopReason());
        }
    }

    @Test
    void shouldStripInnerTagsInsideTunnels() {
        byte[] f = Frames.erspan2(V4, 1, 2, Frames.qinq(TCP4, 100, 200));
        DecapResult r = run(f);
        assertDone(r, 3, true);
        assertFrame(TCP4, r);
        assertFrame(UDP6, run(Frames.vxlan(V4, 9, Frames.vlan(UDP6, 300))));
    }

    @Test
    void shouldStripNestedTunnelsWhenGreCarriesVxlanCarryingGretap() {
        byte[] gretap = Frames.gretap(V6, Gre.PLAIN, Frames.vlan(TCP4, 7));
        byte[] vx = Frames.vxlan(Outer.v4("198.51.100.1", "198.51.100.2"), 5, gretap);
        byte[] f = Frames.greIp(V4, Gre.PLAIN.withKey(1), vx);
        DecapResult r = run(f);
        assertDone(r, 4, true);
        assertEquals(3, r.tunnels());
        assertFrame(TCP4, r);
    }

    @Test
    void shouldStopAtDepthLimitAndCountIt() {
        byte[] f = TCP4;
        for (int i = 0; i < 9; i++) {
            f = Frames.vxlan(V4, i, f);
        }
        byte[] eightDeep = TCP4;
        eightDeep = Frames.vxlan(V4, 0, eightDeep);
        DecapResult r = run(f);
        assertEquals(StopReason.DEPTH_EXCEEDED, r.stopReason());
        assertEquals(8, r.tunnels());
        assertFrame(eightDeep, r);
        assertEquals(1, counters.count(StopReason.DEPTH_EXCEEDED));
        decap = new Decapsulator(new DecapOptions(false, 9, new int[]{4789}), counters);
        assertFrame(TCP4, run(f));
    }

    @Test
    void shouldUseExtraVxlanPortsOnlyWhenConfigured() {
        byte[] f = Frames.vxlan(V4, 8472, 1, TCP4);
        assertFrame(f, run(f));
        decap = new Decapsulator(new DecapOptions(false, 8, new int[]{4789, 8472}), counters);
        assertFrame(TCP4, run(f));
    }

    @Test
    void shouldStopAndCountMalformedWhenVxlanFlagMissingOrUdpLengthShort() {
        byte[] f = Frames.vxlan(V4, 1, TCP4);
        int vx = ETH_HEADER_LENGTH + IPV4_MIN_HEADER + UDP_HEADER;
        byte[] noFlag = f.clone();
        noFlag[vx] = 0;
        DecapResult r = run(noFlag);
        assertEquals(StopReason.MALFORMED, r.stopReason());
        assertFrame(noFlag, r);
        byte[] shortUdp = f.clone();
        shortUdp[vx - 4] = 0;
        shortUdp[vx - 3] = 12;
        assertEquals(StopReason.MALFORMED, run(shortUdp).stopReason());
        byte[] shortIp = f.clone();
        shortIp[ETH_HEADER_LENGTH + 2] = 0;
        shortIp[ETH_HEADER_LENGTH + 3] = 40;   // inner frame beyond the outer IP length
        assertEquals(StopReason.MALFORMED, run(shortIp).stopReason());
        assertEquals(3, counters.count(StopReason.MALFORMED));
    }

    @Test
    void shouldEndInnerFrameAtTunnelLengthWhenFrameHasTrailer() {
        byte[] f = Frames.concat(Frames.vxlan(V4, 1, TCP4), new byte[]{1, 2, 3, 4});
        assertFrame(TCP4, run(f));
        byte[] g = Frames.concat(Frames.greIp(V4, Gre.PLAIN, TCP4), new byte[]{9, 9});
        assertFrame(Frames.synthetic(g, Frames.l3(TCP4)), run(g));
    }

    @Test
    void shouldUseWhatWasDecodedWhenSnaplenCutsTheEncapsulation() {
        byte[] f = Frames.vlan(Frames.vxlan(V4, 1, TCP4), 10);
        int innerEth = 4 + ETH_HEADER_LENGTH + IPV4_MIN_HEADER + UDP_HEADER + VXLAN_HEADER;
        DecapResult r = decap.decapsulate(packet(f, innerEth + 6, f.length));
        assertEquals(StopReason.TRUNCATED, r.stopReason());
        assertEquals(1, r.layers(), "the VLAN tag was stripped before the cut");
        byte[] untagged = Frames.vxlan(V4, 1, TCP4);
        assertArrayEquals(Arrays.copyOf(untagged, innerEth + 2), r.packet().toByteArray());
        assertEquals(untagged.length, r.packet().wirelen());
        assertEquals(1, counters.count(StopReason.TRUNCATED));

        byte[] gre = Frames.greIp(V4, Gre.PLAIN, TCP4);
        r = decap.decapsulate(packet(gre, gre.length - 10, gre.length));
        assertEquals(StopReason.NONE, r.stopReason(), "headers complete, only payload cut");
        byte[] want = Frames.synthetic(gre, Frames.l3(TCP4));
        assertArrayEquals(Arrays.copyOf(want, want.length - 10), r.packet().toByteArray());
        assertEquals(want.length, r.packet().wirelen());
    }

    @Test
    void shouldCountFragmentWhenTunnelIsInIpFragment() {
        byte[] f = Frames.greIp(V4, Gre.PLAIN, TCP4);
        f[ETH_HEADER_LENGTH + 6] = 0x20;   // MF
        DecapResult r = run(f);
        assertEquals(StopReason.FRAGMENT, r.stopReason());
        assertFrame(f, r);
        byte[] later = Frames.vxlan(V4, 1, TCP4);
        later[ETH_HEADER_LENGTH + 7] = 10;   // offset 80: no UDP header here, not a tunnel to judge
        assertEquals(StopReason.NONE, run(later).stopReason());
        assertEquals(1, counters.count(StopReason.FRAGMENT));
    }

    @Test
    void shouldSkipIpv4OptionsAndIpv6ExtensionHeaders() {
        byte[] gre = Frames.greIp(V4, Gre.PLAIN, TCP4);
        // Outer IPv4 with 4 bytes of options (NOP x3, EOL): IHL 6, total length + 4.
        byte[] opts = Frames.concat(Arrays.copyOf(gre, 34), new byte[]{1, 1, 1, 0}, Arrays.copyOfRange(gre, 34, gre.length));
        opts[ETH_HEADER_LENGTH] = 0x46;
        int total = ((opts[16] & 0xff) << 8 | (opts[17] & 0xff)) + 4;
        opts[16] = (byte) (total >> 8);
        opts[17] = (byte) total;
        assertFrame(Frames.synthetic(gre, Frames.l3(TCP4)), run(opts));

        byte[] v6 = Frames.gretap(V6, Gre.PLAIN, TCP4);
        // Insert a hop-by-hop header (8 bytes, PadN) between the IPv6 header and GRE.
        int ip = ETH_HEADER_LENGTH;
        byte[] hbh = {47, 0, 1, 4, 0, 0, 0, 0};
        byte[] ext = Frames.concat(Arrays.copyOf(v6, ip + 40), hbh, Arrays.copyOfRange(v6, ip + 40, v6.length));
        ext[ip + 6] = 0;
        int plen = ((ext[ip + 4] & 0xff) << 8 | (ext[ip + 5] & 0xff)) + 8;
        ext[ip + 4] = (byte) (plen >> 8);
        ext[ip + 5] = (byte) plen;
        assertFrame(TCP4, run(ext));
    }

    @Test
    void shouldPassThroughUntouchedWhenLinkTypeIsNotEthernet() {
        Packet p = packet(Frames.l3(TCP4), 40, 40);
        p.set(p.segment(), 0, 40, 40, 1, LinkType.RAW, 0);
        DecapResult r = decap.decapsulate(p);
        assertEquals(StopReason.NOT_ETHERNET, r.stopReason());
        assertEquals(LinkType.RAW, r.packet().linkType());
        assertSame(p.segment(), r.packet().segment());
        assertEquals(1, counters.count(StopReason.NOT_ETHERNET));
    }

    @Test
    void shouldPassRuntFramesThroughAsTruncated() {
        DecapResult r = decap.decapsulate(packet(Arrays.copyOf(TCP4, 10), 10, 10));
        assertEquals(StopReason.TRUNCATED, r.stopReason());
        assertEquals(10, r.packet().caplen());
    }

    @Test
    void shouldGrowScratchWhenJumboFrameIsTagged() {
        byte[] jumbo = Frames.ipUdp("10.0.0.1", "10.0.0.2", 1, 2, bytes(30_000));
        assertFrame(jumbo, run(Frames.qinq(jumbo, 1, 2)));
        assertFrame(TCP4, run(Frames.vlan(TCP4, 3)));
    }

    @Test
    void shouldWriteDecapsulatedFrameOnlyWhenWriteDecapIsSet() {
        Packet captured = packet(Frames.vlan(TCP4, 100), TCP4.length + 4, TCP4.length + 4);
        DecapResult r = decap.decapsulate(captured);
        assertSame(captured, decap.toWrite(captured, r));
        Decapsulator writing = new Decapsulator(DecapOptions.of(true), counters);
        DecapResult w = writing.decapsulate(captured);
        assertSame(w.packet(), writing.toWrite(captured, w));
        assertEquals(TCP4.length, writing.toWrite(captured, w).caplen());
    }

    @Test
    void shouldKeepInnerMacsWhenTunnelCarriesEthernetAndCarrierMacsWhenItCarriesIp() {
        byte[] inner = Frames.withMacs(Frames.ipTcp("10.1.1.1", "10.1.1.2", 5, 6, Frames.ACK, 77, 88, bytes(10)),
                Frames.mac("3c:00:00:00:00:01"), Frames.mac("3c:00:00:00:00:02"));
        Outer routers = new Outer(Frames.mac("00:1c:73:00:00:01"), Frames.mac("00:1c:73:00:00:02"),
                Frames.ip("192.0.2.1"), Frames.ip("192.0.2.2"), 255);
        assertFrame(inner, run(Frames.gretap(routers, Gre.PLAIN, inner)));
        byte[] greIp = Frames.greIp(routers, Gre.PLAIN, inner);
        byte[] got = run(greIp).packet().toByteArray();
        assertArrayEquals(Frames.concat(Frames.mac("00:1c:73:00:00:01"), Frames.mac("00:1c:73:00:00:02"),
                new byte[]{0x08, 0x00}, Frames.l3(inner)), got);
    }

    @Test
    void shouldRefuseInvalidOptionsWithTheValue() {
        assertTrue(assertThrows(PushcapException.class, () -> new DecapOptions(false, 0, new int[]{4789}))
                .getMessage().contains("max depth 0"));
        assertTrue(assertThrows(PushcapException.class, () -> new DecapOptions(false, 8, new int[]{70000}))
                .getMessage().contains("VXLAN port 70000"));
    }

    @Test
    void shouldReadOnlyWithinCaplenWhenFrameSitsInsideALargerBuffer() {
        byte[] f = Frames.vxlan(V4, 1, TCP4);
        MemorySegment big = arena.allocate(f.length + 100);
        big.fill((byte) 0x55);
        MemorySegment.copy(MemorySegment.ofArray(f), 0, big, 50, f.length);
        Packet p = new Packet().set(big, 50, f.length, f.length, 5, LinkType.ETHERNET, 0);
        DecapResult r = decap.decapsulate(p);
        assertEquals(50 + f.length - TCP4.length, r.packet().offset());
        assertArrayEquals(TCP4, r.packet().toByteArray());
        assertEquals(0x55, big.get(ValueLayout.JAVA_BYTE, 49) & 0xff);
    }
}
