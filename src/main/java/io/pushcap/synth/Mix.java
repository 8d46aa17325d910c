package io.pushcap.synth;

import io.pushcap.PushcapException;

import java.util.Locale;

/**
 * What kind of traffic {@link TrafficGenerator} makes.
 *
 * <ul>
 *   <li>{@link #MIXED}: about half plain Ethernet, the rest tagged, labelled or tunnelled in
 *       every way pushcap decapsulates, including nested combinations.</li>
 *   <li>{@link #TUNNELS}: the same encapsulations, with only a few plain frames.</li>
 *   <li>{@link #PLAIN}: Ethernet/IP/ARP without any tag or tunnel.</li>
 *   <li>{@link #SMALL}: 60-byte frames only, plain IPv4 and ARP, for packet-rate benchmarks.</li>
 *   <li>{@link #JUMBO}: like mixed, with half the flows on a 9000-byte MTU.</li>
 * </ul>
 */
public enum Mix {
    MIXED, TUNNELS, PLAIN, SMALL, JUMBO;

    public static Mix parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new PushcapException("--mix '" + s + "' (expected mixed, small, tunnels, plain or jumbo)");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
