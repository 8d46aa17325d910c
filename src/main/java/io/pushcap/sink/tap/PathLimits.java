package io.pushcap.sink.tap;

import java.net.InetAddress;

/**
 * What a transmitter to one IP destination knows about the path: the bytes its own headers add
 * (outer IP, and UDP for VXLAN) and the route's MTU, refreshed after an EMSGSIZE, from which the
 * largest unfragmented and the largest sendable packets follow.
 *
 * <p><b>Note:</b> used by the transmitter's (single) sending thread.
 */
abstract class PathLimits implements Transmitter {
    private static final int IP_MAX = 65535;

    private final InetAddress address;
    private final String iface;
    private final String prefix;
    private final int overhead;
    private int mtu;

    /** @param iface the interface the route must leave by, or null for any */
    PathLimits(InetAddress address, String iface, String prefix, int overhead) {
        this.address = address;
        this.iface = iface;
        this.prefix = prefix;
        this.overhead = overhead;
        this.mtu = PathMtu.toward(address, iface, prefix);
    }

    @Override
    public final int overhead() {
        return overhead;
    }

    @Override
    public final int unfragmentedLimit() {
        return mtu - overhead;
    }

    @Override
    public final int sendLimit() {
        return IP_MAX - overhead;
    }

    @Override
    public final int refreshMtu() {
        try {
            mtu = PathMtu.toward(address, iface, prefix);
        } catch (RuntimeException e) {
            // the route is gone; keep the last MTU for messages
        }
        return mtu;
    }

    final InetAddress address() {
        return address;
    }
}
