package io.pushcap.config;

import java.util.List;

/**
 * A whole push_pcap.lua, validated: its globals and its targets in declaration order.
 *
 * @param file             where it was read from
 * @param timeoutRingNanos {@code Config.TimeoutRing}, 0 when unset
 * @param followStart      {@code Config.FollowStart}
 * @param decap            {@code Config.Decap}
 * @param source           {@code Config.Source} (pushcap), or null
 * @param targets          the targets, each with the globals folded in
 */
public record PushConfig(String file, long timeoutRingNanos, boolean followStart, boolean decap, String source,
                         List<TargetConfig> targets) {
}
