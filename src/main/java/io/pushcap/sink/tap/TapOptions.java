package io.pushcap.sink.tap;

import io.pushcap.PushcapException;
import io.pushcap.config.TargetConfig;
import io.pushcap.internal.net.TunnelKey;
import io.pushcap.internal.net.TunnelSpec;
import io.pushcap.internal.net.TunnelType;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Where and how a tap is re-transmitted: out of a NIC as captured, or encapsulated to a tunnel
 * endpoint, with fluxcap's frame edits. The same options come from {@code pushcap tx} flags and
 * from a push target with {@code Mode = "TAP"} ({@link #fromTarget(TargetConfig)}).
 *
 * @param name         names the tap in logs and counter labels ("tx vethA", a target's Desc)
 * @param encap        the tunnel ({@code -E}, {@code Encap}); null sends frames out of {@code iface}
 * @param key          {@code -K}: GRE key, VNI or ERSPAN session ID; -1 for none (GRE: no key
 *                     field; VXLAN: VNI 0; ERSPAN: session 0)
 * @param iface        {@code -i}: the NIC for plain re-transmission; for GRE types, the only
 *                     interface the tunnel packets may leave by (SO_BINDTODEVICE); null otherwise
 * @param snaplen      {@code -s}: at most this many bytes of each packet go into the tunnel (the
 *                     frame, or for gre the IP packet) or out of the NIC; 0 for no limit
 * @param vlan         {@code -V}: 802.1Q tag to insert as the outermost tag, -1 for none
 * @param stripVlan    {@code --strip-vlan}: remove the outermost tag (before inserting one)
 * @param maxMbps      rate cap in Mbit/s (10^6 bits) of the bytes handed to the kernel; 0 for none
 * @param dontFragment tunnel packets larger than the path MTU are dropped (counted, one error)
 *                     instead of sent as IP fragments
 * @param batch        packets per {@code sendmmsg} (1..1024)
 * @param qdiscBypass  plain NIC: hand frames to the driver directly (PACKET_QDISC_BYPASS)
 *
 * <p><b>Note:</b> immutable; {@link #validate()} checks the combination before anything opens.
 */
public record TapOptions(String name, TunnelSpec encap, long key, String iface, int snaplen, int vlan,
                         boolean stripVlan, double maxMbps, boolean dontFragment, int batch, boolean qdiscBypass) {
    public static final int DEFAULT_BATCH = 64;
    public static final int MAX_BATCH = 1024;
    private static final String ENCAP_FORMS = "gretap:IP, gre:IP, erspan:IP, erspan3:IP or vxlan:IP[:PORT]";

    /** A plain re-transmission out of {@code iface} with no edits. */
    public static TapOptions plain(String name, String iface) {
        return new TapOptions(name, null, -1, iface, 0, -1, false, 0, false, DEFAULT_BATCH, false);
    }

    public TunnelType tunnel() {
        return encap == null ? null : encap.type();
    }

    /**
     * Checks the combination of options.
     *
     * @param flags how the user spells each option, for messages: [-E, -K, -i, -s, -V, --strip-vlan]
     * @throws PushcapException naming the option, its value and what would be valid
     */
    public TapOptions validate(String prefix, String... flags) {
        TunnelType t = tunnel();
        if (t == null && (iface == null || iface.isBlank())) {
            throw new PushcapException(prefix + "give " + flags[2] + " IFACE to re-transmit out of a NIC, or "
                    + flags[0] + " " + ENCAP_FORMS + " to send through a tunnel");
        }
        if (t == null && dontFragment) {
            throw new PushcapException(prefix + "--dont-fragment applies to tunnels (" + flags[0] + "): frames larger than"
                    + " a NIC's MTU are never fragmented, they are dropped and counted");
        }
        if (t == null && key >= 0) {
            throw new PushcapException(prefix + flags[1] + " " + key + " needs a tunnel (" + flags[0] + "): a NIC"
                    + " re-transmits frames unchanged");
        }
        if (t == TunnelType.VXLAN && iface != null) {
            throw new PushcapException(prefix + flags[2] + " " + iface + " cannot be used with vxlan: VXLAN goes out"
                    + " through an ordinary UDP socket, by the route to " + encap.address().getHostAddress()
                    + " (see `ip route get " + encap.address().getHostAddress() + "`)");
        }
        if (t == TunnelType.GRE && (vlan >= 0 || stripVlan)) {
            throw new PushcapException(prefix + (vlan >= 0 ? flags[4] + " " + vlan : flags[5])
                    + " has no effect with gre: gre sends the IP packet without its Ethernet header"
                    + " (use gretap to keep the frame)");
        }
        if (vlan < -1 || vlan > 4095) {
            throw new PushcapException(prefix + flags[4] + " " + vlan + " (expected a VLAN ID 0..4095)");
        }
        if (snaplen < 0 || (snaplen > 0 && snaplen < (t == TunnelType.GRE ? 20 : 14))) {
            throw new PushcapException(prefix + flags[3] + " " + snaplen + " (expected at least "
                    + (t == TunnelType.GRE ? "20 bytes, an IPv4 header" : "14 bytes, an Ethernet header") + ")");
        }
        if (key >= 0 && t != null && key > t.maxKey()) {
            throw new PushcapException(prefix + flags[1] + " " + key + " is out of range for " + t.label() + ": the "
                    + t.keyMeaning() + " is 0.." + t.maxKey() + " (" + t.keyBits() + ")");
        }
        if (!(maxMbps >= 0) || Double.isInfinite(maxMbps)) {
            throw new PushcapException(prefix + "rate cap " + maxMbps + " Mbit/s (expected a positive number, or 0 for none)");
        }
        if (batch < 1 || batch > MAX_BATCH) {
            throw new PushcapException(prefix + "--batch " + batch + " (expected 1.." + MAX_BATCH + ")");
        }
        return this;
    }

    /**
     * The options of a push target with {@code Mode = "TAP"}: {@code Encap}, {@code Key},
     * {@code Interface}, {@code Snaplen}, {@code Vlan}, {@code StripVlan} (type-checked by the
     * config loader, stored as text) and {@code MaxMbps}. The destination:
     * <ul>
     *   <li>no {@code Encap}: out of the NIC named by {@code Interface}, else by {@code Path};</li>
     *   <li>{@code Encap = "vxlan"} (a tunnel type alone): to the endpoint in {@code Path}
     *       ({@code "10.0.0.2"}, {@code "10.0.0.2:4789"}, {@code "[fd00::2]:4789"});</li>
     *   <li>{@code Encap = "vxlan:10.0.0.2:4789"} (as {@code tx -E}): to that endpoint; a
     *       {@code Path} that is an IP address must then name the same one.</li>
     * </ul>
     *
     * @throws PushcapException prefixed with the target's label and the key
     */
    public static TapOptions fromTarget(TargetConfig target) {
        String prefix = target.label() + ": ";
        String encapText = target.options().get("Encap");
        String path = target.path() == null ? "" : target.path().trim();
        String iface = target.options().get("Interface");
        TunnelSpec encap = null;
        if (encapText != null && !encapText.isBlank()) {
            encap = encapFor(prefix, encapText.trim(), path);
        } else if (iface == null && !path.isEmpty()) {
            iface = path;
        }
        long key = -1;
        String keyText = target.options().get("Key");
        if (keyText != null) {
            if (encap == null) {
                throw new PushcapException(prefix + "Key '" + keyText + "' needs Encap (" + ENCAP_FORMS + ")");
            }
            try {
                key = TunnelKey.parse("Key", keyText, encap.type());
            } catch (PushcapException e) {
                throw new PushcapException(prefix + e.getMessage(), e);
            }
        }
        TapOptions o = new TapOptions(target.desc(), encap, key, iface,
                Integer.parseInt(target.option("Snaplen", "0")), Integer.parseInt(target.option("Vlan", "-1")),
                Boolean.parseBoolean(target.option("StripVlan", "false")), target.maxMbps(), false, DEFAULT_BATCH,
                false);
        return o.validate(prefix, "Encap", "Key", "Interface", "Snaplen", "Vlan", "StripVlan");
    }

    private static TunnelSpec encapFor(String prefix, String encapText, String path) {
        try {
            if (encapText.indexOf(':') < 0) {
                if (path.isEmpty()) {
                    throw new PushcapException("Encap '" + encapText + "' needs the endpoint in Path (e.g. Path = '10.0.0.2')"
                            + " or in Encap itself (e.g. Encap = '" + encapText + ":10.0.0.2')");
                }
                return TunnelSpec.parse("Encap '" + encapText + "' with Path", encapText + ":" + path, false);
            }
            TunnelSpec spec = TunnelSpec.parse("Encap", encapText, false);
            InetAddress pathAddress = literal(path);
            if (pathAddress != null && !pathAddress.equals(spec.address())) {
                throw new PushcapException("Path '" + path + "' and Encap '" + encapText + "' name different endpoints"
                        + " (give the endpoint in one of them)");
            }
            return spec;
        } catch (PushcapException e) {
            throw new PushcapException(prefix + e.getMessage(), e);
        }
    }

    /** Path as an IP literal (with optional brackets and port), or null when it is not one. */
    private static InetAddress literal(String path) {
        String h = path;
        if (h.startsWith("[")) {
            h = h.substring(1, h.indexOf(']') < 0 ? h.length() : h.indexOf(']'));
        } else if (h.indexOf(':') >= 0 && h.indexOf(':') == h.lastIndexOf(':')) {
            h = h.substring(0, h.indexOf(':'));
        }
        if (!h.matches("\\d{1,3}(\\.\\d{1,3}){3}") && !h.matches("[0-9a-fA-F.]*:[0-9a-fA-F:.]*")) {
            return null;
        }
        try {
            return InetAddress.getByName(h);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** "vethA" or "gretap 10.0.0.2 key 7" for logs. */
    public String destination() {
        if (encap == null) {
            return iface;
        }
        return encap.describe() + (key >= 0 ? " " + encap.type().keyMeaning() + " " + key : "")
                + (iface != null ? " via " + iface : "");
    }
}
