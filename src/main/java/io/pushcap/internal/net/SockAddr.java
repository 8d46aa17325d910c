package io.pushcap.internal.net;

import io.pushcap.internal.ffm.LibSocket;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteOrder;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A C socket address in native memory ({@code sockaddr_in}, {@code sockaddr_in6} or
 * {@code sockaddr_ll}; layouts in {@link LibSocket}), ready to pass to bind, connect or a
 * message header.
 *
 * @param segment the address bytes, {@code length} long
 * @param length  the socklen_t to pass with it
 * @param family  AF_INET, AF_INET6 or AF_PACKET
 *
 * <p><b>Note:</b> immutable once built; the memory belongs to the arena it was allocated in.
 */
public record SockAddr(MemorySegment segment, int length, int family) {
    private static final ValueLayout.OfShort BE16 = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);

    /** An IPv4 or IPv6 address with a port (0 for raw sockets). */
    public static SockAddr ip(Arena arena, InetAddress address, int port) {
        if (address instanceof Inet6Address v6) {
            MemorySegment s = arena.allocate(LibSocket.SOCKADDR_IN6_SIZE, 8);
            s.set(JAVA_SHORT, 0, (short) LibSocket.AF_INET6);
            s.set(BE16, 2, (short) port);
            MemorySegment.copy(address.getAddress(), 0, s, JAVA_BYTE, 8, 16);
            s.set(JAVA_INT, 24, v6.getScopeId());
            return new SockAddr(s, LibSocket.SOCKADDR_IN6_SIZE, LibSocket.AF_INET6);
        }
        MemorySegment s = arena.allocate(LibSocket.SOCKADDR_IN_SIZE, 8);
        s.set(JAVA_SHORT, 0, (short) LibSocket.AF_INET);
        s.set(BE16, 2, (short) port);
        MemorySegment.copy(address.getAddress(), 0, s, JAVA_BYTE, 4, 4);
        return new SockAddr(s, LibSocket.SOCKADDR_IN_SIZE, LibSocket.AF_INET);
    }

    /** A packet-socket address for interface {@code ifIndex}; protocol 0 receives nothing. */
    public static SockAddr packet(Arena arena, int ifIndex, int protocol) {
        MemorySegment s = arena.allocate(LibSocket.SOCKADDR_LL_SIZE, 8);
        s.set(JAVA_SHORT, 0, (short) LibSocket.AF_PACKET);
        s.set(BE16, 2, (short) protocol);
        s.set(JAVA_INT, 4, ifIndex);
        return new SockAddr(s, LibSocket.SOCKADDR_LL_SIZE, LibSocket.AF_PACKET);
    }

    /** The socket family that reaches {@code address}. */
    public static int familyOf(InetAddress address) {
        return address instanceof Inet6Address ? LibSocket.AF_INET6 : LibSocket.AF_INET;
    }
}
