package io.pushcap.internal.ffm;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Raw bindings to the Linux socket calls the JDK does not expose: packet and raw IP sockets,
 * socket options by number ({@code SO_BINDTODEVICE}, {@code PACKET_QDISC_BYPASS}, {@code IP_MTU}),
 * and batched {@code sendmmsg}/{@code recvmmsg}. Return codes are returned as the kernel gives
 * them; callers pass an {@link Errno} call-state segment first and read errno from it.
 *
 * <p>Layouts on x86-64 and aarch64 (LP64), offsets in bytes:
 * <pre>
 * struct iovec   { void *iov_base; size_t iov_len; }                          16 bytes
 *   0 iov_base   8 iov_len
 * struct msghdr  { void *name; socklen_t namelen; struct iovec *iov; size_t iovlen;
 *                  void *control; size_t controllen; int flags; }             56 bytes
 *   0 msg_name   8 msg_namelen   16 msg_iov   24 msg_iovlen   32 msg_control
 *  40 msg_controllen   48 msg_flags
 * struct mmsghdr { struct msghdr msg_hdr; unsigned int msg_len; }             64 bytes
 *   0 msg_hdr   56 msg_len
 * struct cmsghdr { size_t cmsg_len; int cmsg_level; int cmsg_type; data }     16 + data
 * struct sockaddr_ll  { u16 family; be16 protocol; i32 ifindex; u16 hatype; u8 pkttype;
 *                       u8 halen; u8 addr[8]; }                               20 bytes
 * struct sockaddr_in  { u16 family; be16 port; be32 addr; u8 zero[8]; }       16 bytes
 * struct sockaddr_in6 { u16 family; be16 port; be32 flowinfo; u8 addr[16]; u32 scope; } 28 bytes
 * struct sock_fprog   { u16 len; (pad 6) struct sock_filter *filter; }        16 bytes
 * struct sock_filter  { u16 code; u8 jt; u8 jf; u32 k; }                       8 bytes
 * </pre>
 *
 * <p><b>Note:</b> method handles are thread-safe; a descriptor is used by one thread at a time
 * by its owner. Calls that can block ({@code sendmmsg}, {@code recvmmsg}, {@code poll}) are
 * linked without the critical option, so other Java threads keep running.
 */
public final class LibSocket {
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int AF_PACKET = 17;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_CLOEXEC = 0x80000;

    public static final int SOL_SOCKET = 1;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SO_BINDTODEVICE = 25;
    public static final int SO_ATTACH_FILTER = 26;
    public static final int SO_SNDBUFFORCE = 32;
    public static final int SO_RCVBUFFORCE = 33;
    public static final int SO_TIMESTAMPNS = 35;
    public static final int SCM_TIMESTAMPNS = SO_TIMESTAMPNS;

    public static final int SOL_IP = 0;
    public static final int IP_MTU_DISCOVER = 10;
    public static final int IP_MTU = 14;
    public static final int IP_PMTUDISC_DONT = 0;
    public static final int IP_PMTUDISC_DO = 2;
    public static final int SOL_IPV6 = 41;
    public static final int IPV6_MTU_DISCOVER = 23;
    public static final int IPV6_MTU = 24;

    public static final int SOL_PACKET = 263;
    public static final int PACKET_QDISC_BYPASS = 20;

    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_TRUNC = 0x20;

    public static final int CLOCK_REALTIME = 0;

    public static final long IOVEC_SIZE = 16;
    public static final long IOV_BASE = 0;
    public static final long IOV_LEN = 8;
    public static final long MMSGHDR_SIZE = 64;
    public static final long MSG_NAME = 0;
    public static final long MSG_NAMELEN = 8;
    public static final long MSG_IOV = 16;
    public static final long MSG_IOVLEN = 24;
    public static final long MSG_CONTROL = 32;
    public static final long MSG_CONTROLLEN = 40;
    public static final long MSG_FLAGS = 48;
    public static final long MSG_LEN = 56;
    public static final long CMSG_HEADER = 16;
    public static final long CMSG_LEN = 0;
    public static final long CMSG_LEVEL = 8;
    public static final long CMSG_TYPE = 12;

    public static final int SOCKADDR_LL_SIZE = 20;
    public static final int SOCKADDR_IN_SIZE = 16;
    public static final int SOCKADDR_IN6_SIZE = 28;
    public static final int SOCKADDR_STORAGE_SIZE = 128;

