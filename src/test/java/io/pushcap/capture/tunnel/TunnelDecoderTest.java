package io.pushcap.capture.tunnel;

import io.pushcap.internal.net.TunnelType;
import io.pushcap.synth.Frames;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static io.pushcap.capture.tunnel.TunnelDecoder.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link TunnelDecoder} on datagrams as the sockets deliver them, built by the traffic
 * generator's independent encoders ({@link Frames}) with the outer Ethernet header (and for
 * VXLAN the IP and UDP headers) taken off: every tunnel type, keys, and every drop reason.
 */
class TunnelDecoderTest {
    private static final Frames.Outer V4 = Frames.Outer.v4("192.0.2.1", "192.0.2.2");
    private static final Frames.Outer V6 = Frames.Outer.v6("2001:db8::1", "2001:db8::2");
    private static final byte[] FRAME = Frames.ipTcp("10.0.0.1", "10.0.0.2", 40000, 80, Frames.SYN, new byte[20]);
    private static final byte[] FRAME6 = Frames.ipTcp("2001:db8:1::1", "2001:db8:1::2", 1, 2, Frames.SYN, new byte[0]);

    private TunnelDecoder decoder;
    private byte[] datagram;

    private int decode(TunnelType type, long key, byte[] d) {
        return decode(type, key, d, true);
    }

    private int decode(TunnelType type, long key, byte[] d, boolean ipHeader) {
        decoder = new TunnelDecoder(type, key, ipHeader);
        datagram = d;
        return decoder.decode(MemorySegment.ofArray(d), 0, d.length);
    }

    private byte[] inner() {
        return Arrays.copyOfRange(datagram, decoder.innerOffset(), decoder.innerOffset() + decoder.innerLength());
    }

    /** What a raw IPv4 socket delivers: the IP packet. */
    private static byte[] ip(byte[] frame) {
        return Arrays.copyOfRange(frame, 14, frame.length);
    }

    /** What a raw IPv6 socket delivers: the GRE header onward. */
    private static byte[] afterIpv6(byte[] frame) {
        return Arrays.copyOfRange(frame, 14 + 40, frame.length);
    }

    @Test
    void shouldFindTheFrameWhenGretapMatchesTheKey() {
        byte[] d = ip(Frames.gretap(V4, Frames.Gre.PLAIN.withKey(77).withSeq(9), FRAME));
        assertEquals(OK, decode(TunnelType.GRETAP, 77, d));
        assertArrayEquals(FRAME, inner());
        assertEquals(-1, decoder.etherType());
        assertEquals(OK, decode(TunnelType.GRETAP, -1, d), "no -K: any key");
        assertEquals(OK, decode(TunnelType.GRETAP, -1, ip(Frames.gretap(V4, Frames.Gre.PLAIN, FRAME))));
        assertEquals(OK, decode(TunnelType.GRETAP, 77, ip(Frames.gretap(V4,
                Frames.Gre.PLAIN.withChecksum().withKey(77), FRAME))), "checksum field skipped");
    }

    @Test
    void shouldDropWrongOrMissingKeyWhenKeyed() {
        assertEquals(WRONG_KEY, decode(TunnelType.GRETAP, 78, ip(Frames.gretap(V4, Frames.Gre.PLAIN.withKey(77), FRAME))));
        assertEquals(WRONG_KEY, decode(TunnelType.GRETAP, 0, ip(Frames.gretap(V4, Frames.Gre.PLAIN, FRAME))),
                "a key is required when -K is given, even 0");
        assertEquals(OK, decode(TunnelType.GRETAP, 0xFFFF_FFFFL, ip(Frames.gretap(V4, Frames.Gre.PLAIN.withKey(-1), FRAME))));
    }

    @Test
    void shouldFindTheIpPacketAndItsEthertypeWhenPlainGre() {
        assertEquals(OK, decode(TunnelType.GRE, 5, ip(Frames.greIp(V4, Frames.Gre.PLAIN.withKey(5).withSeq(1), FRAME))));
        assertArrayEquals(Frames.l3(FRAME), inner());
        assertEquals(0x0800, decoder.etherType());
        assertEquals(OK, decode(TunnelType.GRE, -1, ip(Frames.greIp(V4, Frames.Gre.PLAIN, FRAME6))));
        assertArrayEquals(Frames.l3(FRAME6), inner());
        assertEquals(0x86DD, decoder.etherType());
    }

    @Test
    void shouldTellTunnelsOfAnotherKindFromTheOneReceived() {
        byte[] greIp = ip(Frames.greIp(V4, Frames.Gre.PLAIN, FRAME));
        byte[] gretap = ip(Frames.gretap(V4, Frames.Gre.PLAIN, FRAME));
        assertEquals(NOT_TUNNEL, decode(TunnelType.GRETAP, -1, greIp));
        assertEquals(NOT_TUNNEL, decode(TunnelType.GRE, -1, gretap));
        assertEquals(NOT_TUNNEL, decode(TunnelType.ERSPAN, -1, gretap));
        assertEquals(NOT_TUNNEL, decode(TunnelType.GRETAP, -1, ip(Frames.erspan2(V4, 1, 1, FRAME))));
        byte[] pptp = gretap.clone();
        pptp[20 + 1] |= 1;   // GRE version 1
        assertEquals(NOT_TUNNEL, decode(TunnelType.GRETAP, -1, pptp));
        byte[] arpInGre = ip(Frames.gre(V4, Frames.Gre.PLAIN, 0x0806, new byte[28]));
        assertEquals(NOT_TUNNEL, decode(TunnelType.GRE, -1, arpInGre));
    }

