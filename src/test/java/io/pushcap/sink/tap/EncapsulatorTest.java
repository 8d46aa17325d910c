package io.pushcap.sink.tap;

import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.Packet;
import io.pushcap.synth.Frames;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Golden bytes for what the tap puts on the wire after the outer IP (and UDP) header: GRE,
 * GRETAP, ERSPAN II/III and VXLAN headers followed by the edited frame. GRE and VXLAN are
 * compared with the synthetic traffic generator's independent encoders ({@link Frames}, minus the
 * outer Ethernet/IP/UDP headers it adds); ERSPAN with bytes written out field by field from
 * include/net/erspan.h.
 */
class EncapsulatorTest {
    private static final long TS = 1_700_000_000_123_456_789L;
    private static final Frames.Outer OUTER = Frames.Outer.v4("192.0.2.1", "192.0.2.2");
    private static final int ETH_IP = 14 + 20;
    private static final int ETH_IP_UDP = 14 + 20 + 8;
    private static final byte[] TCP = Frames.ipTcp("10.0.0.1", "10.0.0.2", 40000, 80, Frames.SYN, new byte[0]);
    private static final byte[] TCP6 = Frames.ipTcp("2001:db8::1", "2001:db8::2", 40000, 443, Frames.ACK,
            new byte[100]);

    private final MemorySegment buf = Arena.ofAuto().allocate(1 << 17);

    private byte[] send(Encapsulator e, FrameEditor ed, byte[] frame) {
        return send(e, ed, frame, LinkType.ETHERNET);
    }

    private byte[] send(Encapsulator e, FrameEditor ed, byte[] frame, int linkType) {
        Packet p = new Packet().set(MemorySegment.ofArray(frame), 0, frame.length, frame.length, TS, linkType, 0);
        int len = ed.plan(p);
        if (len < 0) {
            return null;
        }
        ed.copy(p, buf, e.headerLength());
        e.write(buf, 0, len, ed, TS);
        return buf.asSlice(0, e.headerLength() + len).toArray(JAVA_BYTE);
    }

    private static FrameEditor frames() {
        return new FrameEditor(false, -1, false, 0);
    }

