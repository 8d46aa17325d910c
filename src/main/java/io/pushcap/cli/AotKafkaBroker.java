package io.pushcap.cli;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A throw-away single-node Kafka broker (KRaft) for the AOT training of Kafka pushes
 * ({@link AotTraining}, {@code kafka}): with it the training runs a real sensor push and a real
 * worker push, so the cache holds the JIT profiles of the client's hot paths (the producer's
 * {@code RecordAccumulator}, the consumer's fetch parsing), not only its classes. A push that
 * starts from such profiles compiles its hot paths once, early, instead of compiling, trapping and
 * recompiling them while it sends (docs/scale-out.md, "Measured").
 *
 * <p>It runs {@code kafka.Kafka} as a separate JVM from the classpath that the build writes to
 * {@code target/test-tools/kafka.classpath} (the jars the tests start their broker from), on two
 * free loopback ports, with its data in the training's work directory.
 *
 * <p><b>Note:</b> for the training run only; not thread-safe. {@link #start} throws
 * {@link IOException} when the classpath is missing or the broker does not answer within
 * {@link #READY_SECONDS}; the caller then trains without it. {@link #close()} kills the broker.
 */
final class AotKafkaBroker implements AutoCloseable {
    static final String CLASSPATH_FILE = "target/test-tools/kafka.classpath";
    static final int READY_SECONDS = 90;

    private final Path dir;
    private final int port;
    private final Process process;
    /** One client for the readiness checks and the topic: each Admin starts threads and connections. */
    private final Admin admin;

    private AotKafkaBroker(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
        this.admin = Admin.create(p);
    }

    /** Formats a broker's storage under {@code dir}, starts it, and returns once it answers. */
    static AotKafkaBroker start(Path home, Path dir) throws IOException, InterruptedException {
        Path cpFile = home.resolve(CLASSPATH_FILE);
        if (!Files.isRegularFile(cpFile)) {
            throw new IOException(cpFile + " is missing");
        }
        String classpath = Files.readString(cpFile).strip();
        int port = freePort();
        int controller = freePort();
        Files.createDirectories(dir.resolve("data"));
        Path props = dir.resolve("server.properties");
        Files.writeString(props, String.join("\n",
                "process.roles=broker,controller", "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controller,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER", "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("data"), "auto.create.topics.enable=false",
                "offsets.topic.replication.factor=1", "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=1", "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=1", "group.initial.rebalance.delay.ms=0",
                "log.retention.ms=-1", ""));
        // The broker logs through logback (on its classpath); without a file it would log at DEBUG.
        Path logback = dir.resolve("logback.xml");
        Files.writeString(logback, "<configuration><appender name=\"F\" class=\"ch.qos.logback.core.FileAppender\">"
                + "<file>" + dir.resolve("broker.log") + "</file><encoder><pattern>%d %-5level %logger{30} %msg%n</pattern>"
                + "</encoder></appender><root level=\"WARN\"><appender-ref ref=\"F\"/></root></configuration>\n");
        Process format = new ProcessBuilder(java(classpath, logback, "kafka.tools.StorageTool", "format", "-t",
                UUID.randomUUID().toString().replace("-", "").substring(0, 22), "-c", props.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("format.log").toFile()).start();
        if (!format.waitFor(READY_SECONDS, TimeUnit.SECONDS) || format.exitValue() != 0) {
            format.destroyForcibly();
            throw new IOException("kafka StorageTool format failed (see " + dir.resolve("format.log") + ")");
        }
        Process broker = new ProcessBuilder(java(classpath, logback, "kafka.Kafka", props.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("broker.out").toFile()).start();
        AotKafkaBroker b = new AotKafkaBroker(dir, port, broker);
        try {
            b.awaitReady();
            return b;
        } catch (IOException | InterruptedException | RuntimeException e) {
            b.close();
            throw e;
        }
    }

    private static List<String> java(String classpath, Path logback, String main, String... args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        // C1 only and a small serial heap: the broker serves one short training run.
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dlogback.configurationFile=" + logback, "-cp", classpath, main));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_SECONDS);
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("the training broker exited " + process.exitValue() + " (see "
                        + dir.resolve("broker.out") + ")");
            }
            try {
                // Blocks up to 5 s per attempt while the broker is not up yet: no busy loop.
                admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("the training broker did not answer on " + bootstrap() + " within "
                            + READY_SECONDS + " s");
                }
            }
        }
    }

    /** Creates {@code topic} with {@code partitions} partitions, as an operator would for pushcap. */
    void createTopic(String topic, int partitions) throws IOException, InterruptedException {
        try {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)
                    .configs(Map.of("retention.ms", "-1")))).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("cannot create topic " + topic + ": " + e.getMessage(), e);
        }
    }

    String bootstrap() {
        return "127.0.0.1:" + port;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        admin.close(java.time.Duration.ofSeconds(1));
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
