package io.pushcap.sink.tap;

import io.pushcap.metrics.Counter;
import io.pushcap.metrics.MetricsRegistry;

/**
 * The counters of one tap (label {@code tap="NAME"}), under stable names (docs/tap.md):
 * <ul>
 *   <li>{@code pushcap_tap_sent_packets_total}, {@code pushcap_tap_sent_bytes_total}: packets the kernel took, and
 *       their bytes as edited (frame, or IP packet for gre), tunnel headers not included;</li>
 *   <li>{@code pushcap_tap_dropped_total{reason=...}}: {@code too_big} (larger than the path allows),
 *       {@code not_ethernet} (not an Ethernet frame, or shorter than its header), {@code not_ip}
 *       (gre: a frame without an IPv4/IPv6 packet), {@code link_down} (the interface or route is
 *       gone), {@code send_error} (any other refusal by the kernel);</li>
 *   <li>{@code pushcap_tap_truncated_total}: packets cut by the snap length;</li>
 *   <li>{@code pushcap_tap_fragmented_total}: tunnel packets larger than the path MTU, sent as IP fragments;</li>
 *   <li>{@code pushcap_tap_send_retries_total}: sends repeated because the kernel's queue was full;</li>
 *   <li>{@code pushcap_tap_throttled_seconds_total}: time spent waiting for the rate cap.</li>
 * </ul>
 *
 * <p><b>Note:</b> single writer (the tap's thread); readable from any thread.
 */
public final class TapCounters {
    public final Counter sentPackets;
    public final Counter sentBytes;
    public final Counter tooBig;
    public final Counter notEthernet;
    public final Counter notIp;
    public final Counter linkDown;
    public final Counter sendError;
    public final Counter truncated;
    public final Counter fragmented;
    public final Counter retries;
    public final Counter throttledNanos;

    public TapCounters(MetricsRegistry m, String name) {
        String l = MetricsRegistry.labels("tap", name);
        sentPackets = m.counter("pushcap_tap_sent_packets_total", "Packets a tap handed to the kernel", l);
        sentBytes = m.counter("pushcap_tap_sent_bytes_total", "Bytes of the packets a tap sent, tunnel headers excluded", l);
        tooBig = dropped(m, name, "too_big");
        notEthernet = dropped(m, name, "not_ethernet");
        notIp = dropped(m, name, "not_ip");
        linkDown = dropped(m, name, "link_down");
        sendError = dropped(m, name, "send_error");
        truncated = m.counter("pushcap_tap_truncated_total", "Packets a tap cut to its snap length", l);
        fragmented = m.counter("pushcap_tap_fragmented_total", "Tunnel packets larger than the path MTU, sent as IP fragments", l);
        retries = m.counter("pushcap_tap_send_retries_total", "Sends repeated because the kernel queue was full", l);
        throttledNanos = m.counter("pushcap_tap_throttled_seconds_total", "Time a tap waited for its rate cap", l, MetricsRegistry.NANOS);
    }

    private static Counter dropped(MetricsRegistry m, String name, String reason) {
        return m.counter("pushcap_tap_dropped_total", "Packets a tap could not send, by reason",
                MetricsRegistry.labels("tap", name, "reason", reason));
    }

    public long dropped() {
        return tooBig.get() + notEthernet.get() + notIp.get() + linkDown.get() + sendError.get();
    }

    /** "too_big=0 not_ethernet=0 not_ip=0 link_down=0 send_error=0" for summaries. */
    public String drops() {
        return "too_big=" + tooBig.get() + " not_ethernet=" + notEthernet.get() + " not_ip=" + notIp.get()
                + " link_down=" + linkDown.get() + " send_error=" + sendError.get();
    }
}
