package io.pushcap.pipeline;

import io.pushcap.pcap.Packet;
import io.pushcap.pipeline.filter.BpfFilter;
import io.pushcap.pipeline.filter.LinkTypeFilters;

/**
 * The per-packet decision of a target: {@code FilterFrame} on the frame as captured, then
 * decapsulation, then {@code FilterBPF} on the innermost packet (or, for a filter that names
 * encapsulation headers such as {@code vlan 1}, on the frame as captured, where those headers
 * still are). Says whether to keep the packet
 * and which bytes to write (the captured frame, or with {@code WriteDecap} the decapsulated one).
 *
 * <p><b>Note:</b> single-threaded: owns its filters and decapsulator. The packet returned by
 * {@link #output(Packet)} is a view valid until the next call.
 */
public final class FilterStage implements AutoCloseable {

    /** Finds the innermost frame; implemented by the decap package. */
    public interface Decap {
        /** Fills {@code inner} with the innermost frame of {@code outer} (or outer itself). */
        Packet innermost(Packet outer, Packet inner);
    }

    private final LinkTypeFilters frameFilter;
    private final Decap decap;
    private final LinkTypeFilters filter;
    private final boolean writeDecapsulated;
    private final boolean filterOnCaptured;
    private final Packet inner = new Packet();
    private Packet lastInner;

    public FilterStage(BpfFilter frameFilter, Decap decap, BpfFilter filter, boolean writeDecapsulated, int snaplen) {
        this(frameFilter, decap, filter, writeDecapsulated, snaplen, false);
    }

    /**
     * @param frameFilter      FilterFrame compiled for the source's link type, or null
     * @param filter           FilterBPF compiled for the source's link type, or null; packets of other
     *                         link types (a mixed pcapng) get the expression compiled for theirs
     * @param filterOnCaptured match {@code filter} against the captured frame, not the innermost one
     */
    public FilterStage(BpfFilter frameFilter, Decap decap, BpfFilter filter, boolean writeDecapsulated, int snaplen,
                       boolean filterOnCaptured) {
        this.filterOnCaptured = filterOnCaptured;
        this.frameFilter = frameFilter == null ? null : new LinkTypeFilters(frameFilter, snaplen);
        this.decap = decap;
        this.filter = filter == null ? null : new LinkTypeFilters(filter, snaplen);
        this.writeDecapsulated = writeDecapsulated;
    }

    /** True when the target keeps this packet. */
    public boolean accept(Packet p) {
        if (frameFilter != null && !frameFilter.matches(p)) {
            return false;
        }
        if (filterOnCaptured) {
            if (filter != null && !filter.matches(p)) {
                return false;
            }
            lastInner = decap != null && writeDecapsulated ? decap.innermost(p, inner) : p;
            return true;
        }
        Packet view = p;
        if (decap != null) {
            view = decap.innermost(p, inner);
        }
        lastInner = view;
        return filter == null || filter.matches(view);
    }

    /** What to write for the packet {@link #accept(Packet)} just kept. */
    public Packet output(Packet p) {
        return writeDecapsulated && lastInner != null ? lastInner : p;
    }

    /** True when the stage lets every packet through unchanged (no work per packet). */
    public boolean passThrough() {
        return frameFilter == null && decap == null && filter == null;
    }

    @Override
    public void close() {
        if (frameFilter != null) {
            frameFilter.close();
        }
        if (filter != null) {
            filter.close();
        }
    }
}
