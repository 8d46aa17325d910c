package io.pushcap.cli;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;

/**
 * What the AOT training of Kafka pushes ({@link AotTraining}, {@code kafka}) does instead of a
 * push, which would need a broker: it builds a transactional producer, a consumer and an admin
 * client as a KAFKA target and a {@code kafka://} source do (pointed at a port nobody listens
 * on, closed at once), and loads by name the classes real Kafka pushes loaded from jars
 * ({@code aot/kafka-classes.txt}, made by {@code src/main/build/kafka-aot-classes.sh}). The cache
 * then holds ~1,700 classes a Kafka push would otherwise read, verify and link at each start.
 *
 * <p><b>Note:</b> for the training run only; names that no longer exist (a Kafka upgrade since
 * the list was made) are counted and skipped.
 */
final class AotKafkaClasses {
    static final String LIST = "/aot/kafka-classes.txt";

    private AotKafkaClasses() {
    }

    /** @return how many listed classes loaded; -1 when the list is missing */
    static int load() throws IOException {
        clients();
        InputStream in = AotKafkaClasses.class.getResourceAsStream(LIST);
        if (in == null) {
            return -1;
        }
        int loaded = 0;
        ClassLoader loader = AotKafkaClasses.class.getClassLoader();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String name = r.readLine(); name != null; name = r.readLine()) {
                try {
                    Class.forName(name.strip(), false, loader);
                    loaded++;
                } catch (ClassNotFoundException | LinkageError e) {
                    // Not in this Kafka client: the list is older than the jar.
                }
            }
        }
        return loaded;
    }

    private static void clients() throws IOException {
        String bootstrap;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            bootstrap = "127.0.0.1:" + s.getLocalPort(); // closed again before anyone connects
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "pushcap/training");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "524288");
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer()).close(Duration.ZERO);
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer()).close(Duration.ZERO);
        Properties a = new Properties();
        a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        Admin.create(a).close(Duration.ZERO);
    }
}
