package io.pushcap.config;

import io.pushcap.PushcapException;

/**
 * How a flow meter keys, times out and bounds its flow cache; filled by the {@code flows} commands
 * and, later, by the Lua service config.
 *
 * <p><b>Note:</b> immutable and thread-safe; the constructor validates and throws
 * {@link PushcapException} naming the rule and the value.
 *
 * @param idleTimeoutNanos   a flow with no packet for this long ends (flowEndReason idle, 0x01)
 * @param activeTimeoutNanos a flow this long after its first packet ends (active, 0x02); the next
 *                           packet starts a new flow
 * @param finTimeoutNanos    a flow that has seen TCP FIN or RST ends this long after its last
 *                           packet (end of flow detected, 0x03); 0 ends it at the next look
 * @param maxFlows           flows the cache holds; a new flow beyond it evicts the least recently
 *                           seen one (lack of resources, 0x05)
 * @param clock              what "now" is for the timeouts: the packets' own timestamps (offline
 *                           files) or the wall clock (live sources)
 */
public record FlowMeterConfig(long idleTimeoutNanos, long activeTimeoutNanos, long finTimeoutNanos, int maxFlows,
                              Clock clock) {

    /** The time base of expiry. */
    public enum Clock {
        /** Time advances with the newest packet timestamp seen (files, replays). */
        PACKET,
        /** Time is the wall clock, checked even when no packet arrives (live capture). */
        WALL
    }

    public static final long DEFAULT_IDLE_NANOS = 15_000_000_000L;
    public static final long DEFAULT_ACTIVE_NANOS = 1_800_000_000_000L;
    public static final long DEFAULT_FIN_NANOS = 1_000_000_000L;
    public static final int DEFAULT_MAX_FLOWS = 65_536;
    /** 2^26 flows: about 8 GiB of cache; larger is surely a typo. */
    public static final int MAX_MAX_FLOWS = 1 << 26;

    public FlowMeterConfig {
        if (idleTimeoutNanos <= 0) {
            throw new PushcapException("flow meter: idle timeout " + idleTimeoutNanos + " ns (expected > 0)");
        }
        if (activeTimeoutNanos <= 0) {
            throw new PushcapException("flow meter: active timeout " + activeTimeoutNanos + " ns (expected > 0)");
        }
        if (finTimeoutNanos < 0 || finTimeoutNanos > idleTimeoutNanos) {
            throw new PushcapException("flow meter: fin timeout " + finTimeoutNanos
                    + " ns (expected 0 up to the idle timeout " + idleTimeoutNanos + " ns)");
        }
        if (maxFlows < 1 || maxFlows > MAX_MAX_FLOWS) {
            throw new PushcapException("flow meter: max flows " + maxFlows + " (expected 1.." + MAX_MAX_FLOWS + ")");
        }
        if (clock == null) {
            throw new PushcapException("flow meter: clock missing (expected PACKET or WALL)");
        }
    }

    /** Cisco-like defaults: idle 15 s, active 30 min, FIN/RST linger 1 s, 65536 flows. */
    public static FlowMeterConfig defaults(Clock clock) {
        return new FlowMeterConfig(DEFAULT_IDLE_NANOS, DEFAULT_ACTIVE_NANOS, DEFAULT_FIN_NANOS, DEFAULT_MAX_FLOWS, clock);
    }

    public FlowMeterConfig withTimeouts(long idleNanos, long activeNanos, long finNanos) {
        return new FlowMeterConfig(idleNanos, activeNanos, finNanos, maxFlows, clock);
    }

    public FlowMeterConfig withMaxFlows(int flows) {
        return new FlowMeterConfig(idleTimeoutNanos, activeTimeoutNanos, finTimeoutNanos, flows, clock);
    }
}
