package io.pushcap.pipeline;

import io.pushcap.config.TargetConfig;
import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.Packet;
import io.pushcap.pipeline.filter.BpfFilter;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;

/** A FilterBPF on encapsulation headers sees the captured frame; any other sees the decapsulated one. */
class FilterStageEncapTest {
    /** Strips one 802.1Q tag, as Decap does, into a fresh frame. */
    private static final FilterStage.Decap UNTAG = (outer, inner) -> {
        byte[] b = outer.segment().asSlice(outer.offset(), outer.caplen()).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        if ((b[12] & 0xff) != 0x81 || b[13] != 0) {
            return outer;
        }
        byte[] u = new byte[b.length - 4];
        System.arraycopy(b, 0, u, 0, 12);
        System.arraycopy(b, 16, u, 12, b.length - 16);
        return inner.set(nativeCopy(u), 0, u.length, u.length, outer.timestampNanos(), outer.linkType(), 0);
    };

    /** libpcap reads the frame through a pointer: native memory. */
    private static MemorySegment nativeCopy(byte[] a) {
        return java.lang.foreign.Arena.ofAuto().allocate(a.length).copyFrom(MemorySegment.ofArray(a));
    }

    private static Packet taggedTcp(int vid) {
        ByteBuffer b = ByteBuffer.allocate(14 + 4 + 20 + 20);
        b.put(new byte[12]).putShort((short) 0x8100).putShort((short) vid).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) 40).putInt(0).put((byte) 64).put((byte) 6).putShort((short) 0)
                .putInt(0x0a000001).putInt(0x0a000002);
        b.putShort((short) 1234).putShort((short) 80).putInt(0).putInt(0).put((byte) 0x50).put((byte) 2)
                .putShort((short) 1024).putInt(0);
        byte[] a = b.array();
        return new Packet().set(nativeCopy(a), 0, a.length, a.length, 0, LinkType.ETHERNET, 0);
    }

    private static boolean accepts(String filter, boolean onCaptured, Packet p) {
        // the stage owns (and closes) its filter
        try (FilterStage s = new FilterStage(null, UNTAG, BpfFilter.compile(filter, LinkType.ETHERNET, 65535), false, 65535,
                onCaptured)) {
            return s.accept(p);
        }
    }

    @Test
    void shouldMatchVlanFilterOnTheCapturedFrameWhenDecapIsOn() {
        assertThat(accepts("vlan 1", true, taggedTcp(1))).isTrue();
        assertThat(accepts("vlan 1", true, taggedTcp(2))).isFalse();
        assertThat(accepts("vlan 1 and tcp port 80", true, taggedTcp(1))).isTrue();
        // the old behaviour: after decap the tag is gone and "vlan 1" matches nothing
        assertThat(accepts("vlan 1", false, taggedTcp(1))).isFalse();
    }

    @Test
    void shouldMatchInnerFiltersThroughTheTagWhenDecapIsOn() {
        assertThat(accepts("tcp port 80", false, taggedTcp(7))).isTrue();
    }

    @Test
    void shouldTellEncapsulationFiltersFromOthersWhenConfigNamesThem() {
        for (String f : new String[] {"vlan 1", "vlan", "mpls 100 and tcp", "pppoes", "geneve", "not vlan"}) {
            assertThat(target(f).filterOnCapturedFrame()).as(f).isTrue();
        }
        for (String f : new String[] {"tcp port 80", "host 10.0.0.1", "ether host 00:11:22:33:44:55"}) {
            assertThat(target(f).filterOnCapturedFrame()).as(f).isFalse();
        }
    }

    private static TargetConfig target(String filter) {
        return new TargetConfig("t", io.pushcap.config.Mode.FILE, "/x/", io.pushcap.config.SplitRule.NONE, null, null,
                filter, true, false, null, null, ".pcap", false, false, -1, false, null, null, null, 0, 0,
                java.util.Map.of(), "f", 1);
    }
}
