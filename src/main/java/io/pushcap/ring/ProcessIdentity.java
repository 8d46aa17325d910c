package io.pushcap.ring;

import java.time.Instant;
import java.util.Optional;

/**
 * Who owns a ring's writer or reader slot: a pid and the process start time, packed into one
 * 64-bit word ({@code pid << 32 | start ticks}) so a slot is claimed with a single compare-and-set
 * and a recycled pid is not mistaken for the owner.
 *
 * <p><b>Note:</b> thread-safe (stateless). Liveness comes from {@link ProcessHandle}, so a process
 * in another pid namespace looks dead; rings are shared by processes of one host and namespace.
 */
public final class ProcessIdentity {
    private static final long TICK_MILLIS = 10;
    private static final long CURRENT = pack(ProcessHandle.current());

    private ProcessIdentity() {
    }

    /** The owner word of this process. */
    public static long current() {
        return CURRENT;
    }

    public static int pid(long owner) {
        return (int) (owner >>> 32);
    }

    /** True when {@code owner} names a running process: same pid, same start time. */
    public static boolean alive(long owner) {
        if (owner == 0) {
            return false;
        }
        if (owner == CURRENT) {
            return true;
        }
        Optional<ProcessHandle> ph = ProcessHandle.of(pid(owner));
        if (ph.isEmpty() || !ph.get().isAlive()) {
            return false;
        }
        Optional<Instant> start = ph.get().info().startInstant();
        return start.isEmpty() || ticks(start.get()) == (int) owner;
    }

    static long pack(ProcessHandle ph) {
        int ticks = ph.info().startInstant().map(ProcessIdentity::ticks).orElse(0);
        return (ph.pid() << 32) | (ticks & 0xffffffffL);
    }

    private static int ticks(Instant start) {
        return (int) (start.toEpochMilli() / TICK_MILLIS);
    }
}