    private static final MethodHandle SOCKET = LibC.bindErrno("socket",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = LibC.bindErrno("bind",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle CONNECT = LibC.bindErrno("connect",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SETSOCKOPT = LibC.bindErrno("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKOPT = LibC.bindErrno("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SENDMMSG = LibC.bindErrno("sendmmsg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle RECVMMSG = LibC.bindErrno("recvmmsg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle CLOSE = LibC.bindErrno("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle IF_NAMETOINDEX = LibC.bindErrno("if_nametoindex",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle CLOCK_GETTIME = LibC.bind("clock_gettime",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));

    private LibSocket() {
    }

    public static int socket(MemorySegment state, int domain, int type, int protocol) {
        try {
            return (int) SOCKET.invokeExact(state, domain, type, protocol);
        } catch (Throwable t) {
            throw LibPcap.rethrow(t);
        }
    }

    public static int bind(MemorySegment state, int fd, MemorySegment addr, int length) {
        try {
            return (int) BIND.invokeExact(state, fd, addr, length);
        } catch (Throwable t) {
            throw LibPcap.rethrow(t);
        }
    }

    public static int connect(MemorySegment state, int fd, MemorySegment addr, int length) {
        try {
            return (int) CONNECT.invokeExact(state, fd, addr, length);
        } catch (Throwable t) {
            throw LibPcap.rethrow(t);
        }
    }

    public static int setsockopt(MemorySegment state, int fd, int level, int name, MemorySegment value, int length) {
        try {
            return (int) SETSOCKOPT.invokeExact(state, fd, level, name, value, length);
        } catch (Throwable t) {
            throw LibPcap.rethrow(t);
        }
    }

    /** {@code lengthInOut} holds a socklen_t: the value buffer's size in, the option's size out. */
    public static int getsockopt(MemorySegment state, int fd, int level, int name, MemorySegment value,
                                 MemorySegment lengthInOut) {
        try {
            return (int) GETSOCKOPT.invokeExact(state, fd, level, name, value, lengthInOut);
        } catch (Throwable t) {
            throw LibPcap.rethrow(t);
        }
    }

    /** @return messages sent (each mmsghdr's msg_len set), or -1 with errno when the first one failed */
    public static int sendmmsg(MemorySegment state, int fd, MemorySegment msgvec, int vlen, int flags) {
        try {
            return (int) SENDMMSG.invokeExact(state, fd, msgvec, vlen, flags);
        } catch (Throwable t) {
            throw LibPcap.rethrow(t);
        }
    }

    /** {@code timeout} may be {@link MemorySegment#NULL}: with MSG_DONTWAIT the call never blocks. */
    public static int recvmmsg(MemorySegment state, int fd, MemorySegment msgvec, int vlen, int flags,
                               MemorySegment timeout) {
        try {
            return (int) RECVMMSG.invokeExact(state, fd, msgvec, vlen, flags, timeout);
        } catch (Throwable t) {
            throw LibPcap.rethrow(t);
        }
    }

    public static int close(MemorySegment state, int fd) {
        try {
            return (int) CLOSE.invokeExact(state, fd);
        } catch (Throwable t) {
            throw LibPcap.rethrow(t);
        }
    }

    /** The interface's index in the calling thread's network namespace, or 0 (errno ENODEV) when absent. */
    public static int ifNameToIndex(MemorySegment state, MemorySegment name) {
        try {
            return (int) IF_NAMETOINDEX.invokeExact(state, name);
        } catch (Throwable t) {
            throw LibPcap.rethrow(t);
        }
    }

    /** CLOCK_REALTIME in ns since the epoch; {@code timespec} is 16 bytes of scratch. */
    public static long realtimeNanos(MemorySegment timespec) {
        try {
            int rc = (int) CLOCK_GETTIME.invokeExact(CLOCK_REALTIME, timespec);
            if (rc != 0) {
                return System.currentTimeMillis() * 1_000_000L;
            }
            return timespec.get(JAVA_LONG, 0) * 1_000_000_000L + timespec.get(JAVA_LONG, 8);
        } catch (Throwable t) {
            throw LibPcap.rethrow(t);
        }
    }
}
