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
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A live target's topic ({@code Source = "kafka://HOST:PORT/TOPIC"}, {@code Group = "NAME"}): a
 * member of the consumer group, following the partitions Kafka assigns it (read_committed), merged
 * in packet-time order. A partition without a buffered record holds the merge back until the
 * consumer knows it is read to its end (lag 0), and then for at most {@value #GRACE_MILLIS} ms
 * more, so a quiet partition does not stop the others but an unread one cannot be overtaken.
 *
 * <p>Offsets are committed only in {@link #committed(SourcePosition)}, which the target calls
 * once the split holding the packets before that position is published, and before the target
 * saves its cursor (a failed commit keeps the cursor back): a worker killed mid-split restarts at
 * the start of that split and produces it again under the same name. A
 * rebalance that takes partitions away makes {@link #next} fail once: the target aborts its open
 * split and {@link #seek}s back, which restarts every assigned partition at its committed offset.
 *
 * <p>Position: {@code major} counts packets returned; the per-partition offsets of the positions
 * handed out are kept until committed. The link type (for filters and the output's header) is
 * that of the newest packet in the topic when the worker starts, Ethernet for a topic without
 * packets ({@link #newestLinkType}); packets of another link type are the target's "linktype"
 * drops (or kept, in pcapng output).
 *
 * <p><b>Note:</b> single-threaded (the target's thread; the rebalance callbacks run inside its
 * polls).
 */
public final class KafkaGroupSource implements PacketSource {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaGroupSource.class);
    private static final long GRACE_MILLIS = 200;
    private static final int QUEUE_LIMIT = 4096;
    /** Records read back from the end of each partition to find the newest packet's link type. */
    private static final int PROBE_RECORDS = 64;
    private static final int SNAPLEN = PacketHeaders.SNAPLEN;

    /** A record as read, its packet headers parsed once ({@code meta} null: not a packet). */
    private record Buffered(ConsumerRecord<byte[], byte[]> record, long arrivalNanos, PacketHeaders.Meta meta)
            implements TimeMerge.Head {
        @Override
        public long timestampNanos() {
            return PacketHeaders.timestampNanos(meta, record.timestamp());
        }
    }

    private final KafkaLocation where;
    private final String group;
    private final String label;
    private final KafkaCounters counters;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<TopicPartition, ArrayDeque<Buffered>> queues = new LinkedHashMap<>();
    /** Per assigned partition: the offset after the last record taken (where a restart would begin). */
    private final Map<TopicPartition, Long> next = new HashMap<>();
    private final TreeMap<Long, Map<TopicPartition, Long>> positions = new TreeMap<>();
    /** Per assigned partition: where it started when assigned (its committed offset, or the earliest). */
    private final Map<TopicPartition, Long> assignedAt = new HashMap<>();
    /** Per assigned partition: records not taken yet, for the lag gauge (read by the metrics thread). */
    private final Map<TopicPartition, Long> lag = new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * Assigned partitions the consumer knows to be read to their end (lag 0 at the last fetch).
     * Only these may be passed over after the grace: a partition whose records have not been
     * fetched yet (just assigned, or behind) holds the merge, else its older packets would reach
     * the splitter after a later split was published, and a restart would not reproduce the splits.
     */
    private final java.util.Set<TopicPartition> caughtUp = new java.util.HashSet<>();

    private long seq;
    private TopicPartition lastPartition;
    private long lastOffset;
    private long lastTimestamp;
    private boolean revoked;
    private int warnedNotPacket;
    private int linkType = LinkType.ETHERNET;

    private KafkaGroupSource(KafkaLocation where, String group, String label, KafkaCounters counters,
                             KafkaConsumer<byte[], byte[]> consumer) {
        this.where = where;
        this.group = group;
        this.label = label;
        this.counters = counters;
        this.consumer = consumer;
    }

    /** Checks the brokers and the topic and joins the group (the assignment comes with the first polls). */
    public static KafkaGroupSource open(KafkaLocation where, String group, String label, KafkaCounters counters) {
        return open(where, group, Map.of(), label, counters);
    }

    /**
     * @param settings the target's {@code KafkaConsumer} settings (validated by the config); the
     *                 settings exactly-once depends on are set after them, so they cannot be overridden
     */
    public static KafkaGroupSource open(KafkaLocation where, String group, Map<String, String> settings, String label,
                                        KafkaCounters counters) {
        KafkaAdmin.check(label, where, false);
        Properties p = new Properties();
        p.putAll(settings);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, where.bootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 4096);
        KafkaConsumer<byte[], byte[]> c;
        try {
            c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        } catch (KafkaException e) {
            throw KafkaAdmin.unresolvable(label, where, e);
        }
        KafkaGroupSource s = new KafkaGroupSource(where, group, label, counters, c);
        try {
            s.linkType = newestLinkType(where, settings, label);
        } catch (KafkaException e) {
            c.close(Duration.ZERO);
            throw new PushcapException(label + ": cannot read " + where + " for its link type: " + e.getMessage());
        }
        try {
            c.subscribe(List.of(where.topic()), s.listener());
        } catch (KafkaException e) {
            c.close(Duration.ZERO);
            throw new PushcapException(label + ": cannot join group '" + group + "' on " + where + ": " + e.getMessage());
        }
        return s;
    }

    private ConsumerRebalanceListener listener() {
        return new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                if (!partitions.isEmpty()) {
                    LOG.info("{}: group '{}' took {} away; the open split is produced again from committed offsets",
                            label, group, partitions);
                    revoked = true;
                }
                partitions.forEach(tp -> {
                    queues.remove(tp);
                    next.remove(tp);
                    assignedAt.remove(tp);
                    lag.remove(tp);
                    caughtUp.remove(tp);
                    counters.noLag(tp.partition());
                });
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                for (TopicPartition tp : partitions) {
                    queues.put(tp, new ArrayDeque<>());
                    long at = consumer.position(tp);
                    next.put(tp, at);
                    assignedAt.put(tp, at);
                    counters.lag(tp.partition(), () -> lag.getOrDefault(tp, 0L));
                }
                LOG.info("{}: group '{}' assigned {}", label, group, partitions);
            }
        };
    }

    private void poll(Duration timeout) throws IOException {
        try {
            List<TopicPartition> full = queues.entrySet().stream().filter(e -> e.getValue().size() >= QUEUE_LIMIT)
                    .map(Map.Entry::getKey).toList();
            consumer.pause(full);
            consumer.resume(queues.keySet().stream().filter(tp -> !full.contains(tp)).toList());
            long now = System.nanoTime();
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
                ArrayDeque<Buffered> q = queues.get(new TopicPartition(r.topic(), r.partition()));
                if (q != null) {
                    q.addLast(new Buffered(r, now, PacketHeaders.parse(r.headers(), r.value(), SNAPLEN)));
                    counters.readRecords.increment();
                }
            }
            for (Map.Entry<TopicPartition, ArrayDeque<Buffered>> e : queues.entrySet()) {
                java.util.OptionalLong behind = consumer.currentLag(e.getKey());
                if (behind.isPresent()) {
                    lag.put(e.getKey(), behind.getAsLong() + e.getValue().size());
                }
                if (behind.isPresent() && behind.getAsLong() == 0) {
                    caughtUp.add(e.getKey());
                } else {
                    caughtUp.remove(e.getKey());
                }
            }
        } catch (KafkaException e) {
            counters.errors.increment();
            throw new IOException(where + " (group " + group + "): " + e.getMessage(), e);
        }
    }

    @Override
    public boolean next(Packet packet) throws IOException {
        if (anyQueueEmpty()) {
            poll(Duration.ZERO);
        }
        if (revoked) {
            throw new io.pushcap.pipeline.RegionLost("partitions of " + where + " were reassigned in group '" + group
                    + "' (rebalance): producing the open split again from the committed offsets");
        }
        while (true) {
            TopicPartition best = TimeMerge.pick(queues, caughtUp, System.nanoTime(),
                    TimeUnit.MILLISECONDS.toNanos(GRACE_MILLIS));
            if (best == null) {
                return false;
            }
            Buffered head = queues.get(best).pollFirst();
            ConsumerRecord<byte[], byte[]> r = head.record();
            if (head.meta() == null) {
                next.put(best, r.offset() + 1);
                counters.notPacket.increment();
                if (warnedNotPacket++ < 10) {
                    LOG.error("{}: record {}@{} of {} is not a packet (it lacks the pushcap.ts_ns, pushcap.wirelen or"
                            + " pushcap.linktype header, or has no value): skipped, counted in"
                            + " pushcap_kafka_not_packet_total", label, best, r.offset(), where);
                }
                continue;
            }
            lastPartition = best;
            lastOffset = r.offset();
            next.put(best, r.offset() + 1);
            seq++;
            PacketHeaders.fill(packet, r.value(), head.meta());
            lastTimestamp = head.timestampNanos();
            return true;
        }
    }

    private boolean anyQueueEmpty() {
        if (queues.isEmpty()) {
            return true;
        }
        for (ArrayDeque<Buffered> q : queues.values()) {
            if (q.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean await(long timeoutNanos) throws IOException {
        poll(Duration.ofNanos(Math.min(timeoutNanos, TimeUnit.MILLISECONDS.toNanos(GRACE_MILLIS))));
        return true;
    }

    @Override
    public boolean ended() {
        return false;
    }

    @Override
    public SourcePosition position() {
        positions.put(seq, new HashMap<>(next));
        return new SourcePosition(seq, 0, 0);
    }

    @Override
    public SourcePosition positionOfLast() {
        Map<TopicPartition, Long> before = new HashMap<>(next);
        if (lastPartition != null && before.containsKey(lastPartition)) {
            before.put(lastPartition, lastOffset);
        }
        positions.put(seq - 1, before);
        return new SourcePosition(seq - 1, 0, lastTimestamp);
    }

    @Override
    public java.util.SortedMap<Integer, Long> partitionLag() {
        java.util.SortedMap<Integer, Long> m = new java.util.TreeMap<>();
        lag.forEach((tp, n) -> m.put(tp.partition(), n));
        return m;
    }

    @Override
    public boolean committed(SourcePosition upTo) {
        Map<TopicPartition, Long> offsets = positions.get(upTo.major());
        positions.headMap(upTo.major()).clear();
        if (offsets == null) {
            return true;
        }
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        offsets.forEach((tp, off) -> {
            if (next.containsKey(tp)) {
                commit.put(tp, new OffsetAndMetadata(off));
            }
        });
        try {
            consumer.commitSync(commit, Duration.ofSeconds(KafkaAdmin.TIMEOUT_SECONDS));
            return true;
        } catch (KafkaException e) {
            counters.errors.increment();
            LOG.warn("{}: committing offsets {} of group '{}' failed: {} (a restart produces the same splits again)",
                    label, commit, group, e.getMessage());
            return false;
        }
    }

    @Override
    public void seek(SourcePosition position) throws IOException {
        Map<TopicPartition, Long> offsets = revoked ? null : positions.get(position.major());
        try {
            if (revoked) {
                // After a rebalance: every assigned partition starts again at the group's committed offset.
                Map<TopicPartition, OffsetAndMetadata> c = consumer.committed(queues.keySet(),
                        Duration.ofSeconds(KafkaAdmin.TIMEOUT_SECONDS));
                offsets = new HashMap<>();
                for (TopicPartition tp : queues.keySet()) {
                    OffsetAndMetadata o = c.get(tp);
                    if (o != null) {
                        offsets.put(tp, o.offset());
                    } else {
                        consumer.seekToBeginning(List.of(tp));
                        offsets.put(tp, consumer.position(tp));
                    }
                }
                revoked = false;
                positions.clear();
            }
            if (offsets == null) {
                // A position of an earlier process (the target's cursor file): the group's committed
                // offsets already stand there.
                seq = position.major();
                return;
            }
            // A partition assigned after the position was taken goes back to where it was assigned.
            for (Map.Entry<TopicPartition, ArrayDeque<Buffered>> e : queues.entrySet()) {
                Long off = offsets.getOrDefault(e.getKey(), assignedAt.get(e.getKey()));
                if (off != null) {
                    consumer.seek(e.getKey(), off);
                    e.getValue().clear();
                    next.put(e.getKey(), off);
                }
            }
        } catch (KafkaException e) {
            counters.errors.increment();
            throw new IOException(where + " (group " + group + "): " + e.getMessage(), e);
        }
        seq = position.major();
    }

    @Override
    public long lostPackets() {
        return 0;
    }

    @Override
    public int linkType() {
        return linkType;
    }

    /**
     * The link type of the newest packet record among the last records of every partition, or
     * Ethernet when the topic holds none: filters are compiled before the group hands out any
     * partition, and a topic carries what its sensors capture, which rarely changes.
     */
    static int newestLinkType(KafkaLocation where, Map<String, String> settings, String label) {
        Properties p = new Properties();
        p.putAll(settings);
        p.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, where.bootstrap());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(where.topic(), Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(where.topic(), i.partition())).toList();
            Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(30));
            Map<TopicPartition, Long> begin = c.beginningOffsets(parts, Duration.ofSeconds(30));
            List<TopicPartition> filled = parts.stream().filter(tp -> end.get(tp) > begin.get(tp)).toList();
            c.assign(filled);
            // The last offsets of a transactional topic are commit markers: look a little further back.
            filled.forEach(tp -> c.seek(tp, Math.max(begin.get(tp), end.get(tp) - PROBE_RECORDS)));
            long newest = Long.MIN_VALUE;
            Integer found = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (filled.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    PacketHeaders.Meta m = PacketHeaders.parse(r.headers(), r.value(), SNAPLEN);
                    if (m != null && r.timestamp() >= newest) {
                        newest = r.timestamp();
                        found = m.linkType();
                    }
                }
            }
            int chosen = found == null ? LinkType.ETHERNET : found;
            LOG.info("{}: link type {} ({}), {}", label, LinkType.name(chosen), chosen, found == null
                    ? "as " + where + " holds no packets yet" : "that of the newest packet in " + where);
            return chosen;
        }
    }

    @Override
    public int snaplen() {
        return SNAPLEN;
    }

    @Override
    public String describe() {
        return where + " (group " + group + ")";
    }

    @Override
    public void close() {
        try {
            consumer.close(Duration.ofSeconds(5));
        } catch (KafkaException e) {
            LOG.debug("{}: closing the consumer of {}: {}", label, where, e.getMessage());
        }
    }
}
