package io.pushcap.service;

import io.pushcap.PushcapException;
import io.pushcap.metrics.MetricsRegistry;
import io.pushcap.ring.RingFile;
import io.pushcap.ring.RingInfo;
import io.pushcap.ring.RingRates;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads every ring's header once a second, as {@code pushcap io} does: the counters the writer
 * and each reader keep in the ring file (so the counters of a push in a child process are seen
 * here too), rates between two snapshots, fill, each reader's lag and how long before the writer
 * overtakes it. Publishes them as metrics (names in docs/operations.md) and keeps the latest
 * {@link RingRates} of each ring for {@code /status}.
 *
 * <p>A reader named {@code push:<Desc>} is a push target's: its lag is also published as the
 * target's lag ({@code pushcap_target_lag_seconds{target="<Desc>"}}).
 *
 * <p><b>Note:</b> thread-safe; one daemon thread samples, any thread reads {@link #latest()}. A
 * ring that cannot be read (deleted, replaced) is skipped and tried again the next second.
 */
public final class RingSampler implements AutoCloseable {
    /** Warn in /status when a reader would be overtaken within this many seconds at current rates. */
    static final double WARN_SECONDS = 30;

    private final MetricsRegistry metrics;
    private final Map<String, Path> rings = new ConcurrentHashMap<>();
    private final Map<String, RingFile> open = new HashMap<>();
    private final Map<String, RingInfo> previous = new HashMap<>();
    private final Map<String, RingRates> latest = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> readerLabels = new HashMap<>();
    private final StatusHistory history = new StatusHistory();
    private volatile boolean closed;
    private Thread thread;

    public RingSampler(MetricsRegistry metrics) {
        this.metrics = metrics;
    }

    /** The rings to watch, by name (replaces the previous set: used on reload). */
    public void watch(Map<String, Path> byName) {
        rings.keySet().retainAll(byName.keySet());
        rings.putAll(byName);
    }

    public void start() {
        thread = Thread.ofPlatform().daemon().name("ring-sampler").start(this::loop);
    }

    private void loop() {
        while (!closed) {
            sample();
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One round: every ring once. */
    synchronized void sample() {
        Set<String> kept = new HashSet<>();
        for (String name : new HashSet<>(open.keySet())) {
            if (!rings.containsKey(name)) {
                open.remove(name).close();
                previous.remove(name);
                latest.remove(name);
            }
        }
        for (Map.Entry<String, Path> e : rings.entrySet()) {
            try {
                RingFile f = open.get(e.getKey());
                if (f == null) {
                    f = RingFile.openReadOnly(e.getValue());
                    open.put(e.getKey(), f);
                }
                RingInfo now = f.info();
                RingInfo before = previous.getOrDefault(e.getKey(), now);
                RingRates rates = RingRates.between(before, now, WARN_SECONDS);
                previous.put(e.getKey(), now);
                latest.put(e.getKey(), rates);
                publish(e.getKey(), rates);
                remember(e.getKey(), rates, kept);
            } catch (PushcapException | IllegalStateException ex) {
                RingFile f = open.remove(e.getKey());
                if (f != null) {
                    f.close();
                }
                latest.remove(e.getKey());
            }
        }
        // Not retain(kept): a target's reader is absent between its schedule's windows, and its graph should stay.
        history.forgetIdle(System.currentTimeMillis());
    }

    /** Offers this reading to the 15-minute history: the ring's, and each push target's. */
    private void remember(String ring, RingRates r, Set<String> kept) {
        long now = System.currentTimeMillis();
        RingInfo i = r.info();
        double lag = 0;
        for (RingRates.ReaderRate rr : r.readers()) {
            if (!Double.isNaN(rr.lagSeconds())) {
                lag = Math.max(lag, rr.lagSeconds());
            }
            RingInfo.Reader rd = rr.reader();
            if (rd.name().startsWith("push:")) {
                String key = targetKey(rd.name().substring(5));
                kept.add(key);
                history.offer(key, now, rd.packets(), rd.bytes(), rd.lost(), rr.lagSeconds());
            }
        }
        kept.add(ringKey(ring));
        history.offer(ringKey(ring), now, i.packets(), i.wireBytes(), i.kernelDrops(), lag);
    }

    /** History key of a ring. */
    public static String ringKey(String ring) {
        return "ring:" + ring;
    }

    /** History key of a push target, by its Desc. */
    public static String targetKey(String desc) {
        return "target:" + desc;
    }

    /** The last 15 minutes of each ring and target (keys from {@link #ringKey} and {@link #targetKey}). */
    public StatusHistory history() {
        return history;
    }

    private void publish(String ring, RingRates r) {
        RingInfo i = r.info();
        String l = MetricsRegistry.labels("ring", ring);
        set("pushcap_ring_packets_total", "Packets the ring's writer wrote (from the ring file)", l, i.packets());
        set("pushcap_ring_bytes_total", "Captured bytes the writer wrote", l, i.bytes());
        set("pushcap_ring_wire_bytes_total", "Bytes of those packets on the wire (before snaplen)", l, i.wireBytes());
        set("pushcap_ring_kernel_drops_total", "Packets the kernel dropped before the capture read them (pcap_stats)", l,
                i.kernelDrops());
        set("pushcap_ring_interface_drops_total", "Packets the NIC or driver dropped (pcap_stats)", l, i.interfaceDrops());
        set("pushcap_ring_truncated_total", "Records cut to the ring's largest record", l, i.truncated());
        set("pushcap_ring_source_restarts_total", "Times the writer's source was reopened (NIC down and up)", l,
                i.sourceRestarts());
        set("pushcap_ring_writer_takeovers_total", "Times a writer took over the slot of a dead writer", l,
                i.writerTakeovers());
        gauge("pushcap_ring_capacity_bytes", "Bytes of the ring's data area", l, () -> r.info().capacity());
        gauge("pushcap_ring_held_bytes", "Bytes of records the ring holds now (equal to capacity once it wrapped)", l,
                () -> latestOr(ring, x -> x.info().bytesHeld()));
        gauge("pushcap_ring_held_packets", "Packets the ring holds now", l, () -> latestOr(ring, x -> x.info().packetsHeld()));
        gauge("pushcap_ring_packets_per_second", "Packets written per second over the last second", l,
                () -> latestOr(ring, x -> Math.round(x.packetsPerSecond())));
        gauge("pushcap_ring_wire_bytes_per_second", "Wire bytes written per second over the last second", l,
                () -> latestOr(ring, x -> Math.round(x.mbitPerSecond() * 1e6 / 8)));
        gauge("pushcap_ring_writer_alive", "1 while a live process holds the ring's writer slot", l,
                () -> latestOr(ring, x -> x.info().writerAlive() ? 1 : 0));
        Set<String> seen = new HashSet<>();
        for (RingRates.ReaderRate rr : r.readers()) {
            RingInfo.Reader rd = rr.reader();
            String rl = MetricsRegistry.labels("ring", ring, "reader", rd.name());
            seen.add(rl);
            set("pushcap_ring_reader_packets_total", "Packets the reader read", rl, rd.packets());
            set("pushcap_ring_reader_lost_packets_total", "Packets overwritten before the reader read them (laps)", rl,
                    rd.lost());
            set("pushcap_ring_reader_laps_total", "Times the writer overtook the reader", rl, rd.laps());
            readerGauges(ring, rd.name(), rl);
            if (rd.name().startsWith("push:")) {
                String desc = rd.name().substring(5);
                String tl = MetricsRegistry.labels("target", desc);
                seen.add(tl);
                gauge("pushcap_target_lag_seconds", "How far the target's reader is behind its ring's writer, in"
                        + " packet time", tl, MetricsRegistry.MILLIS, () -> readerOr(ring, rd.name(), x -> lagMillis(x)));
                gauge("pushcap_target_lag_packets", "Packets written to the ring that the target has not read yet", tl,
                        () -> lagPacketsOf(ring, rd.name()));
            }
        }
        Set<String> old = readerLabels.put(ring, seen);
        if (old != null) {
            old.removeAll(seen);
            old.forEach(metrics::removeGauges);
        }
    }

    private void readerGauges(String ring, String reader, String rl) {
        gauge("pushcap_ring_reader_lag_packets", "Packets written that the reader has not read", rl,
                () -> lagPacketsOf(ring, reader));
        gauge("pushcap_ring_reader_lag_bytes", "Bytes written that the reader has not read", rl,
                () -> readerOr(ring, reader, RingRates.ReaderRate::lagBytes));
        gauge("pushcap_ring_reader_lag_seconds", "Packet time between the writer's last packet and the reader's", rl,
                MetricsRegistry.MILLIS, () -> readerOr(ring, reader, RingSampler::lagMillis));
        gauge("pushcap_ring_reader_packets_per_second", "Packets the reader read per second over the last second", rl,
                () -> readerOr(ring, reader, x -> Math.round(x.packetsPerSecond())));
        gauge("pushcap_ring_reader_seconds_to_overtake", "Seconds before the writer overtakes the reader at current"
                + " rates (+Inf while it never will: the reader keeps up)", rl, () -> readerOr(ring, reader,
                x -> Double.isInfinite(x.secondsToOvertake()) ? MetricsRegistry.INFINITY : Math.round(x.secondsToOvertake())));
    }

    static long lagMillis(RingRates.ReaderRate x) {
        return Double.isNaN(x.lagSeconds()) ? 0 : Math.round(x.lagSeconds() * 1000);
    }

    private long latestOr(String ring, java.util.function.ToLongFunction<RingRates> f) {
        RingRates r = latest.get(ring);
        return r == null ? 0 : f.applyAsLong(r);
    }

    /**
     * The reader's lag in packets. A reader that started at the newest record knows its sequence
     * only from its first packet; until then its lag is estimated from its byte lag and the
     * ring's mean record size, so the gauge never shows RingInfo's -1 for "unknown".
     */
    private long lagPacketsOf(String ring, String reader) {
        RingRates r = latest.get(ring);
        return readerOr(r, reader, x -> x.lagPackets() >= 0 ? x.lagPackets()
                : estimatedLag(r.info().packets(), r.info().position(), x.lagBytes()));
    }

    /** Packets in {@code lagBytes} at the ring's mean record size ({@code position / packets}); at least 1 when behind. */
    static long estimatedLag(long packets, long position, long lagBytes) {
        if (lagBytes <= 0) {
            return 0;
        }
        if (packets <= 0 || position <= 0) {
            return 1;
        }
        return Math.max(1, Math.round(lagBytes * (double) packets / position));
    }

    private long readerOr(String ring, String reader, java.util.function.ToLongFunction<RingRates.ReaderRate> f) {
        return readerOr(latest.get(ring), reader, f);
    }

    /** {@code f} of the reader's rates in {@code r} (one sample, read once), or 0 when absent. */
    private static long readerOr(RingRates r, String reader, java.util.function.ToLongFunction<RingRates.ReaderRate> f) {
        if (r == null) {
            return 0;
        }
        for (RingRates.ReaderRate x : r.readers()) {
            if (x.reader().name().equals(reader)) {
                return f.applyAsLong(x);
            }
        }
        return 0;
    }

    private void set(String name, String help, String labels, long value) {
        metrics.counter(name, help, labels).set(value);
    }

    private void gauge(String name, String help, String labels, java.util.function.LongSupplier s) {
        metrics.gauge(name, help, labels, s);
    }

    private void gauge(String name, String help, String labels, double scale, java.util.function.LongSupplier s) {
        metrics.gauge(name, help, labels, scale, s);
    }

    /** The latest rates of each ring, by name (rings not readable at the last sample are missing). */
    public Map<String, RingRates> latest() {
        return new LinkedHashMap<>(latest);
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
        }
        open.values().forEach(RingFile::close);
        open.clear();
    }
}
