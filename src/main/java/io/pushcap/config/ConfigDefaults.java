package io.pushcap.config;

/**
 * The globals of a push_pcap.lua that targets inherit unless they set their own.
 *
 * @param timeoutRingNanos {@code Config.TimeoutRing}, 0 when unset
 * @param followStart      {@code Config.FollowStart}, false when unset
 * @param decap            {@code Config.Decap}, true when unset
 * @param source           {@code Config.Source}, or null
 */
record ConfigDefaults(long timeoutRingNanos, boolean followStart, boolean decap, String source) {
    static final ConfigDefaults SEED = new ConfigDefaults(0, false, true, null);
}
