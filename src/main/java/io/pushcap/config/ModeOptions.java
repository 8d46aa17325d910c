package io.pushcap.config;

import org.luaj.vm2.LuaValue;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The keys only one Mode uses, read into {@link TargetConfig#options()} by key name, their values
 * type-checked and stored as text ("true", "1476"): S3's {@code Endpoint}, {@code Region},
 * {@code PathStyle}; TAP's {@code Encap}, {@code Key}, {@code Interface}, {@code Snaplen},
 * {@code Vlan}, {@code StripVlan}. What they mean is up to the sink that reads them. A key of
 * another Mode is an error.
 *
 * <p><b>Note:</b> stateless and thread-safe.
 */
final class ModeOptions {
    /** The S3 sink's keys (sink.s3.S3Settings.OPTION_KEYS says what each does). */
    static final List<String> S3_KEYS = List.of("Endpoint", "Region", "PathStyle", "Checksum", "PartSizeMiB",
            "PartsInFlight", "PayloadSigning");
    static final List<String> TAP_KEYS = List.of("Encap", "Key", "Interface", "Snaplen", "Vlan", "StripVlan");
    /** The rclone sink's key: the rclone config file (default $PUSHCAP_HOME/etc/rclone.conf), as docs/sinks.md says. */
    static final List<String> RCLONE_KEYS = List.of("RcloneConfig");
    private static final long MAX_SNAPLEN = 262_144;

    private ModeOptions() {
    }

    /** @param mode the target's Mode, or null when it was invalid (then only types are checked) */
    static Map<String, String> read(TableReader r, Mode mode) {
        for (String key : S3_KEYS) {
            modeOnly(r, mode, key, Mode.S3);
        }
        for (String key : TAP_KEYS) {
            modeOnly(r, mode, key, Mode.TAP);
        }
        for (String key : RCLONE_KEYS) {
            modeOnly(r, mode, key, Mode.RCLONE);
        }
        Map<String, String> options = new TreeMap<>();
        if (mode == Mode.S3) {
            String endpoint = r.string("Endpoint");
            if (endpoint != null && !endpoint.matches("(?i)https?://[^/\\s]+/?")) {
                r.error("Endpoint", "'" + endpoint + "' (expected http://host:port or https://host)");
            }
            put(options, "Endpoint", endpoint);
            put(options, "Region", r.string("Region"));
            put(options, "PathStyle", r.bool("PathStyle"));
            put(options, "Checksum", r.string("Checksum"));
            put(options, "PartSizeMiB", r.integer("PartSizeMiB", 5, 5 * 1024, "MiB per multipart part"));
            put(options, "PartsInFlight", r.integer("PartsInFlight", 1, 64, "parts uploaded at once"));
            put(options, "PayloadSigning", r.bool("PayloadSigning"));
        } else if (mode == Mode.RCLONE) {
            String conf = r.string("RcloneConfig");
            if (conf != null && (conf.isBlank() || !java.nio.file.Files.isReadable(java.nio.file.Path.of(conf)))) {
                r.error("RcloneConfig", "'" + conf + "' (expected a readable rclone config file)");
            }
            put(options, "RcloneConfig", conf);
        } else if (mode == Mode.TAP) {
            put(options, "Encap", r.string("Encap"));
            put(options, "Key", tapKey(r));
            put(options, "Interface", r.string("Interface"));
            put(options, "Snaplen", r.integer("Snaplen", 1, MAX_SNAPLEN, "bytes kept of each packet"));
            put(options, "Vlan", r.integer("Vlan", 0, 4095, "a VLAN ID"));
            put(options, "StripVlan", r.bool("StripVlan"));
        }
        return options;
    }

    /** A 32-bit number, or a dotted quad as fluxcap's -K accepts. */
    private static String tapKey(TableReader r) {
        LuaValue v = r.raw("Key");
        if (v.isnil()) {
            return null;
        }
        if (v.type() == LuaValue.TSTRING && v.tojstring().matches("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")
                && Stream.of(v.tojstring().split("\\.")).allMatch(o -> Integer.parseInt(o) <= 255)) {
            return v.tojstring();
        }
        OptionalLong n = LuaValues.wholeNumber(v);
        if (n.isPresent() && n.getAsLong() >= 0 && n.getAsLong() <= 0xFFFF_FFFFL) {
            return Long.toString(n.getAsLong());
        }
        r.error("Key", LuaValues.show(v) + " (expected a 32-bit number or a dotted quad such as '0.0.0.42')");
        return null;
    }

    private static void modeOnly(TableReader r, Mode actual, String key, Mode owner) {
        if (r.has(key) && actual != null && actual != owner) {
            r.error(key, "only used by Mode " + owner + " (this target's Mode is " + actual + ")");
        }
    }

    private static void put(Map<String, String> options, String key, Object value) {
        if (value != null) {
            options.put(key, value.toString());
        }
    }
}
