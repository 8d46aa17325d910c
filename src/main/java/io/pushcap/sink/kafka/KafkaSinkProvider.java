package io.pushcap.sink.kafka;

import io.pushcap.PushcapException;
import io.pushcap.config.Mode;
import io.pushcap.config.TargetConfig;
import io.pushcap.kafka.KafkaAdmin;
import io.pushcap.kafka.KafkaCounters;
import io.pushcap.kafka.KafkaLocation;
import io.pushcap.sink.PacketSink;
import io.pushcap.sink.PacketSinkProvider;
import io.pushcap.sink.SinkContext;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Registers {@code Mode = "KAFKA"} (ServiceLoader entry in
 * {@code META-INF/services/io.pushcap.sink.PacketSinkProvider}): {@code Path =
 * "kafka://HOST:PORT[,HOST:PORT]/TOPIC"}, {@code Key = "flow"|"none"|"sensor"} (default flow),
 * {@code Kafka = { ... }} producer settings (options {@code kafka.NAME}). The sensor name is
 * {@code $PUSHCAP_SENSOR}, else the host name.
 *
 * <p><b>Note:</b> stateless and thread-safe. {@link #create} checks the brokers and the topic
 * (blocking up to {@link KafkaAdmin#TIMEOUT_SECONDS} s) and creates the cursor topic if needed.
 */
public final class KafkaSinkProvider implements PacketSinkProvider {
    private static final String PREFIX = "kafka.";

    @Override
    public Mode mode() {
        return Mode.KAFKA;
    }

    @Override
    public Set<String> optionKeys() {
        return Set.of("Key");
    }

    @Override
    public PacketSink create(TargetConfig target, int linkType, SinkContext context) {
        KafkaLocation where;
        try {
            where = KafkaLocation.parse(target.path());
        } catch (PushcapException e) {
            throw new PushcapException(target.label() + ": Path: " + e.getMessage());
        }
        KafkaAdmin.check(target.label(), where, true);
        Map<String, String> user = new HashMap<>();
        target.options().forEach((k, v) -> {
            if (k.startsWith(PREFIX)) {
                user.put(k.substring(PREFIX.length()), v);
            }
        });
        String sensor = sensorName(context.env());
        Map<String, Object> settings = KafkaPacketSink.settings(where,
                "pushcap/" + sensor + "/" + target.desc() + "/" + where.topic(), user);
        int maxRequest;
        try {
            maxRequest = Integer.parseInt(String.valueOf(settings.getOrDefault(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "1048576")));
        } catch (NumberFormatException e) {
            throw new PushcapException(target.label() + ": Kafka: 'max.request.size' = '"
                    + settings.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG) + "' (expected a number of bytes)");
        }
        String key = target.options().getOrDefault("Key", "flow");
        String iface = target.source() == null || target.source().isBlank() ? "pushcap" : target.source();
        return new KafkaPacketSink(target.label(), where, settings, KafkaPacketSink.KeyMode.valueOf(key.toUpperCase(Locale.ROOT)),
                sensor, target.desc(), iface, maxRequest, new KafkaCounters(context.metrics(), target.desc()));
    }

    static String sensorName(Map<String, String> env) {
        String s = env.get("PUSHCAP_SENSOR");
        if (s != null && !s.isBlank()) {
            return s.strip();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