    @Test
    void shouldFindTheFrameInEveryErspanTypeWhenReceivingErspan() {
        assertEquals(OK, decode(TunnelType.ERSPAN, -1, ip(Frames.erspan1(V4, FRAME))));
        assertArrayEquals(FRAME, inner(), "type I: no header");
        assertEquals(OK, decode(TunnelType.ERSPAN, 300, ip(Frames.erspan2(V4, 300, 4, FRAME))));
        assertArrayEquals(FRAME, inner(), "type II");
        assertEquals(OK, decode(TunnelType.ERSPAN3, 1023, ip(Frames.erspan3(V4, 1023, false, FRAME))));
        assertArrayEquals(FRAME, inner(), "type III");
        assertEquals(OK, decode(TunnelType.ERSPAN, 9, ip(Frames.erspan3(V4, 9, true, FRAME))));
        assertArrayEquals(FRAME, inner(), "type III with the platform subheader");
    }

    @Test
    void shouldFilterErspanBySessionWhenKeyed() {
        assertEquals(WRONG_KEY, decode(TunnelType.ERSPAN, 301, ip(Frames.erspan2(V4, 300, 4, FRAME))));
        assertEquals(WRONG_KEY, decode(TunnelType.ERSPAN, 8, ip(Frames.erspan3(V4, 9, false, FRAME))));
        assertEquals(WRONG_KEY, decode(TunnelType.ERSPAN, 0, ip(Frames.erspan1(V4, FRAME))), "type I has no session");
    }

    @Test
    void shouldRejectImpossibleErspanHeadersWhenVersionOrFrameTypeIsWrong() {
        byte[] ii = ip(Frames.erspan2(V4, 1, 1, FRAME));
        ii[20 + 8] = (byte) 0x20;   // version 2 in a 0x88be packet
        assertEquals(MALFORMED, decode(TunnelType.ERSPAN, -1, ii));
        byte[] iii = ip(Frames.erspan3(V4, 1, false, FRAME));
        iii[20 + 8 + 10] |= 0x04;   // frame type 1: not Ethernet
        assertEquals(NOT_TUNNEL, decode(TunnelType.ERSPAN, -1, iii));
    }

    @Test
    void shouldFindTheFrameAndFilterVniWhenVxlan() {
        byte[] udp = Arrays.copyOfRange(Frames.vxlan(V4, 4242, FRAME), 14 + 20 + 8, Frames.vxlan(V4, 4242, FRAME).length);
        assertEquals(OK, decode(TunnelType.VXLAN, 4242, udp, false));
        assertArrayEquals(FRAME, inner());
        assertEquals(WRONG_KEY, decode(TunnelType.VXLAN, 4243, udp, false));
        byte[] noI = udp.clone();
        noI[0] = 0;
        assertEquals(MALFORMED, decode(TunnelType.VXLAN, -1, noI, false));
        assertEquals(TOO_SHORT, decode(TunnelType.VXLAN, -1, Arrays.copyOf(udp, 7), false));
        assertEquals(TOO_SHORT, decode(TunnelType.VXLAN, -1, Arrays.copyOf(udp, 8 + 13), false), "inner frame < 14 bytes");
    }

    @Test
    void shouldDecodeIpv6RawDatagramsThatStartWithGre() {
        byte[] d = afterIpv6(Frames.gretap(V6, Frames.Gre.PLAIN.withKey(1).withSeq(2), FRAME));
        assertEquals(OK, decode(TunnelType.GRETAP, 1, d, false));
        assertArrayEquals(FRAME, inner());
    }

    @Test
    void shouldCountTruncatedDatagramsAsTooShortAtEveryHeader() {
        byte[] d = ip(Frames.erspan3(V4, 1, true, FRAME));
        int[] cuts = {10, 20 + 2, 20 + 6, 20 + 8 + 11, 20 + 8 + 12 + 7, 20 + 8 + 12 + 8 + 13};
        for (int cut : cuts) {
            byte[] t = Arrays.copyOf(d, cut);
            t[2] = (byte) (cut >>> 8);
            t[3] = (byte) cut;   // an IP total length that agrees with what arrived
            assertEquals(TOO_SHORT, decode(TunnelType.ERSPAN, -1, t), "cut at " + cut);
        }
        assertEquals(TOO_SHORT, decode(TunnelType.ERSPAN, -1, Arrays.copyOf(d, 60)), "IP total length beyond the datagram");
    }

    @Test
    void shouldRejectImpossibleIpAndGreHeadersAsMalformed() {
        byte[] d = ip(Frames.gretap(V4, Frames.Gre.PLAIN, FRAME));
        byte[] v5 = d.clone();
        v5[0] = 0x55;
        assertEquals(MALFORMED, decode(TunnelType.GRETAP, -1, v5));
        byte[] ihl = d.clone();
        ihl[0] = 0x44;
        assertEquals(MALFORMED, decode(TunnelType.GRETAP, -1, ihl));
        byte[] routing = d.clone();
        routing[20] |= 0x40;
        assertEquals(MALFORMED, decode(TunnelType.GRETAP, -1, routing));
        byte[] wrongVersion = ip(Frames.greIp(V4, Frames.Gre.PLAIN, FRAME));
        wrongVersion[20 + 4] = 0x65;   // IPv6 nibble under protocol 0x0800
        assertEquals(MALFORMED, decode(TunnelType.GRE, -1, wrongVersion));
    }
}
