package io.pushcap.flow;

import io.pushcap.config.FlowMeterConfig;
import io.pushcap.metrics.Counter;
import io.pushcap.metrics.MetricsRegistry;
import io.pushcap.pcap.Packet;

import java.util.ArrayList;
import java.util.List;

/**
 * Meters packets into unidirectional flows and hands each ended flow to a
 * {@link FlowExpiryListener} with its RFC 5102 end reason.
 *
 * <p>Key: ingress interface ({@link Packet#interfaceId()}), outer and inner VLAN id, IP version,
 * protocol, source and destination address, source and destination port (0 for protocols
 * without ports and for non-first fragments), ICMP type/code (0 for other protocols). Per flow:
 * packets, octets (64-bit), first and last timestamp (ns), TCP flags OR'ed, min/max TTL, TOS of
 * the first packet.
 *
 * <p>Expiry: a flow ends when idle for the idle timeout (0x01), when the active timeout has
 * passed since its first packet (0x02), when it saw TCP FIN or RST and then nothing for the FIN
 * timeout (0x03), on {@link #flush} or {@link #flushAll} (0x04), or when the cache is full and it
 * is the least recently seen flow (0x05, also counted as an eviction). With
 * {@link FlowMeterConfig.Clock#PACKET} "now" is the newest packet timestamp, so an offline file
 * expires flows as it did live; with {@link FlowMeterConfig.Clock#WALL} the driver calls
 * {@link #advanceTo(long)} with the wall clock between batches. Flows that receive a packet are
 * checked for idle and FIN timeouts exactly at that packet; everything else (active timeouts,
 * flows without packets) is found by a scan that runs at most every {@link #SCAN_INTERVAL_NANOS}
 * (10 ms) of meter time, so such flows may end up to 10 ms of meter time late.
 *
 * <p><b>Note:</b> not thread-safe: one meter thread calls everything (other threads go through
 * the meter loop's request queue). {@link #meter(Packet)} neither allocates nor blocks, except in
 * what the listener does. Malformed and non-IP packets are counted, never thrown.
 */
public final class FlowMeter {
    /** Expiry scans run at most this often in meter time: a scan reads three list heads, cold in cache. */
    static final long SCAN_INTERVAL_NANOS = 10_000_000L;
    private static final int TCP_FIN = 0x01;
    private static final int TCP_RST = 0x04;

    private final FlowTable table;
    private final PacketDissector dissector = new PacketDissector();
    private final FlowExpiryListener listener;
    private final long idle;
    private final long active;
    private final long fin;
    private final boolean packetClock;
    private final Packet inner = new Packet();
    private PacketUnwrapper unwrapper;
    private long now = Long.MIN_VALUE;
    private long nextDue = Long.MAX_VALUE;
    private long lastScan = Long.MIN_VALUE / 4; // far in the past, yet now - lastScan cannot overflow

    private final Counter packets;
    private final Counter octets;
    private final Counter nonIp;
    private final Counter malformed;
    private final Counter fragments;
    private final Counter truncated;
    private final Counter created;
    private final Counter evictions;
    private final Counter[] expired = new Counter[FlowEndReason.LACK_OF_RESOURCES + 1];
    private final WarnLimiter warn = new WarnLimiter(FlowMeter.class, 10_000_000_000L);

