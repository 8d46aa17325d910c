package io.pushcap.sink.tap;

import io.pushcap.internal.ffm.LibSocket;
import io.pushcap.internal.net.NativeSocket;
import io.pushcap.internal.net.SockAddr;

import java.lang.foreign.Arena;
import java.net.InetAddress;

/**
 * Sends GRE datagrams (GRE header + payload) to one endpoint through a raw IP socket of protocol
 * 47; the kernel adds the IPv4/IPv6 header, routes, and fragments what exceeds the path MTU
 * unless {@code dontFragment} ({@code IP_PMTUDISC_DO}: such datagrams fail with EMSGSIZE). The
 * socket is not connected, so ICMP errors from the far end (protocol unreachable where no GRE
 * receiver runs) never fail a later send. A filter that accepts nothing keeps the kernel from
 * queueing a copy of every incoming GRE packet on this send-only socket.
 *
 * <p><b>Note:</b> not thread-safe. Needs CAP_NET_RAW.
 */
final class RawIpTransmitter extends PathLimits {
    private static final int SEND_BUFFER = 4 << 20;

    private final Arena arena = Arena.ofShared();
    private final NativeSocket socket;
    private final SockAddr destination;

    RawIpTransmitter(InetAddress address, String iface, boolean dontFragment, String prefix) {
        super(address, iface, prefix, SockAddr.familyOf(address) == LibSocket.AF_INET6 ? 40 : 20);
        int family = SockAddr.familyOf(address);
        NativeSocket s = NativeSocket.open(family, LibSocket.SOCK_RAW, 47,
                prefix + "raw GRE socket to " + address.getHostAddress());
        try {
            if (iface != null) {
                s.bindToDevice(iface);
            }
            if (family == LibSocket.AF_INET6) {
                s.setInt(LibSocket.SOL_IPV6, LibSocket.IPV6_MTU_DISCOVER,
                        dontFragment ? LibSocket.IP_PMTUDISC_DO : LibSocket.IP_PMTUDISC_DONT, "IPV6_MTU_DISCOVER");
            } else {
                s.setInt(LibSocket.SOL_IP, LibSocket.IP_MTU_DISCOVER,
                        dontFragment ? LibSocket.IP_PMTUDISC_DO : LibSocket.IP_PMTUDISC_DONT, "IP_MTU_DISCOVER");
            }
            s.setBuffer(true, SEND_BUFFER);
            s.dropAllInput();
        } catch (RuntimeException e) {
            s.close();
            arena.close();
            throw e;
        }
        this.socket = s;
        this.destination = SockAddr.ip(arena, address, 0);
    }

    @Override
    public SendBatch newBatch(int capacity, int bufferBytes) {
        return new SendBatch(arena, capacity, bufferBytes, destination);
    }

    @Override
    public int send(SendBatch batch, int from) {
        return socket.sendmmsg(batch.messagesFrom(from), batch.count() - from);
    }





    @Override
    public String describe() {
        return address().getHostAddress();
    }

    @Override
    public void close() {
        socket.close();
        arena.close();
    }
}
