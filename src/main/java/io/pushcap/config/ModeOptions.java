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
            "PartsInFlight", "PayloadSigning", "BodyChecksum");
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
    /** The option name prefix of the {@code KafkaConsumer} table's settings (the source's, not the sink's). */
    static final String CONSUMER_PREFIX = TargetConfig.CONSUMER_PREFIX;
    /** Consumer settings a kafka:// source sets itself (exactly-once depends on them). */
    static final List<String> CONSUMER_OWN = List.of("bootstrap.servers", "key.deserializer", "value.deserializer",
            "group.id", "isolation.level", "enable.auto.commit");
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
            String body = r.string("BodyChecksum");
            if (body != null && !body.trim().equalsIgnoreCase("MD5") && !body.trim().equalsIgnoreCase("CRC32C")) {
                r.error("BodyChecksum", "'" + body + "' (expected \"MD5\": Content-MD5, which every S3-compatible"
                        + " server checks; or \"CRC32C\": x-amz-checksum-crc32c, for AWS and servers with S3's"
                        + " flexible checksums)");
            }
            put(options, "BodyChecksum", body);
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
        clientSettings(r, options, "Kafka", KAFKA_PREFIX, "producer",
                org.apache.kafka.clients.producer.ProducerConfig.configNames(), KAFKA_OWN,
                "bootstrap servers come from Path; the producer is idempotent and transactional, acks=all",
                "{ [\"linger.ms\"] = 5, [\"compression.type\"] = \"lz4\" }",
                "linger.ms, batch.size, compression.type, max.request.size");
    }

    /**
     * {@code KafkaConsumer = { ["group.instance.id"] = "worker-1", ... }}: settings of the consumer
     * a target reads a {@code kafka://} source with, stored as {@code consumer.NAME} options.
     */
    static void consumerSettings(TableReader r, Map<String, String> options) {
        clientSettings(r, options, "KafkaConsumer", CONSUMER_PREFIX, "consumer",
                org.apache.kafka.clients.consumer.ConsumerConfig.configNames(), CONSUMER_OWN,
                "bootstrap servers come from Source, the group from Group; pushcap reads read_committed and commits"
                        + " offsets itself after each published split",
                "{ [\"group.instance.id\"] = \"worker-1\", [\"session.timeout.ms\"] = 10000 }",
                "group.instance.id, session.timeout.ms, fetch.max.bytes, security.protocol");
    }

    private static void clientSettings(TableReader r, Map<String, String> options, String key, String prefix,
                                       String kind, java.util.Set<String> known, List<String> own, String why,
                                       String example, String examples) {
        LuaValue v = r.raw(key);
        if (v.isnil()) {
            return;
        }
        if (!v.istable()) {
            r.error(key, LuaValues.show(v) + " (expected a table of " + kind + " settings such as " + example + ")");
            return;
        }
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
                r.error(key, "key " + LuaValues.show(k) + " (expected " + kind + " setting names such as " + examples + ")");
            } else if (own.contains(name)) {
                r.error(key, "'" + name + "' is set by " + (kind.equals("producer") ? "the KAFKA target" : "the kafka:// source")
                        + " itself (" + why + "); remove it");
            } else if (!known.contains(name)) {
                String close = Suggestions.closest(name, known);
                r.error(key, "'" + name + "' is not a Kafka " + kind + " setting"
                        + (close == null ? "" : " (did you mean '" + close + "'?)")
                        + " (see Kafka's " + (kind.equals("producer") ? "ProducerConfig" : "ConsumerConfig") + ", e.g. "
                        + examples + ")");
            } else if (value.type() != LuaValue.TSTRING && value.type() != LuaValue.TNUMBER
                    && value.type() != LuaValue.TBOOLEAN) {
                r.error(key, "'" + name + "' = " + LuaValues.show(value) + " (expected a string, number or boolean)");
            } else {
                java.util.OptionalLong whole = LuaValues.wholeNumber(value);
                options.put(prefix + name, whole.isPresent() ? Long.toString(whole.getAsLong()) : value.tojstring());
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
