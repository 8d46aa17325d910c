package io.pushcap.metrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A named, monotonically increasing 64-bit count, such as packets read or packets lost to a lap.
 * Every drop point in pushcap has one, under a stable name (see docs/operations.md).
 *
 * <p><b>Note:</b> {@link #increment()} and {@link #add(long)} are for a single writer thread
 * (plain read, ordered write: no lock, no CAS); {@link #addAtomic(long)} is for counters shared
 * by several writers. {@link #get()} is safe from any thread.
 */
public final class Counter {
    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(Counter.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String name;
    private final String help;
    // Padding keeps hot counters of different threads off one cache line.
    @SuppressWarnings("unused")
    private long p1, p2, p3, p4, p5, p6, p7;
    private volatile long value;
    @SuppressWarnings("unused")
    private long q1, q2, q3, q4, q5, q6, q7;

    public Counter(String name, String help) {
        this.name = name;
        this.help = help;
    }

    public String name() {
        return name;
    }

    public String help() {
        return help;
    }

    public void increment() {
        VALUE.setRelease(this, (long) VALUE.getOpaque(this) + 1);
    }

    public void add(long delta) {
        VALUE.setRelease(this, (long) VALUE.getOpaque(this) + delta);
    }

    public void addAtomic(long delta) {
        VALUE.getAndAdd(this, delta);
    }

    /** For gauges kept as counters of the same shape (lag, last-split time). */
    public void set(long v) {
        VALUE.setRelease(this, v);
    }

    public long get() {
        return (long) VALUE.getAcquire(this);
    }

    @Override
    public String toString() {
        return name + "=" + get();
    }
}
