package io.pushcap.flow;

/**
 * One flow copied out of the cache, for {@code flows dump}.
 *
 * <p><b>Note:</b> immutable and thread-safe: a copy, detached from the cache.
 *
 * @param ifIndex      ingress interface
 * @param outerVlan    first VLAN id, 0 when untagged
 * @param innerVlan    second (customer) VLAN id, 0 without QinQ
 * @param protocol     IP protocol number
 * @param src          source address
 * @param srcPort      source port (0 without ports)
 * @param dst          destination address
 * @param dstPort      destination port
 * @param icmpTypeCode ICMP type * 256 + code (0 unless ICMP)
 * @param packets      packets so far
 * @param octets       IP octets so far
 * @param firstNanos   first packet, ns since the epoch
 * @param lastNanos    last packet, ns since the epoch
 * @param tcpFlags     TCP flags OR'ed
 * @param finished     a FIN or RST was seen
 */
public record FlowEntry(int ifIndex, int outerVlan, int innerVlan, int protocol, FlowAddress src, int srcPort,
                        FlowAddress dst, int dstPort, int icmpTypeCode, long packets, long octets, long firstNanos,
                        long lastNanos, int tcpFlags, boolean finished) {

    static FlowEntry of(FlowTable t, int f) {
        int v = t.ipVersion(f);
        return new FlowEntry(t.ifIndex(f), t.outerVlan(f), t.innerVlan(f), t.protocol(f),
                new FlowAddress(v, t.srcHi(f), t.srcLo(f)), t.srcPort(f), new FlowAddress(v, t.dstHi(f), t.dstLo(f)),
                t.dstPort(f), t.icmpTypeCode(f), t.packets(f), t.octets(f), t.firstNanos(f), t.lastNanos(f),
                t.tcpFlags(f), t.finished(f));
    }

    public int ipVersion() {
        return src.version();
    }
}
