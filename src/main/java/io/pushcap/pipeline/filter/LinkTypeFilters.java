package io.pushcap.pipeline.filter;

import io.pushcap.pcap.Packet;

import java.util.HashMap;
import java.util.Map;

/**
 * One filter expression for packets of any link type: a pcapng input may mix interfaces of
 * several link types, and a BPF program only fits the link type it was compiled for (an offset
 * into an Ethernet header means nothing in a raw-IP packet). The expression is compiled again,
 * on first use, for each further link type, as tcpdump would for a file of that type.
 *
 * <p><b>Note:</b> not thread-safe (the filters it holds are not). A link type libpcap cannot
 * compile the expression for raises {@link BpfSyntaxException} naming it. {@link #close()} frees
 * every program.
 */
public final class LinkTypeFilters implements AutoCloseable {
    private final BpfFilter first;
    private final int snaplen;
    private final Map<Integer, BpfFilter> others = new HashMap<>();

    /** @param first the expression compiled for the source's link type */
    public LinkTypeFilters(BpfFilter first, int snaplen) {
        this.first = first;
        this.snaplen = snaplen;
    }

    /** True when the expression, compiled for this packet's link type, accepts it. */
    public boolean matches(Packet p) {
        int type = p.linkType();
        if (type == first.linkType()) {
            return first.matches(p);
        }
        return others.computeIfAbsent(type, t -> BpfFilter.compile(first.expression(), t, snaplen)).matches(p);
    }

    @Override
    public void close() {
        first.close();
        others.values().forEach(BpfFilter::close);
        others.clear();
    }
}
