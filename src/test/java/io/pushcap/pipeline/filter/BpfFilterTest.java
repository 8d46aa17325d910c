package io.pushcap.pipeline.filter;

import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.Packet;
import io.pushcap.testing.Frames;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BpfFilterTest {

    @Test
    void shouldAcceptAndRejectLikeLibpcapWhenPacketIsOnHeapOrNative() {
        byte[] frame = Frames.udp(0x0a000001, 0x0a000002, 1234, 53, 20, 1);
        try (BpfFilter dns = BpfFilter.compile("udp port 53", LinkType.ETHERNET, 262144);
             BpfFilter tcp = BpfFilter.compile("tcp", LinkType.ETHERNET, 262144);
             Arena arena = Arena.ofConfined()) {
            Packet heap = new Packet().set(MemorySegment.ofArray(frame), 0, frame.length, frame.length, 0, 1, 0);
            MemorySegment off = arena.allocate(frame.length + 3);
            MemorySegment.copy(MemorySegment.ofArray(frame), 0, off, 3, frame.length);
            Packet nat = new Packet().set(off, 3, frame.length, frame.length, 0, 1, 0);
            assertThat(dns.matches(heap)).isTrue();
            assertThat(dns.matches(nat)).isTrue();
            assertThat(tcp.matches(heap)).isFalse();
            assertThat(tcp.matches(nat)).isFalse();
        }
    }

    @Test
    void shouldMatchIpv6OfEveryBsdWhenLinkTypeIsLoopbackNull() {
        // A BSD/macOS loopback capture (LINKTYPE_NULL) carries AF_INET6 as 24, 28 or 30 in the
        // writer's byte order; tcpdump's "ip6" (and "udp", which includes IPv6) matches all three.
        // A filter compiled on a dead handle matched only Linux's AF_INET6 (10).
        byte[] ipv6Udp = java.util.HexFormat.of().parseHex("600d4fcd002d11402001"
                + "0db800018435c325dac859efd1c720010db80100000000000000000000538f100035002d510a");
        try (BpfFilter ip6 = BpfFilter.compile("ip6", LinkType.NULL, 262144);
             BpfFilter udp = BpfFilter.compile("udp", LinkType.NULL, 262144);
             BpfFilter ip = BpfFilter.compile("ip", LinkType.NULL, 262144)) {
            for (int family : new int[] {24, 28, 30}) {
                byte[] frame = new byte[4 + ipv6Udp.length];
                java.nio.ByteBuffer.wrap(frame).order(java.nio.ByteOrder.nativeOrder()).putInt(family);
                System.arraycopy(ipv6Udp, 0, frame, 4, ipv6Udp.length);
                MemorySegment seg = MemorySegment.ofArray(frame);
                assertThat(ip6.matches(seg, 0, frame.length, frame.length)).as("ip6, AF %d", family).isTrue();
                assertThat(udp.matches(seg, 0, frame.length, frame.length)).as("udp, AF %d", family).isTrue();
                assertThat(ip.matches(seg, 0, frame.length, frame.length)).as("ip, AF %d", family).isFalse();
            }
        }
    }

    @Test
    void shouldUseWireLengthWhenFilterAsksForPacketLength() {
        byte[] frame = Frames.udp(1, 2, 3, 4, 10, 1);
        try (BpfFilter greater = BpfFilter.compile("greater 1000", LinkType.ETHERNET, 262144)) {
            assertThat(greater.matches(MemorySegment.ofArray(frame), 0, frame.length, frame.length)).isFalse();
            assertThat(greater.matches(MemorySegment.ofArray(frame), 0, frame.length, 1500)).isTrue();
        }
    }

    @Test
    void shouldQuoteExpressionAndLibpcapReasonWhenSyntaxIsWrong() {
        assertThatThrownBy(() -> BpfFilter.compile("tcp and prot 80", LinkType.ETHERNET, 262144))
                .isInstanceOf(BpfSyntaxException.class)
                .hasMessage("BPF filter 'tcp and prot 80': syntax error in filter expression");
        assertThatThrownBy(() -> BpfFilter.compile("ether host 1:2", LinkType.RAW, 262144))
                .isInstanceOf(BpfSyntaxException.class)
                .hasMessageStartingWith("BPF filter 'ether host 1:2': ");
    }

    @Test
    void shouldDuplicateIntoIndependentFilterWhenAnotherThreadNeedsOne() throws Exception {
        byte[] frame = Frames.udp(1, 2, 3, 53, 10, 1);
        try (BpfFilter a = BpfFilter.compile("udp dst port 53", LinkType.ETHERNET, 262144); BpfFilter b = a.duplicate()) {
            Thread t = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 100_000; i++) {
                    if (!b.matches(MemorySegment.ofArray(frame), 0, frame.length, frame.length)) {
                        throw new AssertionError();
                    }
                }
            });
            for (int i = 0; i < 100_000; i++) {
                assertThat(a.matches(MemorySegment.ofArray(frame), 0, frame.length, frame.length)).isTrue();
            }
            t.join();
            assertThat(b.expression()).isEqualTo("udp dst port 53");
        }
    }

    @Test
    void shouldCompileForRawIpWhenFileLinktypeIs101() {
        byte[] frame = Frames.udp(0x0a000001, 0x0a000002, 1234, 53, 20, 1);
        byte[] ip = java.util.Arrays.copyOfRange(frame, 14, frame.length);
        try (BpfFilter udp = BpfFilter.compile("udp port 53", LinkType.RAW, 262144);
             BpfFilter tcp = BpfFilter.compile("tcp", LinkType.RAW, 262144)) {
            Packet p = new Packet().set(MemorySegment.ofArray(ip), 0, ip.length, ip.length, 0, LinkType.RAW, 0);
            assertThat(udp.matches(p)).isTrue();
            assertThat(tcp.matches(p)).isFalse();
            assertThat(udp.linkType()).isEqualTo(LinkType.RAW);
        }
    }

    @Test
    void shouldCompileAgainPerLinkTypeWhenPacketsMixLinkTypes() {
        byte[] frame = Frames.udp(0x0a000001, 0x0a000002, 1234, 53, 20, 1);
        byte[] ip = java.util.Arrays.copyOfRange(frame, 14, frame.length);
        try (LinkTypeFilters f = new LinkTypeFilters(BpfFilter.compile("udp port 53", LinkType.ETHERNET, 262144), 262144)) {
            Packet eth = new Packet().set(MemorySegment.ofArray(frame), 0, frame.length, frame.length, 0, LinkType.ETHERNET, 0);
            Packet raw = new Packet().set(MemorySegment.ofArray(ip), 0, ip.length, ip.length, 0, LinkType.RAW, 1);
            assertThat(f.matches(eth)).isTrue();
            assertThat(f.matches(raw)).isTrue();
            // The Ethernet program applied to the raw bytes would have rejected it:
            try (BpfFilter ethOnly = BpfFilter.compile("udp port 53", LinkType.ETHERNET, 262144)) {
                assertThat(ethOnly.matches(raw)).isFalse();
            }
        }
    }
}
