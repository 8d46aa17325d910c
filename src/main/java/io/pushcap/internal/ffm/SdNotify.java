package io.pushcap.internal.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * systemd's service notification ({@code sd_notify(3)}): one datagram such as {@code READY=1} to
 * the unix socket named by {@code $NOTIFY_SOCKET}, for {@code Type=notify} units and their
 * watchdog. The JDK has unix-domain stream sockets but no unix datagrams, so this calls
 * {@code socket(AF_UNIX, SOCK_DGRAM)} and {@code sendto} through FFM, a socket per message as
 * libsystemd does.
 *
 * <p><b>Note:</b> thread-safe (no state besides the immutable address). Sending never throws: a
 * notification is advice to the service manager, so a failure is returned as a message for the
 * caller to log, and the service goes on.
 */
public final class SdNotify {
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int MSG_NOSIGNAL = 0x4000;
    /** {@code struct sockaddr_un}: {@code sa_family_t} then {@code char sun_path[108]}. */
    private static final int SUN_PATH_MAX = 108;
    private static final MethodHandle SOCKET = LibC.bindErrno("socket",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SENDTO = LibC.bindErrno("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle CLOSE = LibC.bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private final String socket;

    private SdNotify(String socket) {
        this.socket = socket;
    }

    /**
     * The notifier for {@code $NOTIFY_SOCKET}, or null when it is unset (not started by systemd
     * as a notify service): then there is nobody to tell.
     */
    public static SdNotify fromEnvironment() {
        String s = System.getenv("NOTIFY_SOCKET");
        return s == null || s.isEmpty() ? null : new SdNotify(s);
    }

    /** For a given socket path ({@code @name} for the abstract namespace), e.g. in tests. */
    public static SdNotify of(String socket) {
        return new SdNotify(socket);
    }

    public String socket() {
        return socket;
    }

    /**
     * Sends {@code state} (newline-separated {@code KEY=VALUE} lines, e.g. {@code READY=1}).
     *
     * @return null when sent, otherwise why not (socket path and the kernel's reason)
     */
    public String send(String state) {
        byte[] path = socket.getBytes(StandardCharsets.UTF_8);
        boolean isAbstract = path.length > 0 && path[0] == '@';
        if (path.length == 0 || path.length >= SUN_PATH_MAX) {
            return "NOTIFY_SOCKET '" + socket + "': path is empty or longer than " + (SUN_PATH_MAX - 1) + " bytes";
        }
        if (!isAbstract && path[0] != '/') {
            return "NOTIFY_SOCKET '" + socket + "': expected an absolute path or @abstract name";
        }
        byte[] msg = state.getBytes(StandardCharsets.UTF_8);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(2 + SUN_PATH_MAX);
            addr.set(JAVA_SHORT, 0, (short) AF_UNIX);
            MemorySegment.copy(path, 0, addr, JAVA_BYTE, 2, path.length);
            if (isAbstract) {
                addr.set(JAVA_BYTE, 2, (byte) 0); // the abstract namespace starts with a NUL, not '@'
            }
            // An abstract name is exactly its bytes; a path ends in the NUL after it.
            int addrLen = 2 + path.length + (isAbstract ? 0 : 1);
            MemorySegment buf = arena.allocateFrom(JAVA_BYTE, msg);
            MemorySegment state1 = Errno.allocate(arena);
            int fd = (int) SOCKET.invokeExact(state1, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                return "NOTIFY_SOCKET '" + socket + "': socket(AF_UNIX, SOCK_DGRAM): " + LibC.strerror(Errno.get(state1));
            }
            try {
                long n = (long) SENDTO.invokeExact(state1, fd, buf, (long) msg.length, MSG_NOSIGNAL, addr, addrLen);
                if (n < 0) {
                    return "NOTIFY_SOCKET '" + socket + "': sendto: " + LibC.strerror(Errno.get(state1));
                }
                return null;
            } finally {
                int unused = (int) CLOSE.invokeExact(fd);
            }
        } catch (Throwable t) {
            return "NOTIFY_SOCKET '" + socket + "': " + t;
        }
    }
}
