package io.pushcap.pipeline.source;

import io.pushcap.PushcapException;
import io.pushcap.kafka.KafkaAdmin;
import io.pushcap.kafka.KafkaCounters;
import io.pushcap.kafka.KafkaLocation;
import io.pushcap.kafka.PacketHeaders;
import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.Packet;
import io.pushcap.pipeline.PacketSource;
import io.pushcap.pipeline.SourcePosition;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * An offline push from a topic ({@code push --offline kafka://HOST:PORT/TOPIC}): reads every
 * partition from its start to the end offset seen when the source opened (read_committed, so only
 * committed transactions of KAFKA targets), and merges the partitions in packet-time order (ties:
 * partition, then offset), so the splits are cut by packet time as from a capture file. Each
 * record must carry the {@link PacketHeaders}; one that does not is counted
 * ({@code pushcap_kafka_not_packet_total}), logged and skipped.
 *
 * <p>Position: {@code major} is the number of packets returned so far in merge order, which is
 * the same on every read of the same offsets; {@link #seek} back re-reads from the start.
 *
 * <p><b>Note:</b> single-threaded. Buffers up to {@value #QUEUE_LIMIT} records per partition
 * (more partitions are paused). A broker that stops answering for {@value #STALL_SECONDS} s makes
 * {@link #next} throw {@link IOException} (the target retries from its region start).
 */
public final class KafkaSource implements PacketSource {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaSource.class);
    private static final int QUEUE_LIMIT = 4096;
    private static final int STALL_SECONDS = 120;
    private static final int SNAPLEN = PacketHeaders.SNAPLEN;

    private final KafkaLocation where;
    private final String label;
    private final KafkaCounters counters;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions;
    /** Per partition number (partitions are 0..n-1): the end offset seen at open, and the records read so far. */
    private final long[] end;
    private final ArrayDeque<Entry>[] queues;
    private final int linkType;

    private long seq;
    private long visited;
    private long countedVisited;
    private boolean ended;
    private long lastTimestamp;
    private int warnedNotPacket;

    /**
     * A record as read, its packet headers parsed once ({@code meta} null: not a packet): the
     * merge compares the time of every partition's head for each packet, and looking headers up
     * by name there cost the worker more than the frames' copy.
     */
    private record Entry(ConsumerRecord<byte[], byte[]> record, PacketHeaders.Meta meta) {
        long timestampNanos() {
            return PacketHeaders.timestampNanos(meta, record.timestamp());
        }
    }

    @SuppressWarnings("unchecked")
    private KafkaSource(KafkaLocation where, String label, KafkaCounters counters, KafkaConsumer<byte[], byte[]> consumer,
                        List<TopicPartition> partitions, Map<TopicPartition, Long> end) throws IOException {
        this.where = where;
        this.label = label;
        this.counters = counters;
        this.consumer = consumer;
        this.partitions = partitions;
        this.end = new long[partitions.size()];
        this.queues = new ArrayDeque[partitions.size()];
        for (TopicPartition tp : partitions) {
            this.end[tp.partition()] = end.get(tp);
            this.queues[tp.partition()] = new ArrayDeque<>();
        }
        this.linkType = firstLinkType();
    }

    /**
     * Opens {@code where} for {@code label} (a target): checks the brokers and the topic, takes
     * the end offsets.
     *
     * @throws PushcapException when no broker resolves or answers, or the topic is missing
     */
    public static KafkaSource open(KafkaLocation where, String label, KafkaCounters counters) throws IOException {
        return open(where, java.util.Map.of(), label, counters);
    }

    /**
     * @param settings the target's {@code KafkaConsumer} settings (validated by the config); the
     *                 settings exactly-once depends on are set after them
     */
    public static KafkaSource open(KafkaLocation where, java.util.Map<String, String> settings, String label,
                                   KafkaCounters counters) throws IOException {
        int n = KafkaAdmin.check(label, where, false);
        Properties p = new Properties();
        p.putAll(settings);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, where.bootstrap());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 4096);
        p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "pushcap-" + label.replaceAll("[^A-Za-z0-9._-]", "_"));
        KafkaConsumer<byte[], byte[]> c;
        try {
            c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        } catch (KafkaException e) {
            throw KafkaAdmin.unresolvable(label, where, e);
        }
        try {
            List<TopicPartition> parts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                parts.add(new TopicPartition(where.topic(), i));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = new HashMap<>(c.endOffsets(parts, Duration.ofSeconds(KafkaAdmin.TIMEOUT_SECONDS)));
            return new KafkaSource(where, label, counters, c, parts, end);
        } catch (IOException | RuntimeException e) {
            c.close(Duration.ZERO);
            if (e instanceof KafkaException k) {
                throw new PushcapException(label + ": cannot read " + where + ": " + k.getMessage());
            }
            throw e;
        }
    }

    /** The link type of the first packet in merge order (Ethernet for a topic without packets). */
    private int firstLinkType() throws IOException {
        Entry e = peekPacket();
        return e == null ? LinkType.ETHERNET : e.meta().linkType();
    }

    /** The next packet record in merge order, not taken; non-packet records before it are skipped and counted. */
    private Entry peekPacket() throws IOException {
        while (true) {
            int p = headPartition();
            if (p < 0) {
                return null;
            }
            Entry e = queues[p].peekFirst();
            if (e.meta() != null) {
                return e;
            }
            queues[p].pollFirst();
            visited++;
            if (visited > countedVisited) {
                countedVisited = visited;
                counters.notPacket.increment();
                if (warnedNotPacket++ < 10) {
                    String msg = "record " + partitions.get(p) + "@" + e.record().offset() + " of " + where
                            + " is not a packet (it lacks the " + PacketHeaders.TIMESTAMP_NS + ", " + PacketHeaders.WIRE_LENGTH
                            + " or " + PacketHeaders.LINK_TYPE + " header, or has no value): skipped, counted in"
                            + " pushcap_kafka_not_packet_total";
                    LOG.error("{}: {}", label, msg);
                }
            }
        }
    }

    /**
     * The number of the partition whose head comes first (every unfinished partition has a head,
     * or is read until it does), or -1 when all are read to their end offsets.
     */
    private int headPartition() throws IOException {
        long lastProgress = System.nanoTime();
        while (starving()) {
            if (pollOnce() > 0) {
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > Duration.ofSeconds(STALL_SECONDS).toNanos()) {
                throw new IOException(where + ": no record for " + STALL_SECONDS + " s while reading to offsets "
                        + java.util.Arrays.toString(end));
            }
        }
        int best = -1;
        long bestTs = 0;
        for (int p = 0; p < queues.length; p++) {
            Entry e = queues[p].peekFirst();
            if (e != null && (best < 0 || e.timestampNanos() < bestTs)) {
                best = p;
                bestTs = e.timestampNanos();
            }
        }
        return best;
    }

    private boolean starving() throws IOException {
        for (int p = 0; p < queues.length; p++) {
            if (queues[p].isEmpty() && position(partitions.get(p)) < end[p]) {
                return true;
            }
        }
        return false;
    }

    /** One poll; returns the number of records kept (those below their partition's end offset). */
    private int pollOnce() throws IOException {
        List<TopicPartition> pause = new ArrayList<>();
        List<TopicPartition> resume = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            (queues[tp.partition()].size() >= QUEUE_LIMIT ? pause : resume).add(tp);
        }
        int got = 0;
        try {
            consumer.pause(pause);
            consumer.resume(resume);
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.offset() < end[r.partition()]) {
                    queues[r.partition()].addLast(new Entry(r, PacketHeaders.parse(r.headers(), r.value(), SNAPLEN)));
                    got++;
                }
            }
        } catch (KafkaException e) {
            counters.errors.increment();
            throw new IOException(where + ": " + e.getMessage(), e);
        }
        counters.readRecords.add(got);
        return got;
    }

    private long position(TopicPartition tp) throws IOException {
        try {
            return consumer.position(tp, Duration.ofSeconds(KafkaAdmin.TIMEOUT_SECONDS));
        } catch (KafkaException e) {
            counters.errors.increment();
            throw new IOException(where + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean next(Packet packet) throws IOException {
        Entry e = peekPacket();
        if (e == null) {
            ended = true;
            return false;
        }
        queues[e.record().partition()].pollFirst();
        visited++;
        countedVisited = Math.max(countedVisited, visited);
        seq++;
        PacketHeaders.fill(packet, e.record().value(), e.meta());
        lastTimestamp = e.meta().timestampNanos();
        return true;
    }

    @Override
    public boolean await(long timeoutNanos) {
        return false;
    }

    @Override
    public boolean ended() {
        return ended;
    }

    @Override
    public SourcePosition position() {
        return new SourcePosition(seq, 0, 0);
    }

    @Override
    public SourcePosition positionOfLast() {
        return new SourcePosition(seq - 1, 0, lastTimestamp);
    }

    @Override
    public void seek(SourcePosition position) throws IOException {
        if (position.major() < seq) {
            try {
                consumer.seekToBeginning(partitions);
            } catch (KafkaException e) {
                throw new IOException(where + ": " + e.getMessage(), e);
            }
            for (ArrayDeque<Entry> q : queues) {
                q.clear();
            }
            seq = 0;
            visited = 0;
            ended = false;
        }
        Packet skip = new Packet();
        while (seq < position.major()) {
            if (!next(skip)) {
                throw new IOException(where + ": cannot seek to packet " + position.major() + ": the topic holds " + seq);
            }
        }
    }

    @Override
    public long lostPackets() {
        return 0;
    }

    @Override
    public int linkType() {
        return linkType;
    }

    @Override
    public int snaplen() {
        return SNAPLEN;
    }

    @Override
    public String describe() {
        return where.toString();
    }

    @Override
    public void close() {
        // No group and no offsets to commit (assigned partitions, positions kept by the target):
        // nothing to wait for, and a waiting close took ~0.25 s at the end of every push.
        try {
            consumer.close(Duration.ZERO);
        } catch (KafkaException e) {
            LOG.debug("{}: closing the consumer of {}: {}", label, where, e.getMessage());
        }
    }
}
