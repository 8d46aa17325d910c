package io.pushcap.internal.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Bindings to the few libc functions pushcap needs that the JDK does not expose: thread CPU
 * affinity, process liveness and signals, and error strings.
 *
 * <p><b>Note:</b> all methods are thread-safe; {@link #pinCurrentThread(int)} affects only the
 * calling thread.
 */
public final class LibC {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup STD = LINKER.defaultLookup();
    private static final MethodHandle STRERROR = bind("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    private static final MethodHandle SCHED_SETAFFINITY = bindErrno("sched_setaffinity",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
    private static final MethodHandle KILL = bindErrno("kill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle POLL = bindErrno("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle GETTID = bind("gettid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle SOCKET = bindErrno("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle SIGNAL = bind("signal", FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS));
    private static final short POLLOUT = 0x4;
    private static final short POLLERR = 0x8;
    private static final short POLLHUP = 0x10;

    /** {@code madvise(2)}: back a range with huge pages, compacting memory to find them if need be. */
    public static final int MADV_HUGEPAGE = 14;
    /** {@code madvise(2)}: fault a range in readable (Linux 5.14+). */
    public static final int MADV_POPULATE_READ = 22;
    /** {@code madvise(2)}: fault a range in writable, allocating its pages (Linux 5.14+). */
    public static final int MADV_POPULATE_WRITE = 23;

    private LibC() {
    }

    /** Bound on first use: few commands need it, and every eager handle costs start-up. */
    private static final class Madvise {
        static final MethodHandle HANDLE = bindErrno("madvise", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    }

    /** Bound on first use, as {@link Madvise}. */
    private static final class Mlock {
        static final MethodHandle HANDLE = bindErrno("mlock", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    }

    /**
     * {@code mlock(2)} of the whole of a mapped segment: its pages stay in memory (never swapped)
     * while it is mapped.
     *
     * @return 0, or the errno (ENOMEM or EPERM past RLIMIT_MEMLOCK without CAP_IPC_LOCK)
     */
    public static int mlock(MemorySegment mapped) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Errno.allocate(arena);
            int rc = (int) Mlock.HANDLE.invokeExact(state, mapped, mapped.byteSize());
            return rc == 0 ? 0 : Errno.get(state);
        } catch (Throwable t) {
            throw LibPcap.rethrow(t);
        }
    }

    /**
     * {@code madvise(2)} over the whole of a mapped segment (page-aligned, as mappings are).
     *
     * @return 0, or the errno (EINVAL where the kernel does not know {@code advice})
     */
    public static int madvise(MemorySegment mapped, int advice) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Errno.allocate(arena);
            int rc = (int) Madvise.HANDLE.invokeExact(state, mapped, mapped.byteSize(), advice);
            return rc == 0 ? 0 : Errno.get(state);
        } catch (Throwable t) {
            throw LibPcap.rethrow(t);
        }
    }

    static MethodHandle bind(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(STD.find(name).orElseThrow(() -> new IllegalStateException("libc lacks " + name)), fd);
    }

    static MethodHandle bindErrno(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(STD.find(name).orElseThrow(() -> new IllegalStateException("libc lacks " + name)),
                fd, Errno.CAPTURE);
    }

    public static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw LibPcap.rethrow(t);
        }
    }

    /** Kernel thread id of the caller (what {@code taskset -p} shows). */
    public static int gettid() {
        try {
            return (int) GETTID.invokeExact();
        } catch (Throwable t) {
            throw LibPcap.rethrow(t);
        }
    }

    /**
     * Pins the calling thread to one CPU with {@code sched_setaffinity(0, ...)}; child processes
     * started afterwards from this thread inherit the mask.
     *
     * @throws IllegalArgumentException with the kernel's reason when the CPU is not usable
     */
    public static void pinCurrentThread(int cpu) {
        if (cpu < 0 || cpu >= 1024) {
            throw new IllegalArgumentException("CPU " + cpu + " is out of range 0.." + (Runtime.getRuntime().availableProcessors() - 1));
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(128);
            mask.set(JAVA_LONG, (cpu / 64) * 8L, 1L << (cpu % 64));
            MemorySegment state = Errno.allocate(arena);
            int rc = (int) SCHED_SETAFFINITY.invokeExact(state, 0, 128L, mask);
            if (rc != 0) {
                throw new IllegalArgumentException("sched_setaffinity(CPU " + cpu + "): " + Errno.describe(Errno.get(state)));
            }
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Throwable t) {
            throw LibPcap.rethrow(t);
        }
    }

    /**
     * Waits up to {@code timeoutMillis} for {@code fd} to become readable.
     *
     * @return true when readable (or in error, so the caller reads and learns), false on timeout or EINTR
     */
    public static boolean pollReadable(MemorySegment scratch, int fd, int timeoutMillis) {
        return poll(scratch, fd, timeoutMillis) > 0;
    }

    /**
     * {@code poll(2)} for input on one descriptor, as {@link #pollReadable}, but returning the
     * call's result: 1 when readable (or in error: the next read says which), 0 on timeout, -1 when
     * interrupted.
     */
    public static int poll(MemorySegment scratch, int fd, int timeoutMillis) {
        // struct pollfd { int fd; short events; short revents; } at scratch[0..8), call state after it
        scratch.set(JAVA_INT, 0, fd);
        scratch.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 4, (short) 0x0001);
        scratch.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 6, (short) 0);
        try {
            return (int) POLL.invokeExact(scratch.asSlice(8), scratch, 1L, timeoutMillis);
        } catch (Throwable t) {
            throw LibPcap.rethrow(t);
        }
    }

    /**
     * True when the other end of a pipe or socket at {@code fd} is gone ({@code poll(2)} reports
     * POLLERR or POLLHUP), so a writer that is idle can notice, e.g. {@code pushcap cat | head}.
     * Never blocks.
     */
    public static boolean peerClosed(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment scratch = allocatePollScratch(arena);
            scratch.set(JAVA_INT, 0, fd);
            scratch.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 4, POLLOUT);
            int rc = (int) POLL.invokeExact(scratch.asSlice(8), scratch, 1L, 0);
            short revents = scratch.get(java.lang.foreign.ValueLayout.JAVA_SHORT, 6);
            return rc > 0 && (revents & (POLLERR | POLLHUP)) != 0;
        } catch (Throwable t) {
            throw LibPcap.rethrow(t);
        }
    }

    /** Scratch memory for {@link #pollReadable}: a pollfd plus the errno call state. */
    public static MemorySegment allocatePollScratch(Arena arena) {
        return arena.allocate(8 + Linker.Option.captureStateLayout().byteSize(), 8);
    }

    /**
     * Sends {@code signal} with kill(2): to a process, or to a whole process group when {@code pid}
     * is negative ({@code -pgid}). Returns 0, or the errno (ESRCH 3 when nothing is left to signal).
     */
    public static int kill(int pid, int signal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Errno.allocate(arena);
            int rc = (int) KILL.invokeExact(state, pid, signal);
            return rc == 0 ? 0 : Errno.get(state);
        } catch (Throwable t) {
            throw LibPcap.rethrow(t);
        }
    }

    /**
     * Whether this process may open a socket of this kind (for {@code pushcap doctor}: AF_PACKET
     * and raw IP need CAP_NET_RAW): opens it and closes it at once. Returns 0, or the errno
     * (EPERM 1, EACCES 13, EAFNOSUPPORT 97).
     */
    public static int probeSocket(int domain, int type, int protocol) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Errno.allocate(arena);
            int fd = (int) SOCKET.invokeExact(state, domain, type, protocol);
            if (fd < 0) {
                return Errno.get(state);
            }
            int ignored = (int) CLOSE.invokeExact(fd);
            return 0;
        } catch (Throwable t) {
            throw LibPcap.rethrow(t);
        }
    }

    /**
     * Restores the default disposition of {@code signal} (signal(2) with SIG_DFL), for a signal
     * this process inherited as ignored: the JVM will not install a handler for SIGHUP, SIGINT or
     * SIGTERM that was ignored when it started (nohup, a shell's background job).
     */
    public static void defaultSignal(int signal) {
        try {
            MemorySegment ignored = (MemorySegment) SIGNAL.invokeExact(signal, MemorySegment.NULL);
        } catch (Throwable t) {
            throw LibPcap.rethrow(t);
        }
    }

    /** True when a process with this pid exists (kill(pid, 0) succeeds or fails with EPERM). */
    public static boolean processAlive(int pid) {
        if (pid <= 0) {
            return false;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Errno.allocate(arena);
            int rc = (int) KILL.invokeExact(state, pid, 0);
            return rc == 0 || Errno.get(state) == 1;
        } catch (Throwable t) {
            throw LibPcap.rethrow(t);
        }
    }
}
