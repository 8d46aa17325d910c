package io.pushcap.kafka;

import io.pushcap.metrics.Counter;
import io.pushcap.metrics.MetricsRegistry;

/**
 * The Kafka counters of one push target (label {@code target="DESC"}), under stable names
 * (docs/operations.md):
 * <ul>
 *   <li>{@code pushcap_kafka_sent_records_total}, {@code pushcap_kafka_sent_bytes_total}: packet records
 *       (and their frame bytes) in committed transactions of a KAFKA target;</li>
 *   <li>{@code pushcap_kafka_transactions_total{outcome="commit"|"abort"}}: transactions committed,
 *       and aborted after a failure (their packets are sent again); {@code outcome="hanging"}: transactions
 *       of an earlier producer that a partition still held open after its coordinator had ended them
 *       (a broker restart), aborted before the target wrote again;</li>
 *   <li>{@code pushcap_kafka_errors_total}: producer or consumer failures (each is retried);</li>
 *   <li>{@code pushcap_kafka_dropped_total{reason="too_big"}}: frames larger than the producer's
 *       {@code max.request.size} allows, not sent;</li>
 *   <li>{@code pushcap_kafka_read_records_total}: records a kafka:// source read;</li>
 *   <li>{@code pushcap_kafka_not_packet_total}: records of a kafka:// source without the packet
 *       headers (or with bad ones), skipped;</li>
 *   <li>{@code pushcap_kafka_lag_records{partition}} (gauge): records of an assigned partition that a
 *       live worker has not taken yet (Kafka's lag behind the partition's end, plus what is buffered).</li>
 * </ul>
 *
 * <p><b>Note:</b> single writer (the target's thread); readable from any thread.
 */
public final class KafkaCounters {
    public final Counter sentRecords;
    public final Counter sentBytes;
    public final Counter commits;
    public final Counter aborts;
    public final Counter hanging;
    public final Counter errors;
    public final Counter tooBig;
    public final Counter readRecords;
    public final Counter notPacket;
    private final MetricsRegistry metrics;
    private final String target;

    public KafkaCounters(MetricsRegistry m, String target) {
        this.metrics = m;
        this.target = target;
        String l = MetricsRegistry.labels("target", target);
        sentRecords = m.counter("pushcap_kafka_sent_records_total", "Packet records in committed Kafka transactions", l);
        sentBytes = m.counter("pushcap_kafka_sent_bytes_total", "Frame bytes of the packet records in committed Kafka transactions", l);
        commits = m.counter("pushcap_kafka_transactions_total", "Kafka transactions by outcome",
                MetricsRegistry.labels("target", target, "outcome", "commit"));
        aborts = m.counter("pushcap_kafka_transactions_total", "Kafka transactions by outcome",
                MetricsRegistry.labels("target", target, "outcome", "abort"));
        hanging = m.counter("pushcap_kafka_transactions_total", "Kafka transactions by outcome",
                MetricsRegistry.labels("target", target, "outcome", "hanging"));
        errors = m.counter("pushcap_kafka_errors_total", "Kafka producer or consumer failures (retried)", l);
        tooBig = m.counter("pushcap_kafka_dropped_total", "Packets a KAFKA target could not send, by reason",
                MetricsRegistry.labels("target", target, "reason", "too_big"));
        readRecords = m.counter("pushcap_kafka_read_records_total", "Records a kafka:// source read", l);
        notPacket = m.counter("pushcap_kafka_not_packet_total", "Records of a kafka:// source that are not packets, skipped", l);
    }

    /** Shows a live worker's lag on {@code partition} (the supplier is called from any thread). */
    public void lag(int partition, java.util.function.LongSupplier records) {
        metrics.gauge("pushcap_kafka_lag_records", "Records of an assigned partition a live Kafka worker has not taken yet",
                MetricsRegistry.labels("target", target, "partition", Integer.toString(partition)), records);
    }

    /** Removes the lag gauge of a partition that was taken away. */
    public void noLag(int partition) {
        metrics.removeGauges(MetricsRegistry.labels("target", target, "partition", Integer.toString(partition)));
    }
}
