package io.pushcap.sink.tap;

import io.pushcap.PushcapException;
import io.pushcap.internal.ffm.Errno;
import io.pushcap.internal.ffm.LibSocket;
import io.pushcap.internal.net.NativeSocket;
import io.pushcap.internal.net.SockAddr;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * MTUs for size checks and messages: an interface's (sysfs) and the path MTU the kernel's routing
 * table gives towards an address ({@code IP_MTU} on a connected UDP socket, which sends nothing).
 *
 * <p><b>Note:</b> stateless; each call asks the kernel again.
 */
final class PathMtu {
    private PathMtu() {
    }

    /** The MTU of {@code iface}, or 1500 when it cannot be read. */
    static int ofInterface(String iface) {
        try {
            return Integer.parseInt(Files.readString(Path.of("/sys/class/net", iface, "mtu")).trim());
        } catch (IOException | NumberFormatException e) {
            return 1500;
        }
    }

    /**
     * The path MTU towards {@code address} (leaving by {@code iface} when not null).
     *
     * @throws PushcapException when there is no route
     */
    static int toward(InetAddress address, String iface, String prefix) {
        int family = SockAddr.familyOf(address);
        try (NativeSocket s = NativeSocket.open(family, LibSocket.SOCK_DGRAM, 0, prefix + "route check");
             Arena arena = Arena.ofConfined()) {
            if (iface != null) {
                s.bindToDevice(iface);
            }
            int errno = s.connect(SockAddr.ip(arena, address, 9));
            if (errno != 0) {
                throw new PushcapException(prefix + "no route to " + address.getHostAddress()
                        + (iface != null ? " via " + iface : "") + ": " + Errno.describe(errno)
                        + " (see `ip route get " + address.getHostAddress() + "`)");
            }
            int mtu = family == LibSocket.AF_INET6 ? s.getInt(LibSocket.SOL_IPV6, LibSocket.IPV6_MTU)
                    : s.getInt(LibSocket.SOL_IP, LibSocket.IP_MTU);
            return mtu > 0 ? mtu : 1500;
        }
    }
}
