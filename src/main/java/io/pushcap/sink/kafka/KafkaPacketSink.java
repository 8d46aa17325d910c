package io.pushcap.sink.kafka;

import io.pushcap.kafka.KafkaCounters;
import io.pushcap.kafka.KafkaLocation;
import io.pushcap.kafka.PacketHeaders;
import io.pushcap.pcap.Packet;
import io.pushcap.sink.PacketSink;
import io.pushcap.sink.SourceMark;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * {@code Mode = "KAFKA"}: each packet becomes one record of the target's topic (value = the
 * frame, timestamp = the packet's ms, {@link PacketHeaders}), keyed per {@link KeyMode}.
 *
 * <p>Exactly once: the producer is idempotent and transactional ({@code transactional.id} =
 * {@code pushcap/SENSOR/DESC/TOPIC}). Everything written between two {@link #flush(SourceMark)}s
 * is one transaction, and the flush adds the target's source position as a cursor record (key
 * {@code SENSOR/DESC}) in the compacted topic {@code TOPIC.pushcap-cursors} before committing:
 * the packets and the position become visible together or not at all. After a crash (or any
 * failure) a new producer's {@code initTransactions} aborts what the old one left open, and
 * {@link #committedMark()} reads the last committed cursor back (read_committed): the target
 * resumes exactly after the last committed packet.
 *
 * <p><b>Note:</b> used by one target thread. Producer errors become {@link IOException}s (the
 * runner retries) after the producer is closed; the next call starts a new one. A frame larger
 * than {@code max.request.size} is counted ({@code pushcap_kafka_dropped_total{reason="too_big"}})
 * and skipped, never sent. {@link #write} may block up to {@code max.block.ms} when the producer's
 * buffer is full or the brokers are away.
 */
final class KafkaPacketSink implements PacketSink {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaPacketSink.class);
    /** Record overhead (batch header, record header, pushcap headers) allowed for in the size check. */
    private static final int RECORD_HEADROOM = 512;
    /** How long reading the cursor back may wait for other producers' open transactions to end. */
    private static final int CURSOR_READ_SECONDS = 180;

    /** How records are keyed, so partitioned. */
    enum KeyMode { FLOW, NONE, SENSOR }

    private final String label;
    private final KafkaLocation where;
    private final Map<String, Object> settings;
    private final KeyMode keyMode;
    private final byte[] cursorKey;
    private final byte[] sensor;
    /** The same two headers on every record: made once, read (never changed) by the producer. */
    private final RecordHeader sensorHeader;
    private final RecordHeader ifaceHeader;
    /** One callback for every record, not a capturing lambda per send. */
    private final Callback onSent = (meta, error) -> {
        if (error != null && this.sendError == null) {
            this.sendError = error;
        }
    };
    private final int maxRequestSize;
    private final KafkaCounters counters;
    private final FlowKey flowKey = new FlowKey();

    private KafkaProducer<byte[], byte[]> producer;
    private boolean inTransaction;
    private long txRecords;
    private long txBytes;
    private long committed;
    private volatile Exception sendError;
    private boolean warnedTooBig;

    KafkaPacketSink(String label, KafkaLocation where, Map<String, Object> settings, KeyMode keyMode, String sensor,
                    String desc, String iface, int maxRequestSize, KafkaCounters counters) {
        this.label = label;
        this.where = where;
        this.settings = settings;
        this.keyMode = keyMode;
        this.cursorKey = (sensor + "/" + desc).getBytes(StandardCharsets.UTF_8);
        this.sensor = sensor.getBytes(StandardCharsets.UTF_8);
        this.sensorHeader = new RecordHeader(PacketHeaders.SENSOR, this.sensor);
        this.ifaceHeader = new RecordHeader(PacketHeaders.INTERFACE, iface.getBytes(StandardCharsets.UTF_8));
        this.maxRequestSize = maxRequestSize;
        this.counters = counters;
    }

    @Override
    public String kind() {
        return "kafka";
    }

    private void ensureProducer() throws IOException {
        if (producer != null) {
            return;
        }
        try {
            producer = new KafkaProducer<>(settings, new ByteArraySerializer(), new ByteArraySerializer());
            producer.initTransactions();
        } catch (KafkaException e) {
            throw failed("starting the transactional producer", e);
        }
        try {
            counters.hanging.add(HangingTransactions.abortAll(label, where,
                    String.valueOf(settings.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG))));
        } catch (IOException e) {
            counters.errors.increment();
            closeProducer();
            throw e;
        }
    }

    private void ensureTransaction() throws IOException {
        ensureProducer();
        if (!inTransaction) {
            try {
                producer.beginTransaction();
            } catch (KafkaException e) {
                throw failed("beginning a transaction", e);
            }
            inTransaction = true;
            txRecords = 0;
            txBytes = 0;
        }
    }

    @Override
    public void write(Packet packet) throws IOException {
        if (packet.caplen() + RECORD_HEADROOM > maxRequestSize) {
            counters.tooBig.increment();
            if (!warnedTooBig) {
                warnedTooBig = true;
                LOG.warn("{}: a {} byte frame does not fit max.request.size {} of {}: not sent (counted in"
                        + " pushcap_kafka_dropped_total{{reason=\"too_big\"}}); raise max.request.size in the Kafka table"
                        + " (and the topic's max.message.bytes)", label, packet.caplen(), maxRequestSize, where);
            }
            return;
        }
        Exception e = sendError;
        if (e != null) {
            throw failed("sending", e instanceof KafkaException k ? k : new KafkaException(e));
        }
        ensureTransaction();
        byte[] value = packet.data().toArray(ValueLayout.JAVA_BYTE);
        RecordHeaders h = new RecordHeaders();
        h.add(PacketHeaders.TIMESTAMP_NS, PacketHeaders.int64(packet.timestampNanos()));
        h.add(PacketHeaders.WIRE_LENGTH, PacketHeaders.int32(packet.wirelen()));
        h.add(PacketHeaders.LINK_TYPE, PacketHeaders.int32(packet.linkType()));
        h.add(sensorHeader);
        h.add(ifaceHeader);
        byte[] key = switch (keyMode) {
            case FLOW -> flowKey.of(packet);
            case SENSOR -> sensor;
            case NONE -> null;
        };
        try {
            producer.send(new ProducerRecord<>(where.topic(), null, Math.floorDiv(packet.timestampNanos(), 1_000_000L),
                    key, value, h), onSent);
        } catch (KafkaException ex) {
            throw failed("sending", ex);
        }
        txRecords++;
        txBytes += value.length;
    }

    @Override
    public void flush() throws IOException {
        commit(null);
    }

    @Override
    public void flush(SourceMark upTo) throws IOException {
        commit(upTo);
    }

    private void commit(SourceMark upTo) throws IOException {
        if (upTo == null && !inTransaction) {
            return;
        }
        ensureTransaction();
        try {
            if (upTo != null) {
                producer.send(new ProducerRecord<>(where.cursorTopic(), cursorKey, CursorRecords.encode(upTo)));
            }
            producer.commitTransaction();
        } catch (KafkaException e) {
            throw failed("committing a transaction of " + txRecords + " packets", e);
        }
        Exception e = sendError;
        if (e != null) {
            // commitTransaction throws when a send failed; this is a second guard.
            throw failed("sending", e instanceof KafkaException k ? k : new KafkaException(e));
        }
        inTransaction = false;
        counters.commits.increment();
        counters.sentRecords.add(txRecords);
        counters.sentBytes.add(txBytes);
        committed += txRecords;
        txRecords = 0;
        txBytes = 0;
    }

    @Override
    public SourceMark committedMark() throws IOException {
        // A new producer's initTransactions has aborted (or completed) what an earlier one left
        // open. The read goes to the high watermark, not to the read_committed end (the LSO):
        // another sensor's transaction open on the cursor partition holds the LSO below our last
        // cursor, and stopping there would resume from an older one and send a region twice.
        ensureProducer();
        KafkaConsumer<byte[], byte[]> c = null;
        KafkaConsumer<byte[], byte[]> hw = null;
        try {
            c = cursorConsumer("read_committed");
            hw = cursorConsumer("read_uncommitted");
            List<PartitionInfo> infos = c.partitionsFor(where.cursorTopic(), Duration.ofSeconds(60));
            if (infos == null || infos.isEmpty()) {
                // Not "no cursor": a broker that is starting may not know the topic yet, and
                // taking it as a fresh start would send committed packets again.
                throw new IOException(label + ": the cursor topic " + where.cursorTopic()
                        + " has no partitions in the brokers' metadata (yet); cannot tell where this target committed last");
            }
            List<TopicPartition> parts = infos.stream().map(i -> new TopicPartition(where.cursorTopic(), i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = hw.endOffsets(parts, Duration.ofSeconds(60));
            return readLastCursor(c, parts, end);
        } catch (KafkaException e) {
            counters.errors.increment();
            throw new IOException(label + ": reading the committed cursor from " + where.cursorTopic() + ": "
                    + e.getMessage(), e);
        } finally {
            closeAtOnce(hw);
            closeAtOnce(c);
        }
    }

    /**
     * Closes a cursor consumer without waiting: it has no group and commits nothing, so there is
     * nothing to finish, and the default close waited ~0.25 s per consumer at every start.
     */
    private static void closeAtOnce(KafkaConsumer<byte[], byte[]> consumer) {
        if (consumer != null) {
            try {
                consumer.close(CloseOptions.timeout(Duration.ZERO));
            } catch (KafkaException ignored) {
                // nothing of ours depends on a clean close of a read-only consumer
            }
        }
    }

    /** Polls (read_committed) until every partition's position reaches {@code end}; the last cursor of this target. */
    private SourceMark readLastCursor(KafkaConsumer<byte[], byte[]> c, List<TopicPartition> parts,
                                      Map<TopicPartition, Long> end) throws IOException {
        SourceMark last = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(CURSOR_READ_SECONDS).toNanos();
        while (parts.stream().anyMatch(tp -> c.position(tp, Duration.ofSeconds(60)) < end.get(tp))) {
            if (System.nanoTime() > deadline) {
                throw new IOException(label + ": reading the cursor topic " + where.cursorTopic() + " did not reach "
                        + end + " within " + CURSOR_READ_SECONDS + " s (a transaction of another producer stayed open"
                        + " on it; it ends at its transaction.timeout.ms)");
            }
            for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                if (Arrays.equals(r.key(), cursorKey)) {
                    SourceMark m = CursorRecords.decode(r.value());
                    last = m != null ? m : last;
                }
            }
        }
        return last;
    }

    private KafkaConsumer<byte[], byte[]> cursorConsumer(String isolation) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, where.bootstrap());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void abort() {
        if (inTransaction) {
            counters.aborts.increment();
            inTransaction = false;
        }
        // The next producer's initTransactions aborts whatever this one had open.
        closeProducer();
    }

    @Override
    public long packetsWritten() {
        return committed;
    }

    private IOException failed(String what, KafkaException e) {
        counters.errors.increment();
        if (inTransaction) {
            counters.aborts.increment();
            inTransaction = false;
        }
        closeProducer();
        String why = e instanceof ProducerFencedException || e instanceof InvalidProducerEpochException
                ? "another push of this target (same sensor, Desc and topic) took over its transactional id: "
                : "";
        return new IOException(where + ": " + what + ": " + why + e.getMessage(), e);
    }

    private void closeProducer() {
        sendError = null;
        txRecords = 0;
        txBytes = 0;
        if (producer != null) {
            try {
                producer.close(Duration.ZERO);
            } catch (KafkaException ignored) {
                // closing a failed producer: its transaction is aborted by the next one anyway
            }
            producer = null;
        }
    }

    @Override
    public void close() {
        abort();
    }

    /** The producer settings pushcap fixes, under the user's. */
    static Map<String, Object> settings(KafkaLocation where, String transactionalId, Map<String, String> user) {
        Map<String, Object> s = new java.util.HashMap<>();
        // Flow keys spread a region over every partition, so each partition's batch fills at
        // 1/N of the rate: a longer linger and larger batches give the broker fewer, fuller
        // batches (bench/kafka.sh: broker CPU about a third lower). 20 ms is invisible next to
        // the 100 ms commits; 512 KiB stays well under the brokers' 1 MiB message.max.bytes.
        s.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        s.put(ProducerConfig.BATCH_SIZE_CONFIG, "524288");
        s.putAll(user);
        s.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, where.bootstrap());
        s.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        s.put(ProducerConfig.ACKS_CONFIG, "all");
        s.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        return s;
    }
}
