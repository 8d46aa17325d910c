package io.pushcap.service;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The last few minutes of each ring and push target, for the status page's graphs: one sample
 * every {@code intervalMillis} (5 s by default), at most {@code capacity} (180, so 15 minutes) per
 * series, oldest first. Each sample holds the rates between two readings of the cumulative
 * counters (packets, bytes, drops) and the lag at the later one, so a page opened now shows the
 * last 15 minutes at once instead of starting empty.
 *
 * <p>Why server-side: the service already reads every ring each second; keeping one sample in
 * five costs a few kilobytes per series and no extra reads. A counter that goes down (a ring
 * recreated, a push restarted) gives a rate of 0 for that interval instead of a negative spike.
 *
 * <p><b>Note:</b> thread-safe (all methods synchronized); memory is bounded by
 * {@code capacity} samples per series, and {@link #retain} drops series of rings and targets
 * that are gone.
 */
public final class StatusHistory {
    /** Default spacing and depth: 180 samples of 5 s, 15 minutes. */
    public static final long INTERVAL_MILLIS = 5000;
    public static final int CAPACITY = 180;

    /**
     * One point of a series.
     *
     * @param timeMillis     wall-clock time of the later reading
     * @param packetsPerSecond packets per second over the interval
     * @param mbitPerSecond  megabits (10^6) per second over the interval
     * @param dropsPerSecond drops (kernel drops for a ring, lost packets for a target) per second
     * @param lagSeconds     lag at the later reading (NaN when not known)
     */
    public record Sample(long timeMillis, double packetsPerSecond, double mbitPerSecond, double dropsPerSecond,
                         double lagSeconds) {
    }

    private record Reading(long timeMillis, long packets, long bytes, long drops) {
    }

    private static final class Series {
        final ArrayDeque<Sample> samples = new ArrayDeque<>();
        Reading last;
    }

    private final long intervalMillis;
    private final int capacity;
    private final Map<String, Series> series = new HashMap<>();

    public StatusHistory() {
        this(INTERVAL_MILLIS, CAPACITY);
    }

    public StatusHistory(long intervalMillis, int capacity) {
        if (intervalMillis <= 0 || capacity <= 0) {
            throw new IllegalArgumentException("interval " + intervalMillis + " ms and capacity " + capacity
                    + ": both must be positive");
        }
        this.intervalMillis = intervalMillis;
        this.capacity = capacity;
    }

    public long intervalMillis() {
        return intervalMillis;
    }

    /**
     * Offers a reading of cumulative counters; it becomes a sample when at least one interval has
     * passed since the previous kept reading (earlier ones are ignored, so the 1 s sampler can call
     * this every time). The first reading of a series only sets the baseline.
     */
    public synchronized void offer(String key, long timeMillis, long packets, long bytes, long drops, double lagSeconds) {
        Series s = series.computeIfAbsent(key, k -> new Series());
        Reading now = new Reading(timeMillis, packets, bytes, drops);
        Reading before = s.last;
        if (before == null) {
            s.last = now;
            return;
        }
        long dt = timeMillis - before.timeMillis();
        if (dt < intervalMillis) {
            return;
        }
        double secs = dt / 1000.0;
        s.samples.addLast(new Sample(timeMillis, delta(before.packets(), packets) / secs,
                delta(before.bytes(), bytes) * 8 / secs / 1e6, delta(before.drops(), drops) / secs, lagSeconds));
        while (s.samples.size() > capacity) {
            s.samples.removeFirst();
        }
        s.last = now;
    }

    private static long delta(long before, long after) {
        return after < before ? 0 : after - before;
    }

    /** The samples of one series, oldest first (empty when unknown). */
    public synchronized List<Sample> samples(String key) {
        Series s = series.get(key);
        return s == null ? List.of() : new ArrayList<>(s.samples);
    }

    /** Forgets every series whose key is not in {@code keys}. */
    public synchronized void retain(Set<String> keys) {
        series.keySet().retainAll(keys);
    }

    /**
     * Forgets series not offered a reading for the whole depth ({@code capacity} intervals) before
     * {@code nowMillis}: a push target whose reader comes and goes with its schedule's window keeps
     * its graph between windows, and one removed from the configuration leaves after 15 minutes.
     */
    public synchronized void forgetIdle(long nowMillis) {
        series.values().removeIf(s -> s.last != null && s.last.timeMillis() < nowMillis - intervalMillis * capacity);
    }
}
