package io.pushcap.capture.tunnel;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.pushcap.internal.net.TunnelType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Arbitrary bytes as a received tunnel datagram (GRE, GRETAP, ERSPAN II/III, VXLAN; GRE types with
 * and without the IPv4 header a raw socket includes), decoded by every decoder, without a key and
 * with keys 0 and 1. Invariants:
 * <ul>
 *   <li>the decoder never throws and never reads outside the datagram: it sits in native memory
 *       of exactly its length, so a stray read fails;</li>
 *   <li>the verdict is one of the five, and {@code WRONG_KEY} only comes with a key;</li>
 *   <li>{@code OK} points inside the datagram: a frame of at least an Ethernet header (ethertype
 *       -1), or for plain GRE an IP packet whose version matches the ethertype;</li>
 *   <li>a key only filters: what a key lets through decodes the same without one;</li>
 *   <li>the same datagram at another offset of a larger buffer gives the same answer.</li>
 * </ul>
 * Regression mode replays
 * {@code src/test/resources/io/pushcap/capture/tunnel/TunnelDecoderFuzzTestInputs/fuzzTunnelDecoder/};
 * fuzz mode: {@code JAZZER_FUZZ=1 mvn test -Dtest=TunnelDecoderFuzzTest} or {@code bench/fuzz.sh tunnel}.
 */
class TunnelDecoderFuzzTest {
    private static final int ETH_HEADER = 14;
    private static final int SHIFT = 5;

    @FuzzTest(maxDuration = "60s")
    void fuzzTunnelDecoder(byte[] data) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment exact = arena.allocate(Math.max(1, data.length)).asSlice(0, data.length);
            MemorySegment.copy(MemorySegment.ofArray(data), 0, exact, 0, data.length);
            MemorySegment shifted = arena.allocate(data.length + 2L * SHIFT);
            MemorySegment.copy(MemorySegment.ofArray(data), 0, shifted, SHIFT, data.length);
            for (TunnelType type : TunnelType.values()) {
                for (boolean ipHeader : type == TunnelType.VXLAN ? new boolean[]{false} : new boolean[]{true, false}) {
                    TunnelDecoder open = new TunnelDecoder(type, -1, ipHeader);
                    int v = open.decode(exact, 0, data.length);
                    check(type, -1, ipHeader, v, open, data);
                    int[] answer = {v, open.innerOffset(), open.innerLength(), open.etherType()};
                    int again = open.decode(shifted, SHIFT, data.length);
                    same(type + " at offset " + SHIFT, answer, again, open);
                    for (long key : new long[]{0, 1}) {
                        TunnelDecoder keyed = new TunnelDecoder(type, key, ipHeader);
                        int k = keyed.decode(exact, 0, data.length);
                        check(type, key, ipHeader, k, keyed, data);
                        if (k == TunnelDecoder.OK) {
                            same(type + " key " + key + " vs no key", answer, k, keyed);
                        } else if (k != TunnelDecoder.WRONG_KEY && k != v) {
                            throw new AssertionError(type + " key " + key + ": " + TunnelDecoder.reason(k)
                                    + " but without a key " + TunnelDecoder.reason(v));
                        }
                    }
                }
            }
        }
    }

    private static void check(TunnelType type, long key, boolean ipHeader, int verdict, TunnelDecoder d, byte[] data) {
        String what = type + " key " + key + (ipHeader ? " with IPv4 header" : "");
        if (verdict < TunnelDecoder.OK || verdict > TunnelDecoder.NOT_TUNNEL) {
            throw new AssertionError(what + ": verdict " + verdict);
        }
        if (verdict == TunnelDecoder.WRONG_KEY && key < 0) {
            throw new AssertionError(what + ": wrong key without a key");
        }
        if (verdict != TunnelDecoder.OK) {
            return;
        }
        int off = d.innerOffset();
        int len = d.innerLength();
        if (off < 0 || len <= 0 || (long) off + len > data.length) {
            throw new AssertionError(what + ": inner " + off + "+" + len + " outside " + data.length + " bytes");
        }
        if (d.etherType() == -1) {
            if (type == TunnelType.GRE || len < ETH_HEADER) {
                throw new AssertionError(what + ": frame of " + len + " bytes, ethertype -1");
            }
        } else {
            int version = (data[off] & 0xff) >>> 4;
            boolean ok = type == TunnelType.GRE && (d.etherType() == 0x0800 && version == 4
                    || d.etherType() == 0x86DD && version == 6);
            if (!ok) {
                throw new AssertionError(what + ": ethertype " + Integer.toHexString(d.etherType()) + ", IP version " + version);
            }
        }
    }

    private static void same(String what, int[] answer, int verdict, TunnelDecoder d) {
        if (answer[0] != verdict || verdict == TunnelDecoder.OK
                && (answer[1] != d.innerOffset() || answer[2] != d.innerLength() || answer[3] != d.etherType())) {
            throw new AssertionError(what + ": " + TunnelDecoder.reason(verdict) + " " + d.innerOffset() + "+"
                    + d.innerLength() + " but " + TunnelDecoder.reason(answer[0]) + " " + answer[1] + "+" + answer[2]);
        }
    }
}
