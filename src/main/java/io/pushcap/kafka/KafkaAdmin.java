package io.pushcap.kafka;

import io.pushcap.PushcapException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Start-up checks against the brokers of a {@link KafkaLocation}: that a bootstrap server
 * resolves and answers, that the topic exists (its partitions), and that the cursor topic exists
 * (created compacted when missing). Failures are {@link PushcapException}s naming the URL and
 * what to do, so a push with a bad Path or Source stops before reading a packet.
 *
 * <p><b>Note:</b> each call opens and closes its own admin client; blocks up to
 * {@link #TIMEOUT_SECONDS} per request.
 */
public final class KafkaAdmin {
    public static final int TIMEOUT_SECONDS = 30;

    private KafkaAdmin() {
    }

    /** Admin/producer/consumer creation fails at once when no bootstrap host resolves. */
    public static PushcapException unresolvable(String context, KafkaLocation where, KafkaException e) {
        return new PushcapException(context + ": cannot reach " + where + ": no bootstrap server resolves ("
                + where.bootstrap() + "; " + rootMessage(e) + "); check the host names in the URL");
    }

    static String rootMessage(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage();
    }

    /**
     * An admin client for {@code where} with this class's timeouts (close it).
     *
     * @throws PushcapException when a broker's host name cannot be resolved
     */
    public static Admin open(String context, KafkaLocation where) {
        return open(context, where, TIMEOUT_SECONDS);
    }

    private static Admin open(String context, KafkaLocation where, int timeoutSeconds) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, where.bootstrap());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutSeconds * 1000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutSeconds * 1000);
        try {
            return Admin.create(p);
        } catch (KafkaException e) {
            throw unresolvable(context, where, e);
        }
    }

    /**
     * The topic's partition count; with {@code cursors}, also makes sure the cursor topic exists.
     *
     * @throws PushcapException when the brokers do not answer or the topic is missing
     */
    public static int check(String context, KafkaLocation where, boolean cursors) {
        return check(context, where, cursors, TIMEOUT_SECONDS);
    }

    /** {@link #check(String, KafkaLocation, boolean)} with another timeout (tests of dead brokers). */
    static int check(String context, KafkaLocation where, boolean cursors, int timeoutSeconds) {
        try (Admin admin = open(context, where, timeoutSeconds)) {
            int partitions;
            try {
                TopicDescription d = admin.describeTopics(List.of(where.topic())).allTopicNames()
                        .get(timeoutSeconds, TimeUnit.SECONDS).get(where.topic());
                partitions = d.partitions().size();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    throw new PushcapException(context + ": topic '" + where.topic() + "' does not exist on " + where
                            + " (create it, e.g. kafka-topics.sh --bootstrap-server " + where.bootstrap()
                            + " --create --topic " + where.topic() + " --partitions N --config retention.ms=-1)");
                }
                if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                    // The client's own API timeout, equal to ours: whichever fires first, one message.
                    throw noAnswer(context, where, timeoutSeconds);
                }
                throw new PushcapException(context + ": " + where + ": " + rootMessage(e));
            } catch (TimeoutException e) {
                throw noAnswer(context, where, timeoutSeconds);
            }
            if (cursors) {
                ensureCursorTopic(context, admin, where, timeoutSeconds);
            }
            return partitions;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PushcapException(context + ": interrupted while checking " + where);
        }
    }

    private static PushcapException noAnswer(String context, KafkaLocation where, int timeoutSeconds) {
        return new PushcapException(context + ": no broker of " + where + " answered within " + timeoutSeconds
                + " s (is Kafka running at " + where.bootstrap() + "?)");
    }

    private static void ensureCursorTopic(String context, Admin admin, KafkaLocation where, int timeoutSeconds)
            throws InterruptedException {
        try {
            int nodes = admin.describeCluster().nodes().get(timeoutSeconds, TimeUnit.SECONDS).size();
            admin.createTopics(List.of(new NewTopic(where.cursorTopic(), 1, (short) Math.min(3, Math.max(1, nodes)))
                    .configs(Map.of("cleanup.policy", "compact", "retention.ms", "-1"))))
                    .all().get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw slowCursorTopic(context, where, timeoutSeconds);
            }
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new PushcapException(context + ": cannot create the cursor topic '" + where.cursorTopic() + "' on "
                        + where.bootstrap() + ": " + rootMessage(e) + " (create it: compacted, 1 partition)");
            }
        } catch (TimeoutException e) {
            throw slowCursorTopic(context, where, timeoutSeconds);
        }
    }

    private static PushcapException slowCursorTopic(String context, KafkaLocation where, int timeoutSeconds) {
        return new PushcapException(context + ": creating the cursor topic '" + where.cursorTopic() + "' took longer than "
                + timeoutSeconds + " s");
    }
}
