package io.pushcap.internal.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * Captures the C {@code errno} after a downcall, since the JVM itself may overwrite it before
 * Java code could read it.
 *
 * <p><b>Note:</b> each thread allocates its own call-state segment with {@link #allocate(Arena)}
 * and passes it as the first argument of handles linked with {@link #CAPTURE}.
 */
public final class Errno {
    public static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");
    private static final StructLayout LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    public static final int EINVAL = 22;
    public static final int EFAULT = 14;
    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    public static final int ENOBUFS = 105;
    public static final int EMSGSIZE = 90;
    public static final int ENETDOWN = 100;
    public static final int ENXIO = 6;
    public static final int ENODEV = 19;
    public static final int EPERM = 1;
    public static final int EACCES = 13;
    public static final int EADDRINUSE = 98;
    public static final int EADDRNOTAVAIL = 99;
    public static final int ENETUNREACH = 101;
    public static final int ECONNREFUSED = 111;
    public static final int EHOSTUNREACH = 113;

    private Errno() {
    }

    public static MemorySegment allocate(Arena arena) {
        return arena.allocate(LAYOUT);
    }

    public static int get(MemorySegment callState) {
        return (int) ERRNO.get(callState, 0L);
    }

    /** The text of strerror(errno) for the common cases; the number otherwise. */
    public static String describe(int errno) {
        return LibC.strerror(errno) + " (errno " + errno + ")";
    }
}
