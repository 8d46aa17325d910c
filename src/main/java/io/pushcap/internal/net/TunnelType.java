package io.pushcap.internal.net;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The tunnels pushcap sends and receives taps through, by their {@code -E} names, with what the
 * {@code -K} key means for each and its range.
 *
 * <p><b>Note:</b> immutable.
 */
public enum TunnelType {
    /** GRE carrying the IP packet of each frame (its Ethernet header is not sent). */
    GRE("gre", "GRE key", 0xFFFF_FFFFL, "32 bits"),
    /** GRE with transparent Ethernet bridging (0x6558): the whole frame. */
    GRETAP("gretap", "GRE key", 0xFFFF_FFFFL, "32 bits"),
    /** ERSPAN type II (GRE 0x88BE with sequence numbers, 8-byte ERSPAN header). */
    ERSPAN("erspan", "ERSPAN session ID", 1023, "10 bits"),
    /** ERSPAN type III (GRE 0x22EB, 12-byte ERSPAN header). */
    ERSPAN3("erspan3", "ERSPAN session ID", 1023, "10 bits"),
    /** VXLAN (RFC 7348) over UDP. */
    VXLAN("vxlan", "VNI", 0xFF_FFFFL, "24 bits");

    private final String label;
    private final String keyMeaning;
    private final long maxKey;
    private final String keyBits;

    TunnelType(String label, String keyMeaning, long maxKey, String keyBits) {
        this.label = label;
        this.keyMeaning = keyMeaning;
        this.maxKey = maxKey;
        this.keyBits = keyBits;
    }

    /** The {@code -E} spelling: "gretap", "vxlan"... */
    public String label() {
        return label;
    }

    /** What {@code -K} sets: "GRE key", "VNI", "ERSPAN session ID". */
    public String keyMeaning() {
        return keyMeaning;
    }

    public long maxKey() {
        return maxKey;
    }

    public String keyBits() {
        return keyBits;
    }

    public boolean isGre() {
        return this != VXLAN;
    }

    public boolean isErspan() {
        return this == ERSPAN || this == ERSPAN3;
    }

    /** The type named {@code s} (case-insensitive), or null. */
    public static TunnelType byLabel(String s) {
        String l = s.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(t -> t.label.equals(l)).findFirst().orElse(null);
    }

    public static String labels() {
        return Arrays.stream(values()).map(TunnelType::label).collect(Collectors.joining(", "));
    }
}
