package io.pushcap.pipeline.decap;

/** Why decapsulation stopped before reaching a plain innermost packet (NONE when it did). */
public enum StopReason {
    /** Reached a packet with nothing left to strip. */
    NONE,
    /** The link type is not Ethernet: passed through untouched. */
    NOT_ETHERNET,
    /** A header runs past the captured bytes (snaplen). */
    TRUNCATED,
    /** A header is invalid or runs past the length its outer header gives. */
    MALFORMED,
    /** More nested tunnels than {@link DecapOptions#maxDepth()}. */
    DEPTH_EXCEEDED,
    /** The tunnel is carried in an IP fragment, whose inner headers may be elsewhere. */
    FRAGMENT,
    /** A tunnel variant pushcap does not strip (GRE version 1 or routing, unknown GRE payload, ERSPAN III frame type, MPLS G-ACh). */
    UNSUPPORTED
}
