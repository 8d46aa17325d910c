package io.pushcap.service.doctor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The NIC offloads that change what a capture sees, from {@code ethtool -k IFACE}: GRO and LRO
 * merge received packets into frames larger than the MTU, GSO and TSO hand the capture unsplit
 * super-frames of locally sent traffic; captures then hold packets that never were on the wire,
 * and re-transmitting them fails with "message too long". Each is named by ethtool's long feature
 * name and its short {@code -K} keyword.
 *
 * <p><b>Note:</b> stateless and thread-safe.
 */
public final class Offloads {
    /** ethtool -k feature name to its ethtool -K keyword. */
    static final Map<String, String> FEATURES = new LinkedHashMap<>();

    static {
        FEATURES.put("generic-receive-offload", "gro");
        FEATURES.put("large-receive-offload", "lro");
        FEATURES.put("generic-segmentation-offload", "gso");
        FEATURES.put("tcp-segmentation-offload", "tso");
    }

    /** One feature: on or off, and whether the driver lets it change ("[fixed]"). */
    public record Feature(String keyword, boolean on, boolean fixed) {
    }

    private Offloads() {
    }

    public static List<Feature> parse(String ethtoolOutput) {
        List<Feature> out = new ArrayList<>();
        for (String line : ethtoolOutput.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon).strip();
            String keyword = FEATURES.get(name);
            if (keyword != null) {
                String value = line.substring(colon + 1).strip();
                out.add(new Feature(keyword, value.startsWith("on"), value.contains("[fixed]")));
            }
        }
        return out;
    }

    /** The check for one interface: VALID when all four are off, else the exact command that turns them off. */
    public static DoctorCheck check(String iface, List<Feature> features) {
        String subject = "NIC " + iface + " offloads (expect gro, lro, gso, tso off)";
        if (features.isEmpty()) {
            return DoctorCheck.fix(subject, "ethtool -k " + iface + " listed none of them",
                    "check the interface with: ethtool -k " + iface);
        }
        List<String> on = new ArrayList<>();
        List<String> changeable = new ArrayList<>();
        List<String> fixed = new ArrayList<>();
        for (Feature f : features) {
            if (f.on()) {
                on.add(f.keyword());
                (f.fixed() ? fixed : changeable).add(f.keyword());
            }
        }
        if (on.isEmpty()) {
            return DoctorCheck.valid(subject, "all off");
        }
        StringBuilder fix = new StringBuilder();
        if (!changeable.isEmpty()) {
            fix.append("ethtool -K ").append(iface);
            changeable.forEach(k -> fix.append(' ').append(k).append(" off"));
            fix.append(" (captures otherwise hold merged frames larger than the MTU)");
        }
        if (!fixed.isEmpty()) {
            fix.append(fix.isEmpty() ? "" : "; ").append(String.join(", ", fixed))
                    .append(" fixed on by the driver: expect frames larger than the MTU");
        }
        return DoctorCheck.fix(subject, String.join(", ", on) + " on", fix.toString());
    }
}
