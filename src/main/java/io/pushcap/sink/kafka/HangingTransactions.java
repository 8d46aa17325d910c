package io.pushcap.sink.kafka;

import io.pushcap.PushcapException;
import io.pushcap.kafka.KafkaAdmin;
import io.pushcap.kafka.KafkaLocation;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Finds and aborts a <em>hanging</em> transaction of a KAFKA target: records of an earlier
 * epoch of its producer id that a partition still holds as open although the coordinator has
 * ended that transaction.
 *
 * <p>Why: when a broker is killed mid-transaction and restarts, its coordinator can time the
 * transaction out and record it as aborted without the abort markers reaching the partitions
 * (seen in {@code KafkaPushIT}'s broker restart: {@code CompleteAbort} in the transaction log, no
 * marker in either data partition). The partition then keeps the old records open, and the next
 * transaction of the same producer id ends them with its <em>commit</em> marker: the aborted
 * region becomes visible, and the target, which resumes from its last committed cursor, sends it
 * again. Aborting the hanging transaction (as {@code kafka-transactions.sh find-hanging} /
 * {@code abort} would) before the first write of a new producer closes that hole.
 *
 * <p><b>Note:</b> called on the target's thread right after {@code initTransactions}, before
 * anything is written; blocks up to 30 s per admin call. Failures become {@link IOException}s
 * (the target retries).
 */
final class HangingTransactions {
    private static final Logger LOG = LoggerFactory.getLogger(HangingTransactions.class);
    private static final int TIMEOUT_SECONDS = 30;

    private HangingTransactions() {
    }

    /** Aborts every open transaction of {@code transactionalId}'s producer on the topic and cursor topic; returns how many. */
    static int abortAll(String label, KafkaLocation where, String transactionalId) throws IOException {
        try (Admin admin = KafkaAdmin.open(label, where)) {
            TransactionDescription tx = admin.describeTransactions(List.of(transactionalId)).description(transactionalId)
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<TopicPartition> parts = new ArrayList<>();
            for (String topic : List.of(where.topic(), where.cursorTopic())) {
                try {
                    admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic)
                            .partitions().forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) {
                        throw e;
                    }
                    // Nothing can be open on a topic that does not exist; reading the cursor says so.
                }
            }
            Map<TopicPartition, org.apache.kafka.clients.admin.DescribeProducersResult.PartitionProducerState> states =
                    admin.describeProducers(parts).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            int aborted = 0;
            for (var e : states.entrySet()) {
                for (ProducerState s : e.getValue().activeProducers()) {
                    if (s.producerId() != tx.producerId() || s.currentTransactionStartOffset().isEmpty()) {
                        continue;
                    }
                    // Right after initTransactions this producer has nothing open: whatever a
                    // partition holds open for it is left over from an ended transaction.
                    LOG.warn("{}: {} holds a transaction of this target open since offset {} (producer {} epoch {}),"
                                    + " which its coordinator has ended: aborting it, so that a later commit cannot make"
                                    + " those records visible", label, e.getKey(), s.currentTransactionStartOffset().getAsLong(),
                            s.producerId(), s.producerEpoch());
                    admin.abortTransaction(new AbortTransactionSpec(e.getKey(), s.producerId(), (short) s.producerEpoch(),
                            s.coordinatorEpoch().orElse(-1))).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    aborted++;
                }
            }
            return aborted;
        } catch (PushcapException e) {
            throw new IOException(e.getMessage(), e);
        } catch (ExecutionException | KafkaException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new IOException(label + ": checking " + where + " for open transactions left behind: " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new IOException(label + ": checking " + where + " for open transactions left behind took over "
                    + TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(label + ": interrupted while checking " + where + " for open transactions", e);
        }
    }
}
