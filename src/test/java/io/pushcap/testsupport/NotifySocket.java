package io.pushcap.testsupport;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * What systemd does for a {@code Type=notify} unit: a unix datagram socket bound at a path, whose
 * path goes to the service as {@code $NOTIFY_SOCKET}, and whose messages ({@code READY=1}, ...)
 * the test reads. The JDK has no unix datagram sockets, so this binds one through FFM.
 *
 * <p><b>Note:</b> not thread-safe: one test thread receives. {@link #close()} closes the socket and
 * removes its path.
 */
public final class NotifySocket implements AutoCloseable {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle SOCKET = bind("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = bind("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SETSOCKOPT = bind("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECV = bind("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;

    private final Path path;
    private final int fd;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment buf = arena.allocate(4096);

    private static MethodHandle bind(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), fd);
    }

    /** Binds a fresh socket at {@code path} (which must not exist), receiving with a 200 ms timeout per call. */
    public NotifySocket(Path path) throws IOException {
        this.path = path;
        byte[] p = path.toString().getBytes(StandardCharsets.UTF_8);
        if (p.length >= 108) {
            throw new IOException(path + ": longer than a unix socket path may be (107 bytes)");
        }
        try {
            fd = (int) SOCKET.invokeExact(1 /* AF_UNIX */, 2 /* SOCK_DGRAM */ | 0x80000 /* CLOEXEC */, 0);
            if (fd < 0) {
                throw new IOException("socket(AF_UNIX, SOCK_DGRAM) failed");
            }
            MemorySegment addr = arena.allocate(110);
            addr.set(JAVA_SHORT, 0, (short) 1);
            MemorySegment.copy(p, 0, addr, JAVA_BYTE, 2, p.length);
            if ((int) BIND.invokeExact(fd, addr, 2 + p.length + 1) != 0) {
                throw new IOException("bind(" + path + ") failed");
            }
            MemorySegment tv = arena.allocate(16);
            tv.set(JAVA_LONG, 0, 0L);
            tv.set(JAVA_LONG, 8, 200_000L);
            if ((int) SETSOCKOPT.invokeExact(fd, SOL_SOCKET, SO_RCVTIMEO, tv, 16) != 0) {
                throw new IOException("setsockopt(SO_RCVTIMEO) failed");
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    public Path path() {
        return path;
    }

    /** The next message, or null when none came within 200 ms. */
    public String poll() {
        try {
            long n = (long) RECV.invokeExact(fd, buf, buf.byteSize(), 0);
            if (n < 0) {
                return null;
            }
            byte[] b = new byte[(int) n];
            MemorySegment.copy(buf, JAVA_BYTE, 0, b, 0, (int) n);
            return new String(b, StandardCharsets.UTF_8);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Receives until a message has a line equal to {@code line}, within {@code timeout}; every
     * message received (including that one) is added to {@code seen}.
     *
     * @throws AssertionError naming what did arrive, when the line did not
     */
    public String await(String line, Duration timeout, List<String> seen) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            String m = poll();
            if (m != null) {
                seen.add(m);
                if (m.lines().anyMatch(line::equals)) {
                    return m;
                }
            }
        }
        throw new AssertionError("no " + line + " on " + path + " within " + timeout + "; received: " + new ArrayList<>(seen));
    }

    @Override
    public void close() throws IOException {
        try {
            int unused = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new IOException(t);
        } finally {
            arena.close();
            Files.deleteIfExists(path);
        }
    }
}
