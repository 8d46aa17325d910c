package io.pushcap.capture;

import io.pushcap.PushcapException;
import io.pushcap.metrics.Counter;
import io.pushcap.metrics.MetricsRegistry;
import io.pushcap.pcap.Packet;
import io.pushcap.pipeline.filter.BpfFilter;
import io.pushcap.ring.RingWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * {@code pushcap rx -i IFACE}: captures one interface through libpcap ({@link LiveCapture}:
 * TPACKET_V3, promiscuous, ns timestamps) into a ring, until stopped. When the interface goes
 * down (its operstate, checked after every second without packets: libpcap reports nothing for that), disappears, is
 * replaced (new ifindex), or the capture fails, it says so, drains and closes the capture, tries
 * every second until the interface is back, reopens it, and counts the restart in the ring
 * ({@code source_restarts}) and in {@code pushcap_capture_restarts_total}, the time without capture in
 * {@code pushcap_capture_down_seconds_total}. An interface that is down when
 * rx starts is waited for the same way; one that does not exist is an error.
 *
 * <p>Kernel counters from {@code pcap_stats} (running totals across restarts) go into the ring's
 * header about once a second and into {@code pushcap_capture_kernel_drops_total} /
 * {@code pushcap_capture_interface_drops_total}; new kernel drops are logged at most every 10 s.
 *
 * <p><b>Note:</b> {@link #run} blocks the calling thread, which becomes the ring's writer thread.
 * {@link #stop()} may be called from any thread (a signal handler): the loop notices within the
 * capture timeout. Loopback's outgoing copies are not recorded twice: libpcap drops them on
 * {@code lo}.
 */
public final class InterfaceReceiver {
    private static final Logger LOG = LoggerFactory.getLogger(InterfaceReceiver.class);
    private static final long STATS_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long REOPEN_INTERVAL_MILLIS = 1000;
    /** Packets read between checks of the stop flag, the link and the clock. */
    private static final int BURST = 1024;
    private static final long REPEAT_WARNING_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final java.util.Set<String> DOWN_STATES = java.util.Set.of("down", "lowerlayerdown", "notpresent",
            "absent");

    /** What to capture and how: see {@code pushcap rx --help}. */
    public record Options(String device, int vlan, int snaplen, String filter, int bufferBytes, int timeoutMillis) {
    }

    private final Options options;
    private final RingWriter writer;
    private final RingFrameWriter frames;
    private final Counter kernelDrops;
    private final Counter interfaceDrops;
    private final Counter restarts;
    private final Counter downMillis;
    private volatile LiveCapture capture;
    private volatile boolean stopping;
    private volatile String linkFailure;
    private long baseReceived;
    private long baseDropped;
    private long baseIfDropped;
    private LiveCapture.Stats last = new LiveCapture.Stats(0, 0, 0);
    private long dropsAtLastWarning;
    private long lastDropWarning;
    /** Written by the capture thread after each burst, read by the watchdog (and {@link #packets()}). */
    private volatile long packets;

    public InterfaceReceiver(Options options, RingWriter writer) {
        if (!InterfaceIndex.exists(options.device())) {
            throw new PushcapException("rx -i " + options.device() + ": no such interface (see `ip link`)");
        }
        this.options = options;
        this.writer = writer;
        this.frames = new RingFrameWriter(writer, options.vlan(), options.snaplen());
        String labels = MetricsRegistry.labels("iface", options.device(), "ring", MetricsRegistry.ringName(writer.ring().path()));
        MetricsRegistry m = MetricsRegistry.global();
        this.kernelDrops = m.counter("pushcap_capture_kernel_drops_total", "Packets the kernel dropped before pushcap read them", labels);
        this.interfaceDrops = m.counter("pushcap_capture_interface_drops_total", "Packets the interface (driver) dropped", labels);
        this.restarts = m.counter("pushcap_capture_restarts_total", "Captures reopened after the interface failed", labels);
        this.downMillis = m.counter("pushcap_capture_down_seconds_total",
                "Time the capture was not running because the interface was down or failing (the gap)", labels,
                MetricsRegistry.MILLIS);
    }

    /** Captures until {@link #stop()}; reopens the interface after failures. */
    public void run() {
        LiveCapture cap = openFirst();
        while (cap != null && !stopping) {
            String failure;
            try {
                failure = capture(cap);
            } catch (PushcapException e) {
                failure = "capture failed: " + e.getMessage();
            } finally {
                rebaseStats(cap);
                closeCapture(cap);
            }
            if (failure == null || stopping) {
                break;
            }
            LOG.warn("rx {}: {}; reopening it when it is back (checking every {} s)", options.device(), failure,
                    REOPEN_INTERVAL_MILLIS / 1000);
            long down = System.nanoTime();
            cap = reopen();
            if (cap != null) {
                writer.sourceRestarted();
                restarts.increment();
                downMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - down));
                LOG.info("rx {}: capturing again after {} s (restart {})", options.device(),
                        String.format("%.1f", (System.nanoTime() - down) / 1e9), restarts.get());
            }
        }
    }

    private LiveCapture openFirst() {
        try {
            if (!usable()) {
                throw new PushcapException("interface is " + InterfaceIndex.operState(options.device()));
            }
            return open();
        } catch (PushcapException e) {
            if (!InterfaceIndex.exists(options.device()) || e.getMessage().contains("pcap_setfilter")
                    || e.getMessage().contains("PERM_DENIED")) {
                throw e;
            }
            LOG.warn("rx {}: cannot capture yet ({}): {}; retrying every {} s", options.device(),
                    InterfaceIndex.operState(options.device()), e.getMessage(), REOPEN_INTERVAL_MILLIS / 1000);
            return reopen();
        }
    }

    /** Tries to open the capture every second until it works or we are stopped; null when stopped. */
    private LiveCapture reopen() {
        long lastWarning = System.nanoTime();
        while (!stopping) {
            try {
                Thread.sleep(REOPEN_INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            if (stopping) {
                return null;
            }
            try {
                if (!usable()) {
                    throw new PushcapException("interface is " + InterfaceIndex.operState(options.device()));
                }
                return open();
            } catch (PushcapException e) {
                if (System.nanoTime() - lastWarning >= REPEAT_WARNING_NANOS) {
                    LOG.warn("rx {}: still cannot capture ({}): {}", options.device(),
                            InterfaceIndex.operState(options.device()), e.getMessage());
                    lastWarning = System.nanoTime();
                }
            }
        }
        return null;
    }

    private LiveCapture open() {
        LiveCapture cap = LiveCapture.open(new LiveCapture.Options(options.device(),
                options.snaplen() > 0 ? options.snaplen() : 262_144, true, options.bufferBytes(), false,
                options.timeoutMillis(), false));
        try {
            if (options.filter() != null && !options.filter().isBlank()) {
                try (BpfFilter f = BpfFilter.compile(options.filter(), cap.linkType(), cap.snaplen())) {
                    cap.setFilter(f);
                }
            }
            writer.declare(cap.linkType(), options.snaplen() > 0 ? options.snaplen() : cap.snaplen());
            last = new LiveCapture.Stats(0, 0, 0);
            synchronized (this) {
                capture = cap;
                if (stopping) {
                    cap.breakLoop();
                }
            }
            return cap;
        } catch (RuntimeException e) {
            cap.close();
            throw e;
        }
    }

    /**
     * Reads packets into the ring until stopped (returns null) or the interface goes down or is
     * replaced (returns why). A veth or NIC that goes down raises no libpcap error, and with
     * TPACKET_V3 an idle capture blocks in the kernel, so a watchdog thread checks the link once a
     * second and breaks the loop; the packets the kernel still holds are drained first.
     */
    private String capture(LiveCapture cap) {
        Packet p = new Packet();
        int ifIndex = InterfaceIndex.of(options.device());
        linkFailure = null;
        Thread watchdog = Thread.ofPlatform().daemon().name("rx-watch-" + options.device())
                .start(() -> watch(cap, ifIndex));
        try {
            long nextStats = System.nanoTime() + STATS_INTERVAL_NANOS;
            while (!stopping && linkFailure == null) {
                // What the kernel holds, then a wait: the same branches run in a burst (the kernel
                // runs dry at the end of each block) and on an idle link, so the compiled loop does
                // not deoptimise when traffic stops or starts (see LiveCapture.awaitPackets).
                int n = 0;
                while (n < BURST && cap.nextReady(p)) {
                    frames.write(p, ifIndex);
                    n++;
                }
                frames.publish();
                packets += n;
                if (n < BURST) {
                    cap.awaitPackets();
                }
                long now = System.nanoTime();
                if (now >= nextStats) {
                    publishStats(cap.stats());
                    nextStats = now + STATS_INTERVAL_NANOS;
                }
            }
            if (!stopping && linkFailure != null) {
                drain(cap, p, ifIndex);
            }
            publishStats(cap.stats());
            return stopping ? null : linkFailure;
        } finally {
            watchdog.interrupt();
        }
    }

    /** Checks the link every second while {@code cap} is the active capture; breaks its loop on trouble. */
    private void watch(LiveCapture cap, int ifIndex) {
        long seen = packets;
        while (!stopping && capture == cap) {
            try {
                Thread.sleep(STATS_INTERVAL_NANOS / 1_000_000);
            } catch (InterruptedException e) {
                return;
            }
            // Packets arrived since the last look: the link is up and the device the same (one that
            // went down or away delivers nothing). Reading sysfs twice a second cost rx ~3 ms of
            // CPU a second, 14 ns a packet at 200,000 packets/s, in code that never gets compiled.
            long now = packets;
            if (now != seen) {
                seen = now;
                continue;
            }
            String problem = linkProblem(ifIndex);
            if (problem != null) {
                linkFailure = problem;
                breakIfActive(cap);
                return;
            }
        }
    }

    /** Reads what the kernel still holds, after its block timer has handed over partial blocks. */
    private void drain(LiveCapture cap, Packet p, int ifIndex) {
        try {
            Thread.sleep(2L * Math.max(1, options.timeoutMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        cap.setNonblocking(true);
        while (cap.next(p)) {
            frames.write(p, ifIndex);
            packets++;
        }
        frames.publish();
    }

    private String linkProblem(int ifIndex) {
        String state = InterfaceIndex.operState(options.device());
        if (DOWN_STATES.contains(state)) {
            return "interface went down (operstate " + state + ")";
        }
        int now = InterfaceIndex.of(options.device());
        if (now != ifIndex) {
            return "interface was replaced (ifindex " + ifIndex + " -> " + now + ")";
        }
        return null;
    }

    /** True when the interface exists and is not down; "unknown" (lo, tunnels) counts as up. */
    private boolean usable() {
        return !DOWN_STATES.contains(InterfaceIndex.operState(options.device()));
    }

    private void publishStats(LiveCapture.Stats s) {
        last = s;
        long received = baseReceived + s.received();
        long dropped = baseDropped + s.dropped();
        long ifDropped = baseIfDropped + s.interfaceDropped();
        writer.sourceStats(received, dropped, ifDropped);
        kernelDrops.set(dropped);
        interfaceDrops.set(ifDropped);
        long now = System.nanoTime();
        if (dropped > dropsAtLastWarning && (lastDropWarning == 0 || now - lastDropWarning >= 10_000_000_000L)) {
            LOG.warn("rx {}: the kernel dropped {} packets ({} in all): capture cannot keep up; raise -B or check CPU",
                    options.device(), dropped - dropsAtLastWarning, dropped);
            dropsAtLastWarning = dropped;
            lastDropWarning = now;
        }
    }

    /** Keeps kernel counters as running totals when a capture is replaced (pcap_stats restarts at 0). */
    private void rebaseStats(LiveCapture cap) {
        try {
            publishStats(cap.stats());
        } catch (PushcapException e) {
            // the handle is broken: keep the last counters we read from it
        }
        baseReceived += last.received();
        baseDropped += last.dropped();
        baseIfDropped += last.interfaceDropped();
        last = new LiveCapture.Stats(0, 0, 0);
    }

    /** Makes {@link #run} return soon; safe from any thread. */
    public void stop() {
        stopping = true;
        synchronized (this) {
            if (capture != null) {
                capture.breakLoop();
            }
        }
    }

    // breakLoop on a handle that another thread is closing would use freed memory: one lock for both.
    private synchronized void breakIfActive(LiveCapture cap) {
        if (capture == cap) {
            cap.breakLoop();
        }
    }

    private synchronized void closeCapture(LiveCapture cap) {
        if (capture == cap) {
            capture = null;
        }
        cap.close();
    }

    /** True while a capture is open on a working link (false while the interface is down and being waited for). */
    public boolean capturing() {
        return capture != null && linkFailure == null;
    }

    /** Packets written to the ring so far. */
    public long packets() {
        return packets;
    }

    public long restarts() {
        return restarts.get();
    }
}
