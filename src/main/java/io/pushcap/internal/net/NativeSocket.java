package io.pushcap.internal.net;

import io.pushcap.PushcapException;
import io.pushcap.internal.ffm.Errno;
import io.pushcap.internal.ffm.LibC;
import io.pushcap.internal.ffm.LibSocket;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A socket opened through FFM ({@link LibSocket}) for what {@code java.net} cannot do: packet
 * sockets, raw IP sockets, {@code SO_BINDTODEVICE}, batched {@code sendmmsg}/{@code recvmmsg}.
 * Setup calls throw a {@link PushcapException} naming the socket, the call and the kernel's
 * reason; the batched calls return a negative errno instead, because their callers count
 * failures per packet.
 *
 * <p><b>Note:</b> not thread-safe: one thread sends or receives; {@link #close()} after that
 * thread is done. The scratch memory (errno state, option values, pollfd) is owned by the socket.
 */
public final class NativeSocket implements AutoCloseable {
    private final int fd;
    private final String label;
    private final Arena arena;
    private final MemorySegment state;
    private final MemorySegment scratch;
    private final MemorySegment poll;
    private boolean closed;

    private NativeSocket(int fd, String label, Arena arena, MemorySegment state) {
        this.fd = fd;
        this.label = label;
        this.arena = arena;
        this.state = state;
        this.scratch = arena.allocate(64, 8);
        this.poll = LibC.allocatePollScratch(arena);
    }

    /**
     * Opens {@code socket(domain, type | SOCK_CLOEXEC, protocol)}.
     *
     * @param label names the socket in error messages, e.g. "raw GRE socket to 10.0.0.2"
     */
    public static NativeSocket open(int domain, int type, int protocol, String label) {
        Arena arena = Arena.ofShared();
        MemorySegment state = Errno.allocate(arena);
        int fd = LibSocket.socket(state, domain, type | LibSocket.SOCK_CLOEXEC, protocol);
        if (fd < 0) {
            int errno = Errno.get(state);
            arena.close();
            throw new PushcapException(label + ": socket(): " + Errno.describe(errno) + hint(errno));
        }
        return new NativeSocket(fd, label, arena, state);
    }

    private static String hint(int errno) {
        return errno == Errno.EPERM || errno == Errno.EACCES
                ? " (raw and packet sockets need root or CAP_NET_RAW)" : "";
    }

    public void bind(SockAddr address, String what) {
        if (LibSocket.bind(state, fd, address.segment(), address.length()) != 0) {
            int errno = Errno.get(state);
            throw new PushcapException(label + ": bind(" + what + "): " + Errno.describe(errno)
                    + (errno == Errno.EADDRINUSE ? " (another socket, or a kernel tunnel device, holds it)" : "")
                    + (errno == Errno.EADDRNOTAVAIL ? " (not an address of this host)" : "") + hint(errno));
        }
    }

    /** Returns 0 or the errno (connect is used to ask the kernel about a route). */
    public int connect(SockAddr address) {
        return LibSocket.connect(state, fd, address.segment(), address.length()) == 0 ? 0 : Errno.get(state);
    }

    public void setInt(int level, int name, int value, String what) {
        scratch.set(JAVA_INT, 0, value);
        if (LibSocket.setsockopt(state, fd, level, name, scratch, 4) != 0) {
            throw new PushcapException(label + ": setsockopt(" + what + "): " + Errno.describe(Errno.get(state)));
        }
    }

    /** An int option's value, or -errno. */
    public int getInt(int level, int name) {
        MemorySegment len = scratch.asSlice(8, 4);
        len.set(JAVA_INT, 0, 4);
        if (LibSocket.getsockopt(state, fd, level, name, scratch, len) != 0) {
            return -Errno.get(state);
        }
        return scratch.get(JAVA_INT, 0);
    }

    /** Buffer sizes beyond rmem_max/wmem_max need the FORCE variants (root); fall back to the plain ones. */
    public void setBuffer(boolean send, int bytes) {
        scratch.set(JAVA_INT, 0, bytes);
        int force = send ? LibSocket.SO_SNDBUFFORCE : LibSocket.SO_RCVBUFFORCE;
        if (LibSocket.setsockopt(state, fd, LibSocket.SOL_SOCKET, force, scratch, 4) != 0) {
            setInt(LibSocket.SOL_SOCKET, send ? LibSocket.SO_SNDBUF : LibSocket.SO_RCVBUF, bytes,
                    send ? "SO_SNDBUF" : "SO_RCVBUF");
        }
    }

    /** Only traffic of this interface: {@code SO_BINDTODEVICE}. */
    public void bindToDevice(String iface) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment name = a.allocateFrom(iface);
            if (LibSocket.setsockopt(state, fd, LibSocket.SOL_SOCKET, LibSocket.SO_BINDTODEVICE, name,
                    (int) name.byteSize()) != 0) {
                int errno = Errno.get(state);
                throw new PushcapException(label + ": SO_BINDTODEVICE " + iface + ": " + Errno.describe(errno)
                        + (errno == Errno.ENODEV ? " (no such interface: see `ip link`)" : ""));
            }
        }
    }

    /**
     * Attaches a one-instruction socket filter that accepts nothing. A raw IP socket opened only to
     * send would otherwise be handed a copy of every incoming packet of its protocol, filling its
     * receive queue for nothing.
     */
    public void dropAllInput() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment insn = a.allocate(8, 8);   // BPF_RET | BPF_K, k = 0: keep 0 bytes
            insn.set(JAVA_SHORT, 0, (short) 0x06);
            MemorySegment prog = a.allocate(16, 8);
            prog.set(JAVA_SHORT, 0, (short) 1);
            prog.set(ADDRESS, 8, insn);
            if (LibSocket.setsockopt(state, fd, LibSocket.SOL_SOCKET, LibSocket.SO_ATTACH_FILTER, prog, 16) != 0) {
                throw new PushcapException(label + ": SO_ATTACH_FILTER: " + Errno.describe(Errno.get(state)));
            }
        }
    }

    /** @return messages sent (at least 1), or the negative errno of the first message's failure */
    public int sendmmsg(MemorySegment msgvec, int count) {
        int n = LibSocket.sendmmsg(state, fd, msgvec, count, 0);
        return n >= 0 ? n : -Errno.get(state);
    }

    /** Never blocks: @return messages received, 0 when none is waiting, or a negative errno */
    public int recvmmsg(MemorySegment msgvec, int count) {
        int n = LibSocket.recvmmsg(state, fd, msgvec, count, LibSocket.MSG_DONTWAIT, MemorySegment.NULL);
        if (n >= 0) {
            return n;
        }
        int errno = Errno.get(state);
        return errno == Errno.EAGAIN || errno == Errno.EINTR ? 0 : -errno;
    }

    /** Waits up to {@code millis} for input; true when readable. */
    public boolean awaitReadable(int millis) {
        return LibC.pollReadable(poll, fd, millis);
    }

    /** The interface's index in this thread's network namespace, or 0 when there is none. */
    public static int ifIndex(String iface) {
        try (Arena a = Arena.ofConfined()) {
            return LibSocket.ifNameToIndex(Errno.allocate(a), a.allocateFrom(iface));
        }
    }

    /** Scratch for {@link LibSocket#realtimeNanos}. */
    public static MemorySegment timespec(Arena arena) {
        return arena.allocate(JAVA_LONG, 2);
    }

    public int fd() {
        return fd;
    }

    public String label() {
        return label;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LibSocket.close(state, fd);
            arena.close();
        }
    }
}
