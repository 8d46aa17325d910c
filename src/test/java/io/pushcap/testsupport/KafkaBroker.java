package io.pushcap.testsupport;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A single-node Kafka 4.4 KRaft broker (broker and controller in one process), run from the
 * Maven jars as a separate JDK process, as {@link S3ProxyServer} runs S3Proxy: the pom's
 * {@code kafka-classpath} execution writes the classpath of {@code org.apache.kafka:kafka_2.13}
 * to {@code target/test-tools/kafka.classpath}. {@link #start(Path)} formats the storage
 * ({@code kafka.tools.StorageTool format}) and runs {@code kafka.Kafka server.properties} on two
 * free loopback ports, with replication factors 1 (offsets, transactions) and time retention off
 * ({@code log.retention.ms=-1}: replayed captures carry old timestamps). {@link #kill()} and
 * {@link #restart()} simulate a crash and the broker's return on the same ports and data.
 *
 * <p><b>Note:</b> one instance per test class (start-up takes a few seconds); not thread-safe.
 * Its log is {@code broker.log} in the directory given.
 */
public final class KafkaBroker implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final int controllerPort;
    private Process process;

    private KafkaBroker(Path dir, int port, int controllerPort) {
        this.dir = dir;
        this.port = port;
        this.controllerPort = controllerPort;
    }

    /** Formats a new broker's storage under {@code dir} and starts it; returns once it answers. */
    public static KafkaBroker start(Path dir) throws IOException {
        int port = S3ProxyServer.freePort();
        int controller = S3ProxyServer.freePort();
        while (controller == port) {
            controller = S3ProxyServer.freePort();
        }
        KafkaBroker b = new KafkaBroker(dir, port, controller);
        b.format();
        b.launch();
        return b;
    }

    private static KafkaBroker shared;

    /**
     * One broker for the unit tests of a JVM, started on first use (a start costs 10-20 s) and
     * killed when the JVM exits. Tests that share it use their own topics.
     */
    public static synchronized KafkaBroker shared() throws IOException {
        if (shared == null) {
            Path dir = Files.createTempDirectory("pushcap-kafka-");
            KafkaBroker b = start(dir);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                b.close();
                deleteQuietly(dir);
            }));
            shared = b;
        }
        return shared;
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind
        }
    }

    /** host:port for {@code bootstrap.servers} and {@code kafka://} URLs. */
    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** {@code kafka://127.0.0.1:PORT/topic}. */
    public String url(String topic) {
        return "kafka://" + bootstrap() + "/" + topic;
    }

    private static String classpath() throws IOException {
        String tools = System.getProperty("pushcap.testTools", "target/test-tools");
        Path cp = Path.of(tools, "kafka.classpath");
        if (!Files.exists(cp)) {
            throw new AssertionError("Kafka classpath missing at " + cp + " (mvn generate-test-resources writes it)");
        }
        return Files.readString(cp).strip();
    }

    private Path properties() throws IOException {
        Path props = dir.resolve("server.properties");
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(props, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                "num.partitions=1",
                "auto.create.topics.enable=false",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=3",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=3",
                "group.initial.rebalance.delay.ms=0",
                "log.retention.ms=-1",
                // Abort timed-out transactions within a second (default 10 s): tests of open
                // transactions wait for it.
                "transaction.abort.timed.out.transaction.cleanup.interval.ms=1000",
                "") );
        Path logback = dir.resolve("logback.xml");
        Files.writeString(logback, """
                <configuration>
                  <appender name="F" class="ch.qos.logback.core.FileAppender">
                    <file>%s</file>
                    <encoder><pattern>%%d{HH:mm:ss.SSS} %%-5level %%logger{30} %%msg%%n</pattern></encoder>
                  </appender>
                  <root level="INFO"><appender-ref ref="F"/></root>
                  <logger name="org.apache.kafka.clients" level="WARN"/>
                </configuration>
                """.formatted(dir.resolve("broker.log")));
        return props;
    }

    /** Run through ParentWatch: the broker ends with this JVM, even a killed one. */
    private List<String> java(String main, String... args) throws IOException {
        return ParentWatch.command(List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dlogback.configurationFile=" + dir.resolve("logback.xml")), classpath(), main, args);
    }

    private void format() throws IOException {
        Path props = properties();
        Process p = new ProcessBuilder(java("kafka.tools.StorageTool", "format", "-t", UUID.randomUUID().toString()
                .replace("-", "").substring(0, 22), "-c", props.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("format.log").toFile()))
                .start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new AssertionError("kafka StorageTool format failed: " + Files.readString(dir.resolve("format.log")));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private void launch() throws IOException {
        process = new ProcessBuilder(java("kafka.Kafka", dir.resolve("server.properties").toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.out").toFile()))
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionError("Kafka broker exited " + process.exitValue() + ": "
                        + Files.readString(dir.resolve("broker.out")));
            }
            try (Admin admin = admin()) {
                // Ready once the broker answers metadata requests (the controller has elected itself).
                admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    kill();
                    throw new AssertionError("Kafka broker did not answer on " + bootstrap() + " within 120 s", e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
    }

    /** An admin client (close it). */
    public Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
        return Admin.create(p);
    }

    /** Creates {@code topic} with {@code partitions} partitions (replication 1, no time retention). */
    public void createTopic(String topic, int partitions) throws IOException {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)
                    .configs(Map.of("retention.ms", "-1")))).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("cannot create topic " + topic + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** Every committed record of {@code topic}, partition by partition, read from the start to the end (read_committed). */
    public List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(30));
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("reading " + topic + " did not reach " + end + " within 120 s");
                }
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            return out;
        }
    }

    /**
     * Kafka's own DumpLogSegments over every segment of the topics' partitions whose directory
     * name starts with one of {@code prefixes} (batches: offsets, producer id and epoch,
     * transactional, control), for a failure's report. The transaction log is decoded.
     */
    public String dumpLogs(String... prefixes) {
        StringBuilder out = new StringBuilder();
        try (var dirs = Files.list(dir.resolve("data"))) {
            for (Path d : dirs.filter(Files::isDirectory).sorted().toList()) {
                String name = d.getFileName().toString();
                if (java.util.Arrays.stream(prefixes).noneMatch(name::startsWith)) {
                    continue;
                }
                List<String> segments;
                try (var files = Files.list(d)) {
                    segments = files.map(Path::toString).filter(f -> f.endsWith(".log")).sorted().toList();
                }
                if (segments.isEmpty()) {
                    continue;
                }
                List<String> args = new ArrayList<>(List.of("--files", String.join(",", segments)));
                if (name.startsWith("__transaction_state")) {
                    args.addAll(List.of("--transaction-log-decoder", "--print-data-log"));
                }
                List<String> cmd = java("org.apache.kafka.tools.DumpLogSegments", args.toArray(String[]::new));
                int cp = cmd.indexOf("-cp") + 1;
                cmd.set(cp, cmd.get(cp) + java.io.File.pathSeparator
                        + Path.of(System.getProperty("pushcap.testTools", "target/test-tools"), "kafka-tools.jar"));
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                out.append("== ").append(name).append('\n').append(new String(p.getInputStream().readAllBytes()));
                p.waitFor(60, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            out.append("dumping logs: ").append(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out.toString();
    }

    /** SIGKILL: the broker dies as in a crash; {@link #restart()} brings it back with its data. */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Starts the broker again on the same ports and data; returns once it answers. */
    public void restart() throws IOException {
        kill();
        launch();
    }

    @Override
    public void close() {
        kill();
    }
}
