package io.pushcap.flow;

/**
 * Which flows a {@code flows flush} ends: each field that is set must match; an unset field
 * (null or -1) matches anything. {@link #ALL} matches every flow.
 *
 * <p><b>Note:</b> immutable and thread-safe; {@code matches} runs on the meter thread.
 *
 * @param ifIndex  ingress interface, or -1
 * @param protocol IP protocol number, or -1
 * @param src      source address, or null
 * @param srcPort  source port, or -1
 * @param dst      destination address, or null
 * @param dstPort  destination port, or -1
 */
public record FlowFilter(long ifIndex, int protocol, FlowAddress src, int srcPort, FlowAddress dst, int dstPort) {
    public static final FlowFilter ALL = new FlowFilter(-1, -1, null, -1, null, -1);

    public boolean matchesAll() {
        return equals(ALL);
    }

    boolean matches(FlowTable t, int f) {
        return (ifIndex < 0 || (t.ifIndex(f) & 0xffff_ffffL) == ifIndex)
                && (protocol < 0 || t.protocol(f) == protocol)
                && (srcPort < 0 || t.srcPort(f) == srcPort)
                && (dstPort < 0 || t.dstPort(f) == dstPort)
                && (src == null || (t.ipVersion(f) == src.version() && t.srcHi(f) == src.hi() && t.srcLo(f) == src.lo()))
                && (dst == null || (t.ipVersion(f) == dst.version() && t.dstHi(f) == dst.hi() && t.dstLo(f) == dst.lo()));
    }
}
