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
    /**
     * KAFKA's keys: {@code Key} ("flow", "none", "sensor": how records are keyed, so partitioned)
     * and {@code Kafka}, a table of producer settings stored as {@code kafka.NAME} options.
     * {@code Key} is shared with TAP, where it is a tunnel key.
     */
    static final List<String> KAFKA_KEYS = List.of("Kafka", "Key");
    /** The option name prefix of the {@code Kafka} table's producer settings. */
    static final String KAFKA_PREFIX = "kafka.";
    /** Producer settings the KAFKA target sets itself (exactly-once depends on them). */
    static final List<String> KAFKA_OWN = List.of("bootstrap.servers", "key.serializer", "value.serializer",
            "transactional.id", "enable.idempotence", "acks");
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
            if (!KAFKA_KEYS.contains(key)) {
                modeOnly(r, mode, key, Mode.TAP);
            }
        }
        if (r.has("Key") && mode != null && mode != Mode.TAP && mode != Mode.KAFKA) {
            r.error("Key", "only used by Mode TAP or KAFKA (this target's Mode is " + mode + ")");
        }
        modeOnly(r, mode, "Kafka", Mode.KAFKA);
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
        } else if (mode == Mode.KAFKA) {
            String key = r.string("Key");
            if (key != null && !List.of("flow", "none", "sensor").contains(key)) {
                r.error("Key", "'" + key + "' (expected \"flow\": a symmetric 5-tuple hash, so both directions of a"
                        + " flow share a partition; \"sensor\": the sensor's name; or \"none\")");
            }
            put(options, "Key", key);
            kafkaSettings(r, options);
        }
        return options;
    }

    /**
     * {@code Kafka = { ["linger.ms"] = 5, ... }}: each name must be a producer setting that Kafka's
     * ProducerConfig knows and that the target does not set itself; values are strings, numbers
     * or booleans, kept as text for the producer to parse.
     */
    private static void kafkaSettings(TableReader r, Map<String, String> options) {
        LuaValue v = r.raw("Kafka");
        if (v.isnil()) {
            return;
        }
        if (!v.istable()) {
            r.error("Kafka", LuaValues.show(v) + " (expected a table of producer settings such as"
                    + " { [\"linger.ms\"] = 5, [\"compression.type\"] = \"lz4\" })");
            return;
        }
        java.util.Set<String> known = org.apache.kafka.clients.producer.ProducerConfig.configNames();
        LuaValue k = LuaValue.NIL;
        while (true) {
            org.luaj.vm2.Varargs n = v.next(k);
            k = n.arg1();
            if (k.isnil()) {
                break;
            }
            LuaValue value = n.arg(2);
            String name = k.tojstring();
            if (k.type() != LuaValue.TSTRING) {
                r.error("Kafka", "key " + LuaValues.show(k) + " (expected producer setting names such as \"linger.ms\")");
            } else if (KAFKA_OWN.contains(name)) {
                r.error("Kafka", "'" + name + "' is set by the KAFKA target itself (bootstrap servers come from Path;"
                        + " the producer is idempotent and transactional, acks=all); remove it");
            } else if (!known.contains(name)) {
                String close = Suggestions.closest(name, known);
                r.error("Kafka", "'" + name + "' is not a Kafka producer setting"
                        + (close == null ? "" : " (did you mean '" + close + "'?)")
                        + " (see Kafka's ProducerConfig, e.g. linger.ms, batch.size, compression.type, max.request.size)");
            } else if (value.type() != LuaValue.TSTRING && value.type() != LuaValue.TNUMBER
                    && value.type() != LuaValue.TBOOLEAN) {
                r.error("Kafka", "'" + name + "' = " + LuaValues.show(value) + " (expected a string, number or boolean)");
            } else {
                java.util.OptionalLong whole = LuaValues.wholeNumber(value);
                options.put(KAFKA_PREFIX + name, whole.isPresent() ? Long.toString(whole.getAsLong()) : value.tojstring());
            }
        }
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