    private static byte[] from(byte[] b, int offset) {
        return Arrays.copyOfRange(b, offset, b.length);
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void shouldWriteGretapWithKeyAndIncreasingSequenceNumbersWhenKeyed() {
        GreEncapsulator g = new GreEncapsulator(true, 77);
        FrameEditor ed = frames();
        for (int seq = 0; seq < 3; seq++) {
            byte[] expected = from(Frames.gretap(OUTER, Frames.Gre.PLAIN.withKey(77).withSeq(seq), TCP), ETH_IP);
            assertArrayEquals(expected, send(g, ed, TCP), "packet " + seq);
        }
        assertEquals(12, g.headerLength());
    }

    @Test
    void shouldOmitKeyFieldWhenNoKeyGiven() {
        GreEncapsulator g = new GreEncapsulator(true, -1);
        byte[] expected = from(Frames.gretap(OUTER, Frames.Gre.PLAIN.withSeq(0), TCP), ETH_IP);
        assertArrayEquals(expected, send(g, frames(), TCP));
        assertEquals(8, g.headerLength());
    }

    @Test
    void shouldKeepFullKeyRangeWhenKeyIsAbove2To31() {
        GreEncapsulator g = new GreEncapsulator(true, 0xFFFF_FFFEL);
        byte[] out = send(g, frames(), TCP);
        assertArrayEquals(hex("3000 6558 fffffffe 00000000"), Arrays.copyOf(out, 12));
    }

    @Test
    void shouldSendOnlyTheIpPacketWithItsEthertypeWhenPlainGre() {
        GreEncapsulator g = new GreEncapsulator(false, 5);
        FrameEditor ip = new FrameEditor(true, -1, false, 0);
        assertArrayEquals(from(Frames.greIp(OUTER, Frames.Gre.PLAIN.withKey(5).withSeq(0), TCP), ETH_IP), send(g, ip, TCP));
        assertArrayEquals(from(Frames.greIp(OUTER, Frames.Gre.PLAIN.withKey(5).withSeq(1), TCP6), ETH_IP), send(g, ip, TCP6));
        byte[] qinq = Frames.qinq(TCP, 10, 20);
        assertArrayEquals(from(Frames.greIp(OUTER, Frames.Gre.PLAIN.withKey(5).withSeq(2), TCP), ETH_IP), send(g, ip, qinq),
                "tags go with the Ethernet header");
    }

    @Test
    void shouldRefuseNonIpFramesWhenPlainGre() {
        FrameEditor ip = new FrameEditor(true, -1, false, 0);
        byte[] arp = Frames.arpRequest("10.0.0.1", "10.0.0.2");
        Packet p = new Packet().set(MemorySegment.ofArray(arp), 0, arp.length, arp.length, TS, LinkType.ETHERNET, 0);
        assertEquals(FrameEditor.NOT_IP, ip.plan(p));
    }

    @Test
    void shouldCarryRawIpLinkTypeWhenPlainGre() {
        GreEncapsulator g = new GreEncapsulator(false, -1);
        byte[] ipPacket = Frames.l3(TCP);
        byte[] out = send(g, new FrameEditor(true, -1, false, 0), ipPacket, LinkType.RAW);
        assertArrayEquals(from(Frames.greIp(OUTER, Frames.Gre.PLAIN.withSeq(0), TCP), ETH_IP), out);
    }

    @Test
    void shouldWriteVxlanHeaderWithIFlagAndVniWhenVxlan() {
        VxlanEncapsulator v = new VxlanEncapsulator(0xABCDEF);
        assertArrayEquals(from(Frames.vxlan(OUTER, 0xABCDEF, TCP), ETH_IP_UDP), send(v, frames(), TCP));
        VxlanEncapsulator zero = new VxlanEncapsulator(-1);
        assertArrayEquals(hex("08000000 00000000"), Arrays.copyOf(send(zero, frames(), TCP), 8), "no -K: VNI 0");
    }

    @Test
    void shouldWriteErspanTypeIiAsLinuxDoesWhenFrameIsUntagged() {
        byte[] ef = withTos(TCP, 0xB8);   // DSCP EF: COS 5
        ErspanEncapsulator e = new ErspanEncapsulator(false, 5);
        byte[] out = send(e, frames(), ef);
        // GRE: S only, 0x88be, seq 0 | Ver 1, VLAN 0 | COS 5, En 0, T 0, session 5 | reserved, index 0
        assertArrayEquals(hex("1000 88be 00000000  1000  a005  00000000"), Arrays.copyOf(out, 16));
        assertArrayEquals(ef, from(out, 16));
        byte[] second = send(e, frames(), ef);
        assertArrayEquals(hex("00000001"), Arrays.copyOfRange(second, 4, 8), "sequence number increases");
    }

    @Test
    void shouldMarkVlanInFrameAndTruncationWhenTaggedAndCut() {
        byte[] tagged = Frames.vlan(TCP, 100);
        ErspanEncapsulator e = new ErspanEncapsulator(false, 1023);
        byte[] out = send(e, new FrameEditor(false, -1, false, 40), tagged);
        // Ver 1, VLAN 100 | COS 0, En 3, T 1, session 1023
        assertArrayEquals(hex("1064 1fff"), Arrays.copyOfRange(out, 8, 12));
        assertArrayEquals(Arrays.copyOf(tagged, 40), from(out, 16));
    }

    @Test
    void shouldWriteErspanTypeIiiWithTimestampInHundredMicrosecondsWhenType3() {
        ErspanEncapsulator e = new ErspanEncapsulator(true, 6);
        byte[] out = send(e, frames(), TCP);
        int ts = (int) (TS / 100_000);
        // GRE: S, 0x22eb, seq 0 | Ver 2, VLAN 0 | COS 0, BSO 0, T 0, session 6 | timestamp | SGT 0 | P=1, FT 0 ... O 0
        String expected = "1000 22eb 00000000 2000 0006 " + String.format("%08x", ts) + " 0000 8000";
        assertArrayEquals(hex(expected), Arrays.copyOf(out, 20));
        assertArrayEquals(TCP, from(out, 20));
    }

    @Test
    void shouldReportShortAndOversizedFramesInBsoWhenType3() {
        ErspanEncapsulator e = new ErspanEncapsulator(true, 0);
        byte[] shortOut = send(e, new FrameEditor(false, -1, false, 50), TCP);
        assertEquals(0x0C00, u16(shortOut, 10) & 0x1C00, "BSO 01 (short) and T (truncated)");
        byte[] big = Frames.ipUdp("10.0.0.1", "10.0.0.2", 1, 2, new byte[1600]);
        byte[] bigOut = send(e, frames(), big);
        assertEquals(0x1000, u16(bigOut, 10) & 0x1C00, "BSO 10 (oversized), T 0");
    }

    @Test
    void shouldReuseSequenceNumberWhenLastPacketIsUndone() {
        GreEncapsulator g = new GreEncapsulator(true, -1);
        send(g, frames(), TCP);
        g.undo();
        byte[] out = send(g, frames(), TCP);
        assertArrayEquals(hex("00000000"), Arrays.copyOfRange(out, 4, 8));
    }

    @Test
    void shouldInsertVlanTagLikeTheGeneratorWhenVlanGiven() {
        assertArrayEquals(Frames.vlan(TCP, 100), send(Encapsulator.NONE, new FrameEditor(false, 100, false, 0), TCP));
        byte[] tagged = Frames.vlan(TCP, 7);
        assertArrayEquals(Frames.vlan(tagged, 4095), send(Encapsulator.NONE, new FrameEditor(false, 4095, false, 0), tagged),
                "the new tag goes outermost");
    }

    @Test
    void shouldRemoveOnlyTheOuterTagWhenStripping() {
        assertArrayEquals(TCP, send(Encapsulator.NONE, new FrameEditor(false, -1, true, 0), Frames.vlan(TCP, 100)));
        assertArrayEquals(Frames.vlan(TCP, 20), send(Encapsulator.NONE, new FrameEditor(false, -1, true, 0),
                Frames.qinq(TCP, 10, 20)));
        assertArrayEquals(TCP, send(Encapsulator.NONE, new FrameEditor(false, -1, true, 0), TCP), "untagged: unchanged");
        assertArrayEquals(Frames.vlan(TCP, 200), send(Encapsulator.NONE, new FrameEditor(false, 200, true, 0),
                Frames.vlan(TCP, 100)), "strip then insert retags");
    }

    @Test
    void shouldTruncateAfterEditsWhenSnaplenGiven() {
        byte[] out = send(Encapsulator.NONE, new FrameEditor(false, 100, false, 30), TCP);
        assertArrayEquals(Arrays.copyOf(Frames.vlan(TCP, 100), 30), out);
        byte[] cutInTag = send(Encapsulator.NONE, new FrameEditor(false, 100, false, 14), TCP);
        assertArrayEquals(Arrays.copyOf(Frames.vlan(TCP, 100), 14), cutInTag);
    }

    @Test
    void shouldRefuseOtherLinkTypesAndRuntsWhenFramesAreExpected() {
        FrameEditor ed = frames();
        byte[] sll = new byte[40];
        assertEquals(FrameEditor.NOT_ETHERNET, ed.plan(new Packet().set(MemorySegment.ofArray(sll), 0, 40, 40, TS,
                LinkType.LINUX_SLL, 0)));
        assertEquals(FrameEditor.NOT_ETHERNET, ed.plan(new Packet().set(MemorySegment.ofArray(sll), 0, 13, 13, TS,
                LinkType.ETHERNET, 0)));
    }

    @Test
    void shouldHashOneFlowAlikeAndSpreadOthersWhenChoosingVxlanPorts() {
        byte[] a = Frames.ipTcp("10.0.0.1", "10.0.0.2", 40000, 80, Frames.ACK, new byte[10]);
        byte[] a2 = Frames.ipTcp("10.0.0.1", "10.0.0.2", 40000, 80, Frames.PSH | Frames.ACK, new byte[500]);
        int h = hash(a);
        assertEquals(h, hash(a2), "same 5-tuple, other payload: same hash");
        assertEquals(h, hash(Frames.vlan(a, 5)), "a tag does not change the flow");
        java.util.Set<Integer> hashes = new java.util.HashSet<>();
        for (int port = 40000; port < 40100; port++) {
            hashes.add(hash(Frames.ipTcp("10.0.0.1", "10.0.0.2", port, 80, Frames.ACK, new byte[0])));
        }
        assertEquals(100, hashes.size(), "100 source ports, 100 hashes");
        assertNotEquals(hash(TCP6), hash(Frames.ipTcp("2001:db8::1", "2001:db8::3", 40000, 443, Frames.ACK, new byte[0])));
    }

    private int hash(byte[] frame) {
        MemorySegment s = MemorySegment.ofArray(frame);
        return InnerFrame.flowHash(s, 0, frame.length);
    }

    private static byte[] withTos(byte[] frame, int tos) {
        byte[] f = frame.clone();
        f[15] = (byte) tos;   // checksums do not matter to the tap
        return f;
    }

    private static int u16(byte[] b, int at) {
        return ByteBuffer.wrap(b).getShort(at) & 0xFFFF;
    }
}