    /**
     * @param labels Prometheus labels for this meter's counters ({@code meter="eth0"}), or ""
     */
    public FlowMeter(FlowMeterConfig config, FlowExpiryListener listener, MetricsRegistry metrics, String labels) {
        this.table = new FlowTable(config.maxFlows());
        this.listener = listener;
        this.idle = config.idleTimeoutNanos();
        this.active = config.activeTimeoutNanos();
        this.fin = config.finTimeoutNanos();
        this.packetClock = config.clock() == FlowMeterConfig.Clock.PACKET;
        this.packets = metrics.counter("pushcap_flow_packets_total", "Packets metered into a flow", labels);
        this.octets = metrics.counter("pushcap_flow_octets_total", "IP octets metered into a flow", labels);
        this.nonIp = metrics.counter("pushcap_flow_non_ip_packets_total", "Packets not metered: not IPv4 or IPv6", labels);
        this.malformed = metrics.counter("pushcap_flow_malformed_packets_total",
                "Packets not metered: IP header cut short or invalid", labels);
        this.fragments = metrics.counter("pushcap_flow_fragments_total",
                "Non-first IP fragments metered with ports 0", labels);
        this.truncated = metrics.counter("pushcap_flow_truncated_packets_total",
                "Packets metered with ports 0 because the transport header was cut short", labels);
        this.created = metrics.counter("pushcap_flow_flows_created_total", "Flows created in the cache", labels);
        this.evictions = metrics.counter("pushcap_flow_cache_evictions_total",
                "Flows pushed out of a full cache (exported with flowEndReason lack of resources)", labels);
        for (int r = FlowEndReason.IDLE_TIMEOUT; r <= FlowEndReason.LACK_OF_RESOURCES; r++) {
            String l = MetricsRegistry.labels("reason", FlowEndReason.label(r));
            expired[r] = metrics.counter("pushcap_flow_expired_total", "Flows ended, by flowEndReason",
                    labels.isEmpty() ? l : labels + "," + l);
        }
        metrics.gauge("pushcap_flow_active_flows", "Flows in the cache now", labels, table::size);
    }

    /** Meters the inner packet of tunnels this unwrapper understands; null meters outer packets. */
    public void unwrapper(PacketUnwrapper u) {
        this.unwrapper = u;
    }

    /** Meters one packet (the view need not outlive the call). */
    public void meter(Packet p) {
        long ts = p.timestampNanos();
        if (packetClock && ts > now) {
            now = ts;
            if (now >= nextDue && now - lastScan >= SCAN_INTERVAL_NANOS) {
                expireDue();
            }
        }
        Packet q = p;
        if (unwrapper != null && unwrapper.unwrap(p, inner)) {
            q = inner;
        }
        PacketDissector d = dissector;
        int kind = d.dissect(q);
        if (kind != PacketDissector.IP) {
            if (kind == PacketDissector.NON_IP) {
                nonIp.increment();
            } else {
                malformed.increment();
                warn.warn("flow meter: packet with a cut or invalid IP header not metered (at " + ts
                        + " ns; see pushcap_flow_malformed_packets_total)");
            }
            return;
        }
        long ka = FlowTable.keyA(q.interfaceId(), d.outerVlan(), d.innerVlan(), d.ipVersion());
        long kb = FlowTable.keyB(d.protocol(), d.srcPort(), d.dstPort(), d.icmpTypeCode());
        int h = FlowTable.hash(d.srcHi(), d.srcLo(), d.dstHi(), d.dstLo(), ka, kb);
        int f = table.find(d.srcHi(), d.srcLo(), d.dstHi(), d.dstLo(), ka, kb, h);
        if (f >= 0 && table.lastNanos(f) + (table.finished(f) ? fin : idle) <= ts) {
            // Idle (or FIN linger) ran out before this packet. The active timeout is left to the
            // scan: checking it here would read the row's second cache line on every packet.
            expire(f, dueReason(f, ts));
            f = -1;
        }
        if (f < 0) {
            if (table.size() == table.capacity()) {
                evictOne();
            }
            f = table.insert(d.srcHi(), d.srcLo(), d.dstHi(), d.dstLo(), ka, kb, h, ts);
            created.increment();
            nextDue = Math.min(nextDue, ts + Math.min(idle, active));
        }
        int flags = d.tcpFlags();
        table.update(f, d.octets(), ts, flags, d.ttl(), d.tos());
        if ((flags & (TCP_FIN | TCP_RST)) != 0 && d.protocol() == 6) {
            table.markFinished(f);
            nextDue = Math.min(nextDue, ts + fin);
        }
        packets.increment();
        octets.add(d.octets());
        if (d.fragment()) {
            fragments.increment();
        }
        if (d.truncated()) {
            truncated.increment();
        }
    }

