package io.pushcap.internal.ffm;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Linux futexes through {@code syscall(SYS_futex, ...)}: a thread sleeps on a 32-bit word and is
 * woken when another thread, in this process or any other that maps the same file, changes the
 * word and calls {@link #wake(long, int)}.
 *
 * <p>The shared (non-{@code FUTEX_PRIVATE_FLAG}) operations are used on purpose: the kernel keys
 * them by the file page behind the address, so two processes that map one ring file meet on the
 * same futex.
 *
 * <p><b>Note:</b> thread-safe. {@link #await} blocks the calling thread in the kernel (not
 * interruptible by {@link Thread#interrupt()}: callers bound each wait and check interruption
 * between waits). Addresses are raw native addresses of 4-byte aligned words that the caller keeps
 * mapped for the duration of the call. Where futexes are unavailable (an architecture without a
 * known syscall number, or a seccomp filter that refuses the call), {@link #supported()} is false
 * and callers fall back to timed polling.
 */
public final class Futex {
    private static final int FUTEX_WAIT = 0;
    private static final int FUTEX_WAKE = 1;
    private static final int ETIMEDOUT = 110;
    private static final int ENOSYS = 38;

    private static final long SYS_FUTEX = switch (System.getProperty("os.arch", "")) {
        case "amd64", "x86_64" -> 202;
        case "aarch64", "arm64", "riscv64" -> 98;
        default -> -1;
    };

    /** {@code long syscall(long nr, uaddr, int op, int val, const struct timespec *t, uaddr2, int val3)}. */
    private static final MethodHandle SYSCALL = SYS_FUTEX < 0 ? null : Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("syscall").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT),
            Linker.Option.firstVariadicArg(1), Errno.CAPTURE);

    private static volatile boolean broken;

    private Futex() {
    }

    /** True when futex calls work on this machine (false after the kernel refused one with ENOSYS). */
    public static boolean supported() {
        return SYSCALL != null && !broken;
    }

    /** Outcome of {@link #await}. */
    public enum Wait {
        /** Woken by {@link #wake}, or the word no longer held the expected value (EAGAIN), or a signal. */
        WOKEN,
        /** The timeout elapsed. */
        TIMED_OUT,
        /** Futexes are unavailable: the caller must poll. */
        UNSUPPORTED
    }

    /**
     * {@code FUTEX_WAIT}: sleeps while the word at {@code address} equals {@code expected}, at
     * most {@code timeoutNanos}.
     *
     * @param timespec a 16-byte native buffer owned by the calling thread, for the relative timeout
     * @param callState an {@link Errno#allocate} segment owned by the calling thread
     */
    public static Wait await(long address, int expected, long timeoutNanos, MemorySegment timespec,
                             MemorySegment callState) {
        if (!supported()) {
            return Wait.UNSUPPORTED;
        }
        long t = Math.max(0, timeoutNanos);
        timespec.set(JAVA_LONG, 0, t / 1_000_000_000L);
        timespec.set(JAVA_LONG, 8, t % 1_000_000_000L);
        try {
            long rc = (long) SYSCALL.invokeExact(callState, SYS_FUTEX, address, FUTEX_WAIT, expected,
                    timespec.address(), 0L, 0);
            if (rc == 0) {
                return Wait.WOKEN;
            }
            int errno = Errno.get(callState);
            if (errno == ENOSYS) {
                broken = true;
                return Wait.UNSUPPORTED;
            }
            return errno == ETIMEDOUT ? Wait.TIMED_OUT : Wait.WOKEN;
        } catch (Throwable e) {
            throw LibPcap.rethrow(e);
        }
    }

    /**
     * {@code FUTEX_WAKE}: wakes up to {@code count} threads sleeping on the word at {@code address}.
     *
     * @param callState an {@link Errno#allocate} segment owned by the calling thread
     * @return how many were woken, or -1 when futexes are unavailable
     */
    public static int wake(long address, int count, MemorySegment callState) {
        if (!supported()) {
            return -1;
        }
        try {
            long rc = (long) SYSCALL.invokeExact(callState, SYS_FUTEX, address, FUTEX_WAKE, count, 0L, 0L, 0);
            if (rc < 0 && Errno.get(callState) == ENOSYS) {
                broken = true;
            }
            return (int) rc;
        } catch (Throwable e) {
            throw LibPcap.rethrow(e);
        }
    }
}
