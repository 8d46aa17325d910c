package io.pushcap.sink.kafka;

import io.pushcap.flow.PacketDissector;
import io.pushcap.pcap.Packet;

/**
 * {@code Key = "flow"}: a symmetric hash of a packet's 5-tuple (addresses, protocol, ports), the
 * same for both directions, so a flow's packets share one partition and stay in order. Non-IP
 * packets have no flow key (null: Kafka spreads them).
 *
 * <p><b>Note:</b> not thread-safe (one dissector per instance).
 */
final class FlowKey {
    private final PacketDissector dissector = new PacketDissector();

    /** 8 bytes, or null for a packet that is not IP. */
    byte[] of(Packet p) {
        if (dissector.dissect(p) != PacketDissector.IP) {
            return null;
        }
        long a = mix(dissector.srcHi(), dissector.srcLo(), dissector.srcPort());
        long b = mix(dissector.dstHi(), dissector.dstLo(), dissector.dstPort());
        // Order-free combination of the two ends, then the protocol.
        long lo = Math.min(a, b);
        long hi = Math.max(a, b);
        long h = mix(lo, hi, dissector.protocol());
        byte[] out = new byte[8];
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (h >>> (56 - 8 * i));
        }
        return out;
    }

    private static long mix(long x, long y, int z) {
        long h = x * 0x9E3779B97F4A7C15L;
        h = Long.rotateLeft(h ^ y, 31) * 0xBF58476D1CE4E5B9L;
        h = Long.rotateLeft(h ^ z, 27) * 0x94D049BB133111EBL;
        return h ^ (h >>> 31);
    }
}
