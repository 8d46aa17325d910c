package io.pushcap.sink.kafka;

import io.pushcap.kafka.KafkaAdmin;
import io.pushcap.kafka.KafkaCounters;
import io.pushcap.kafka.KafkaLocation;
import io.pushcap.metrics.MetricsRegistry;
import io.pushcap.sink.SourceMark;
import io.pushcap.testsupport.KafkaBroker;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Reading a KAFKA target's committed position back, against a real broker: the position a
 * restarted (or retrying) sensor resumes from decides whether a region is sent twice.
 */
class KafkaPacketSinkTest {
    static KafkaBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = KafkaBroker.shared();
    }

    private static KafkaPacketSink sink(KafkaLocation where, String desc) {
        Map<String, Object> settings = KafkaPacketSink.settings(where, "pushcap/test/" + desc + "/" + where.topic(), Map.of());
        return new KafkaPacketSink("target '" + desc + "'", where, settings, KafkaPacketSink.KeyMode.FLOW, "test", desc,
                "eth0", 1 << 20, new KafkaCounters(MetricsRegistry.global(), desc + "-" + where.topic()));
    }

    /** A new one-partition topic and its cursor topic, as a KAFKA target's start creates it. */
    private static KafkaLocation topicWithCursors(String topic) throws IOException {
        broker.createTopic(topic, 1);
        KafkaLocation where = new KafkaLocation(broker.bootstrap(), topic);
        KafkaAdmin.check("test", where, true);
        return where;
    }

    private static SourceMark mark(long minor) {
        return new SourceMark("/data/in.pcap", 0, minor, minor * 1000);
    }

    @Test
    void shouldReadItsLastCursorWhenAnotherSensorHoldsATransactionOpenOnTheCursorTopic() throws Exception {
        KafkaLocation where = topicWithCursors("lso");
        try (KafkaPacketSink a = sink(where, "a")) {
            a.flush(mark(100));
        }
        // Another sensor's transaction writes its cursor record and stays open (it is never
        // committed; the coordinator aborts it after its 1 s timeout). The LSO stays below it.
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "pushcap/other/b/lso");
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 1000);
        KafkaProducer<byte[], byte[]> other = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        try {
            other.initTransactions();
            other.beginTransaction();
            other.send(new ProducerRecord<>(where.cursorTopic(), "other/b".getBytes(StandardCharsets.UTF_8),
                    CursorRecords.encode(mark(7)))).get();
            // Sensor a commits a later position behind the open transaction.
            try (KafkaPacketSink a = sink(where, "a")) {
                a.flush(mark(200));
            }
            // A restart of sensor a must resume after its last commit, not the one before.
            try (KafkaPacketSink restarted = sink(where, "a")) {
                assertThat(restarted.committedMark()).isEqualTo(mark(200));
            }
        } finally {
            other.close(Duration.ZERO);
        }
    }

    @Test
    void shouldRefuseToGuessWhenTheCursorTopicIsNotInTheMetadata() {
        KafkaLocation where = new KafkaLocation(broker.bootstrap(), "never-created");
        try (KafkaPacketSink a = sink(where, "a")) {
            // Taking "no cursor topic" as "nothing committed" would send a committed region again.
            assertThatThrownBy(a::committedMark).isInstanceOf(IOException.class)
                    .hasMessageContaining("never-created.pushcap-cursors has no partitions")
                    .hasMessageContaining("cannot tell where this target committed last");
        }
    }

    @Test
    void shouldReadNothingWhenTheTargetHasNeverCommitted() throws Exception {
        KafkaLocation where = topicWithCursors("fresh");
        try (KafkaPacketSink b = sink(where, "b")) {
            b.flush(mark(5));
        }
        try (KafkaPacketSink a = sink(where, "a")) {
            assertThat(a.committedMark()).isNull();
        }
    }
}
