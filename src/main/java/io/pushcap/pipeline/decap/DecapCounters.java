package io.pushcap.pipeline.decap;

import io.pushcap.metrics.Counter;
import io.pushcap.metrics.MetricsRegistry;

/**
 * The counters of one target's decapsulation (see docs/decap.md for the names). Packets whose
 * decapsulation stopped early are still filtered and written: these count them by reason.
 *
 * <p><b>Note:</b> the counters are single-writer: give each thread that decapsulates its own
 * label set (targets each run on their own thread).
 */
public final class DecapCounters {
    final Counter decapsulated;
    final Counter copied;
    private final Counter[] byReason = new Counter[StopReason.values().length];

    public DecapCounters(MetricsRegistry registry, String labels) {
        decapsulated = registry.counter("pushcap_decap_decapsulated_total",
                "Packets with at least one tag, label stack or tunnel removed before filtering", labels);
        copied = registry.counter("pushcap_decap_copied_total",
                "Decapsulated packets rebuilt in a scratch buffer (tags/MPLS/GRE-IP removed) rather than viewed in place", labels);
        byReason[StopReason.NOT_ETHERNET.ordinal()] = registry.counter("pushcap_decap_not_ethernet_total",
                "Packets of a non-Ethernet link type, passed through undecapsulated", labels);
        byReason[StopReason.TRUNCATED.ordinal()] = registry.counter("pushcap_decap_truncated_total",
                "Packets whose encapsulation headers run past the captured bytes; filtered as decoded so far", labels);
        byReason[StopReason.MALFORMED.ordinal()] = registry.counter("pushcap_decap_malformed_total",
                "Packets with an invalid encapsulation header; filtered as decoded so far", labels);
        byReason[StopReason.DEPTH_EXCEEDED.ordinal()] = registry.counter("pushcap_decap_depth_exceeded_total",
                "Packets nested deeper than the decap depth limit; filtered at the limit", labels);
        byReason[StopReason.FRAGMENT.ordinal()] = registry.counter("pushcap_decap_fragment_total",
                "Tunnel packets carried in IP fragments, filtered on the outer packet", labels);
        byReason[StopReason.UNSUPPORTED.ordinal()] = registry.counter("pushcap_decap_unsupported_total",
                "Packets in a tunnel variant pushcap does not strip (GRE v1/routing/unknown payload, ERSPAN III non-Ethernet, MPLS G-ACh)", labels);
    }

    /** Counters that no registry exports (tests, benchmarks, one-off tools). */
    public static DecapCounters unregistered() {
        return new DecapCounters(new MetricsRegistry(), "");
    }

    void stopped(StopReason reason) {
        Counter c = byReason[reason.ordinal()];
        if (c != null) {
            c.increment();
        }
    }

    public long decapsulated() {
        return decapsulated.get();
    }

    public long copied() {
        return copied.get();
    }

    /** Packets stopped for {@code reason} so far (0 for NONE). */
    public long count(StopReason reason) {
        Counter c = byReason[reason.ordinal()];
        return c == null ? 0 : c.get();
    }
}