    /** Ends every flow whose timeout has passed at {@code nowNanos} (live: the wall clock). */
    public void advanceTo(long nowNanos) {
        if (nowNanos > now) {
            now = nowNanos;
        }
        if (now >= nextDue) {
            expireDue();
        }
    }

    /** The meter's current time: the newest packet or {@link #advanceTo} time. */
    public long now() {
        return now;
    }

    /** Ends every flow (flowEndReason forced end): shutdown, end of input, {@code flows flush --all}. */
    public int flushAll() {
        int n = 0;
        for (int f = table.oldest(); f >= 0; f = table.oldest()) {
            expire(f, FlowEndReason.FORCED_END);
            n++;
        }
        nextDue = Long.MAX_VALUE;
        return n;
    }

    /** Ends the flows the filter matches (forced end); returns how many. */
    public int flush(FlowFilter filter) {
        int n = 0;
        int f = table.oldest();
        while (f >= 0) {
            int next = table.newer(f);
            if (filter.matches(table, f)) {
                expire(f, FlowEndReason.FORCED_END);
                n++;
            }
            f = next;
        }
        return n;
    }

    /** A copy of every flow in the cache, oldest first (for {@code flows dump}; allocates). */
    public List<FlowEntry> snapshot() {
        List<FlowEntry> out = new ArrayList<>(table.size());
        for (int f = table.oldest(); f >= 0; f = table.newer(f)) {
            out.add(FlowEntry.of(table, f));
        }
        return out;
    }

    public int activeFlows() {
        return table.size();
    }

    /** The end reason if {@code f} is due at time {@code t}, else 0. */
    private int dueReason(int f, long t) {
        boolean finished = table.finished(f);
        long idleDue = table.lastNanos(f) + (finished ? fin : idle);
        long activeDue = table.firstNanos(f) + active;
        if (activeDue <= t && activeDue < idleDue) {
            return FlowEndReason.ACTIVE_TIMEOUT;
        }
        if (idleDue <= t) {
            return finished ? FlowEndReason.END_OF_FLOW : FlowEndReason.IDLE_TIMEOUT;
        }
        return activeDue <= t ? FlowEndReason.ACTIVE_TIMEOUT : 0;
    }

    private void expireDue() {
        long t = now;
        lastScan = t;
        while (true) {
            int f = table.openHead();
            if (f >= 0 && table.lastNanos(f) + idle <= t) {
                expire(f, dueReason(f, t));
                continue;
            }
            f = table.finishedHead();
            if (f >= 0 && table.lastNanos(f) + fin <= t) {
                expire(f, dueReason(f, t));
                continue;
            }
            f = table.oldest();
            if (f >= 0 && table.firstNanos(f) + active <= t) {
                expire(f, dueReason(f, t));
                continue;
            }
            break;
        }
        long due = Long.MAX_VALUE;
        int f = table.openHead();
        if (f >= 0) {
            due = table.lastNanos(f) + idle;
        }
        f = table.finishedHead();
        if (f >= 0) {
            due = Math.min(due, table.lastNanos(f) + fin);
        }
        f = table.oldest();
        if (f >= 0) {
            due = Math.min(due, table.firstNanos(f) + active);
        }
        nextDue = due;
    }

    /** Cache full: the least recently seen flow (open or finished) makes room. */
    private void evictOne() {
        int a = table.openHead();
        int b = table.finishedHead();
        int victim = a < 0 ? b : b < 0 ? a : table.lastNanos(b) <= table.lastNanos(a) ? b : a;
        expire(victim, FlowEndReason.LACK_OF_RESOURCES);
        evictions.increment();
        warn.warn("flow meter: cache full (" + table.capacity() + " flows): the least recently seen flows end early"
                + " with reason lack of resources; raise --max-flows (see pushcap_flow_cache_evictions_total)");
    }

    private void expire(int f, int reason) {
        if (reason == 0) {
            throw new IllegalStateException("flow " + f + " expired without a reason");
        }
        expired[reason].increment();
        try {
            listener.flowExpired(table, f, reason);
        } finally {
            table.remove(f);
        }
    }
}
