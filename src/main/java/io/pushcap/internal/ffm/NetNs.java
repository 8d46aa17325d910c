package io.pushcap.internal.ffm;

import io.pushcap.PushcapException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Runs work inside another network namespace, as {@code ip netns exec} does for a process: a new
 * platform thread joins the namespace with {@code setns(2)} ({@code CLONE_NEWNET}) and runs it.
 * Sockets made there (an AF_PACKET capture, an ioctl socket) stay in that namespace after the
 * thread ends, so the caller can read them from any thread while the rest of the process
 * (collector sockets, the control socket) stays in its own namespace.
 *
 * <p><b>Note:</b> thread-safe; each call starts and joins one thread. Joining a network namespace
 * needs CAP_SYS_ADMIN; failures raise {@link PushcapException} naming the namespace, the path and
 * the kernel's reason.
 */
public final class NetNs {
    /** {@code CLONE_NEWNET} from linux/sched.h. */
    private static final int CLONE_NEWNET = 0x4000_0000;
    private static final int O_RDONLY_CLOEXEC = 0x80000;
    private static final MethodHandle OPEN = LibC.bindErrno("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SETNS = LibC.bindErrno("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle CLOSE = LibC.bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle IF_NAMETOINDEX = LibC.bindErrno("if_nametoindex",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));

    private NetNs() {
    }

    /**
     * Where a namespace given by name lives: {@code /var/run/netns/NAME} (what {@code ip netns add}
     * creates); a value with a slash is taken as a path ({@code /proc/PID/ns/net}).
     */
    public static Path path(String name) {
        if (name == null || name.isBlank()) {
            throw new PushcapException("--netns '' (expected a name from 'ip netns list' or a path such as /proc/PID/ns/net)");
        }
        return name.indexOf('/') >= 0 ? Path.of(name) : Path.of("/var/run/netns", name);
    }

    /** Runs {@code work} on a thread inside namespace {@code name} and returns its result (or rethrows its failure). */
    public static <T> T call(String name, Supplier<T> work) {
        Path path = path(name);
        if (!Files.exists(path)) {
            throw new PushcapException("--netns " + name + ": no network namespace at " + path
                    + " (list them with: ip netns list; create one with: ip netns add " + name + ")");
        }
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name("netns-" + name).unstarted(() -> {
            try {
                enter(name, path);
                result.set(work.get());
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PushcapException("--netns " + name + ": interrupted while opening inside the namespace");
        }
        Throwable f = failure.get();
        if (f instanceof RuntimeException r) {
            throw r;
        }
        if (f instanceof Error e) {
            throw e;
        }
        if (f != null) {
            throw new PushcapException("--netns " + name + ": " + f, f);
        }
        return result.get();
    }

    /** The calling thread joins the namespace at {@code path}; it should be a thread of its own. */
    private static void enter(String name, Path path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Errno.allocate(arena);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path.toString()), O_RDONLY_CLOEXEC);
            if (fd < 0) {
                throw new PushcapException("--netns " + name + ": open " + path + ": " + Errno.describe(Errno.get(state)));
            }
            try {
                int rc = (int) SETNS.invokeExact(state, fd, CLONE_NEWNET);
                if (rc != 0) {
                    int errno = Errno.get(state);
                    throw new PushcapException("--netns " + name + ": setns(" + path + "): " + Errno.describe(errno)
                            + (errno == Errno.EPERM ? " (joining a network namespace needs CAP_SYS_ADMIN: run as root)"
                            : errno == 22 ? " (not a network namespace)" : ""));
                }
            } finally {
                int ignored = (int) CLOSE.invokeExact(fd);
            }
        } catch (PushcapException e) {
            throw e;
        } catch (Throwable t) {
            throw LibPcap.rethrow(t);
        }
    }

    /**
     * The ifindex of {@code device} in the calling thread's network namespace ({@code
     * if_nametoindex(3)}; sysfs would show the namespace the process started in), or 0 when there
     * is none.
     */
    public static int ifIndex(String device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Errno.allocate(arena);
            return (int) IF_NAMETOINDEX.invokeExact(state, arena.allocateFrom(device));
        } catch (Throwable t) {
            throw LibPcap.rethrow(t);
        }
    }
}
