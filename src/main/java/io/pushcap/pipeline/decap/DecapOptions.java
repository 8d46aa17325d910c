package io.pushcap.pipeline.decap;

import io.pushcap.PushcapException;

import java.util.Arrays;

/**
 * How a target decapsulates.
 *
 * @param writeDecapsulated {@code WriteDecap}: write the decapsulated frame to the output instead
 *                          of the frame as captured
 * @param maxDepth          most nested tunnels stripped (MPLS stacks, GRE, ERSPAN, VXLAN; tags
 *                          do not count); a deeper packet stops there and is counted
 * @param vxlanPorts        UDP destination ports taken as VXLAN (4789 by default; add e.g. 8472
 *                          for Linux's legacy port)
 *
 * <p><b>Note:</b> immutable and thread-safe; invalid values raise {@link PushcapException} naming
 * the value and the valid range.
 */
public record DecapOptions(boolean writeDecapsulated, int maxDepth, int[] vxlanPorts) {
    public static final int DEFAULT_MAX_DEPTH = 8;
    public static final DecapOptions DEFAULT = new DecapOptions(false, DEFAULT_MAX_DEPTH, new int[]{EncapDescriptor.VXLAN_PORT});

    public DecapOptions {
        if (maxDepth < 1 || maxDepth > 64) {
            throw new PushcapException("Decap: max depth " + maxDepth + " (expected 1 to 64)");
        }
        if (vxlanPorts == null || vxlanPorts.length == 0) {
            throw new PushcapException("Decap: no VXLAN port (expected at least one, e.g. 4789)");
        }
        for (int p : vxlanPorts) {
            if (p < 1 || p > 65535) {
                throw new PushcapException("Decap: VXLAN port " + p + " (expected 1 to 65535)");
            }
        }
        vxlanPorts = vxlanPorts.clone();
    }

    /** Defaults, with {@code WriteDecap} as given. */
    public static DecapOptions of(boolean writeDecapsulated) {
        return new DecapOptions(writeDecapsulated, DEFAULT_MAX_DEPTH, new int[]{EncapDescriptor.VXLAN_PORT});
    }

    @Override
    public int[] vxlanPorts() {
        return vxlanPorts.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DecapOptions d && d.writeDecapsulated == writeDecapsulated && d.maxDepth == maxDepth
                && Arrays.equals(d.vxlanPorts, vxlanPorts);
    }

    @Override
    public int hashCode() {
        return Boolean.hashCode(writeDecapsulated) * 31 * 31 + maxDepth * 31 + Arrays.hashCode(vxlanPorts);
    }

    @Override
    public String toString() {
        return "DecapOptions[writeDecapsulated=" + writeDecapsulated + ", maxDepth=" + maxDepth + ", vxlanPorts="
                + Arrays.toString(vxlanPorts) + "]";
    }
}
