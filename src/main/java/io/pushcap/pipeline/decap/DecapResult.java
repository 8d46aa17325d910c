package io.pushcap.pipeline.decap;

import io.pushcap.pcap.Packet;

/**
 * The outcome of decapsulating one packet: the frame to filter, how many layers were removed,
 * whether it had to be rebuilt, and why decapsulation stopped.
 *
 * <p><b>Note:</b> a flyweight owned by one {@link Decapsulator} and refilled by each call. The
 * packet views either the caller's bytes (no copy) or the decapsulator's scratch buffer; both
 * are valid until the next call or until the caller's bytes go away, whichever comes first.
 */
public final class DecapResult {
    final Packet packet = new Packet();
    int layers;
    int tunnels;
    boolean copied;
    StopReason stop = StopReason.NONE;

    /** The innermost frame (Ethernet link type), or the captured packet itself when nothing was removed. */
    public Packet packet() {
        return packet;
    }

    /** Headers removed: each tag, each MPLS label stack, each tunnel (GRE, ERSPAN, VXLAN). */
    public int layers() {
        return layers;
    }

    /** Nested tunnels removed (MPLS stacks and GRE/ERSPAN/VXLAN), the quantity the depth limit bounds. */
    public int tunnels() {
        return tunnels;
    }

    /** True when the frame was built in the scratch buffer; false when it views the captured bytes. */
    public boolean copied() {
        return copied;
    }

    public StopReason stopReason() {
        return stop;
    }

    @Override
    public String toString() {
        return "DecapResult[layers=" + layers + " tunnels=" + tunnels + " copied=" + copied + " stop=" + stop + " " + packet + "]";
    }
}
