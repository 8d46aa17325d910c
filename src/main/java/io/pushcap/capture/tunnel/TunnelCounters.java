package io.pushcap.capture.tunnel;

import io.pushcap.metrics.Counter;
import io.pushcap.metrics.MetricsRegistry;

/**
 * The counters of one tunnel receiver (labels {@code tunnel="gretap"}, {@code ring=PATH}), under
 * stable names (docs/tap.md):
 * <ul>
 *   <li>{@code pushcap_tunnel_received_total}: datagrams the socket delivered;</li>
 *   <li>{@code pushcap_tunnel_accepted_total}: inner frames written to the ring;</li>
 *   <li>{@code pushcap_tunnel_dropped_total{reason=...}}: {@code wrong_key}, {@code malformed},
 *       {@code too_short}, {@code not_tunnel} (see {@link TunnelDecoder});</li>
 *   <li>{@code pushcap_tunnel_filtered_total}: inner frames the {@code -f} filter rejected.</li>
 * </ul>
 * received = accepted + dropped + filtered.
 *
 * <p><b>Note:</b> single writer (the receiver's thread); readable from any thread.
 */
public final class TunnelCounters {
    public final Counter received;
    public final Counter accepted;
    public final Counter filtered;
    private final Counter[] dropped = new Counter[5];

    public TunnelCounters(MetricsRegistry m, String tunnel, String ring) {
        String l = MetricsRegistry.labels("tunnel", tunnel, "ring", ring);
        received = m.counter("pushcap_tunnel_received_total", "Tunnel datagrams received", l);
        accepted = m.counter("pushcap_tunnel_accepted_total", "Inner frames written to the ring", l);
        filtered = m.counter("pushcap_tunnel_filtered_total", "Inner frames the rx filter rejected", l);
        for (int v = TunnelDecoder.WRONG_KEY; v <= TunnelDecoder.NOT_TUNNEL; v++) {
            dropped[v] = m.counter("pushcap_tunnel_dropped_total", "Tunnel datagrams dropped, by reason",
                    MetricsRegistry.labels("tunnel", tunnel, "ring", ring, "reason", TunnelDecoder.reason(v)));
        }
    }

    /** The drop counter for a {@link TunnelDecoder} verdict other than OK. */
    public Counter dropped(int verdict) {
        return dropped[verdict];
    }

    /** "wrong_key=0 malformed=0 too_short=0 not_tunnel=0" for summaries. */
    public String drops() {
        StringBuilder b = new StringBuilder();
        for (int v = TunnelDecoder.WRONG_KEY; v <= TunnelDecoder.NOT_TUNNEL; v++) {
            b.append(v == TunnelDecoder.WRONG_KEY ? "" : " ").append(TunnelDecoder.reason(v)).append('=')
                    .append(dropped[v].get());
        }
        return b.toString();
    }
}
