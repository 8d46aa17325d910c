package io.pushcap.it;

import io.pushcap.testing.Cmd;
import io.pushcap.testsupport.Await;
import io.pushcap.testsupport.KafkaBroker;
import io.pushcap.testsupport.PushcapCli;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scale-out through Kafka against a real broker (testsupport/KafkaBroker, one per class): a
 * sensor's offline push into a KAFKA target, a worker's offline push from the topic to files,
 * judged by tcpdump against the same capture pushed straight to files; kill -9 of the sensor push
 * at random points (every packet exactly once); bad input.
 */
class KafkaPushIT {
    private static final String FILTER = "tcp or udp";

    @TempDir
    static Path dir;
    static KafkaBroker broker;
    static Path capture;

    @BeforeAll
    static void start() throws Exception {
        broker = KafkaBroker.start(Files.createDirectories(dir.resolve("broker")));
        capture = dir.resolve("gen.pcap");
        PushcapCli.run(dir, "gen", "-w", capture.toString(), "--packets", "20000", "--pps", "2000", "--mix", "mixed").ok();
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private static Path config(Path tmp, String name, String target) throws IOException {
        Path f = tmp.resolve(name + ".lua");
        Files.writeString(f, "local Config = {}\nConfig.Target = {}\ntable.insert(Config.Target, {\n" + target
                + "\n})\nreturn Config\n");
        return f;
    }

    private static String sensorTarget(String topic, String key) {
        return "Desc = 'sensor', Mode = 'KAFKA', Path = '" + broker.url(topic) + "', FilterBPF = '" + FILTER + "',"
                + " Key = '" + key + "', Kafka = { ['linger.ms'] = 5 },";
    }

    private static String fileTarget(Path out, String filter) {
        return "Desc = 'files', Path = '" + out + "/', Split = '--split-time 1e9', FileName = '--filename-epoch-sec',"
                + (filter == null ? "" : " FilterBPF = '" + filter + "',");
    }

    private static PushcapCli.Result push(Path tmp, Path config, String tag, String source) throws Exception {
        return PushcapCli.run(tmp, Duration.ofSeconds(300), Map.of(), "push", "--config", config.toString(), "--log-dir",
                tmp.resolve("logs-" + tag).toString(), "--state-dir", tmp.resolve("var-" + tag).toString(), "--force",
                "--offline", source);
    }

    /** One string per packet of every file under {@code out}: ns time, wire length (-e), absolute TCP sequence numbers (-S), every byte; sorted. */
    private static List<String> packets(Path out) throws IOException {
        List<String> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(out)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".pcap")).sorted().toList()) {
                StringBuilder cur = null;
                for (String line : Cmd.tcpdump(f, "-tt", "-S", "-e", "--time-stamp-precision=nano", "-xx")) {
                    // A packet starts with its time; tcpdump may print more lines for one packet.
                    if (!line.matches("^\\d+\\.\\d{9} .*") && cur != null) {
                        cur.append('\n').append(line);
                    } else {
                        if (cur != null) {
                            all.add(cur.toString());
                        }
                        cur = new StringBuilder(line);
                    }
                }
                if (cur != null) {
                    all.add(cur.toString());
                }
            }
        }
        all.sort(null);
        return all;
    }

    /** Equal sorted packet lists; on a difference, names the counts and the first packets missing and extra. */
    private static void assertSamePackets(List<String> actual, List<String> expected, String what) {
        if (actual.equals(expected)) {
            return;
        }
        java.util.Map<String, Long> a = actual.stream().collect(Collectors.groupingBy(x -> x, Collectors.counting()));
        java.util.Map<String, Long> e = expected.stream().collect(Collectors.groupingBy(x -> x, Collectors.counting()));
        List<String> missing = expected.stream().filter(x -> a.getOrDefault(x, 0L) < e.get(x)).distinct().limit(3).toList();
        List<String> extra = actual.stream().filter(x -> e.getOrDefault(x, 0L) < a.get(x)).distinct().limit(3).toList();
        throw new AssertionError(what + ": " + actual.size() + " packets, expected " + expected.size() + "\nmissing (first 3):\n"
                + String.join("\n", missing) + "\nextra or twice (first 3):\n" + String.join("\n", extra));
    }

    private static List<String> names(Path out) throws IOException {
        try (Stream<Path> files = Files.list(out)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** The capture pushed straight to files with the same filter: what the worker must reproduce. */
    private static Path reference(Path tmp) throws Exception {
        Path out = tmp.resolve("reference");
        push(tmp, config(tmp, "reference", fileTarget(out, FILTER)), "reference", capture.toString()).ok();
        return out;
    }

    @Test
    void shouldReproduceTheFilteredCaptureWhenPushedThroughATopic(@TempDir Path tmp) throws Exception {
        broker.createTopic("e2e", 3);
        PushcapCli.Result sensor = push(tmp, config(tmp, "sensor", sensorTarget("e2e", "flow")), "sensor", capture.toString());
        assertThat(sensor.exit()).as(sensor.all()).isZero();
        Path out = tmp.resolve("worker");
        PushcapCli.Result worker = push(tmp, config(tmp, "worker", fileTarget(out, null)), "worker", broker.url("e2e"));
        assertThat(worker.exit()).as(worker.all()).isZero();
        Path ref = reference(tmp);
        List<String> expected = packets(ref);
        assertThat(expected).hasSizeGreaterThan(1000);
        assertSamePackets(packets(out), expected, "worker output");
        assertThat(names(out)).isEqualTo(names(ref));
        // Flow keys: both directions of a flow in one partition; every partition is used.
        Map<Integer, Long> perPartition = broker.readAll("e2e").stream()
                .collect(Collectors.groupingBy(ConsumerRecord::partition, Collectors.counting()));
        assertThat(perPartition).hasSize(3);
    }

    @Test
    void shouldPublishEveryPacketExactlyOnceWhenTheSensorPushIsKilledAtRandomPoints(@TempDir Path tmp) throws Exception {
        broker.createTopic("crash", 2);
        // Paced (MaxMbps): the whole capture takes several seconds, so ten kills land before it ends.
        Path config = config(tmp, "sensor", sensorTarget("crash", "none") + " MaxMbps = 20,");
        Path ref = reference(tmp);
        long expected = 0;
        try (Stream<Path> files = Files.list(ref)) {
            for (Path f : files.toList()) {
                expected += Cmd.capinfosPackets(f);
            }
        }
        assertThat(packets(ref)).hasSize((int) expected);
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int kills = 0;
        for (int i = 0; i < 10; i++) {
            long threshold = endOffsets("crash") + 1 + random.nextLong(expected / 20);
            Process p = new ProcessBuilder(PushcapCli.launcher().toString(), "push", "--config", config.toString(),
                    "--log-dir", tmp.resolve("logs-crash").toString(), "--state-dir", tmp.resolve("var-crash").toString(),
                    "--force", "--offline", capture.toString())
                    .directory(tmp.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(tmp.resolve("crash.out").toFile())).start();
            // Kill once the topic holds a random number of records (committed or not), or the push ended.
            Await.until("the push to reach " + threshold + " records or end", Duration.ofSeconds(300),
                    () -> !p.isAlive() || endOffsets("crash") >= threshold);
            if (p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                kills++;
            }
            p.waitFor(60, TimeUnit.SECONDS);
        }
        // Each kill comes at most expected/20 records (plus a poll's worth) after the last: ten fit
        // in the capture unless polls lag by seconds; fewer still test the same, so only a floor.
        assertThat(kills).as("kills before the push ended (seed %d)", seed).isGreaterThanOrEqualTo(5);
        System.out.println("kill -9 test: " + kills + " kills");
        PushcapCli.Result last = push(tmp, config, "crash", capture.toString());
        assertThat(last.exit()).as(last.all()).isZero();
        if (kills > 0) {
            String logs;
            try (Stream<Path> files = Files.walk(tmp.resolve("logs-crash"))) {
                logs = files.filter(Files::isRegularFile).map(f -> {
                    try {
                        return Files.readString(f);
                    } catch (IOException e) {
                        return "";
                    }
                }).collect(Collectors.joining("\n"));
            }
            assertThat(logs).contains("the position KAFKA output committed last");
        }
        Path out = tmp.resolve("worker");
        PushcapCli.Result worker = push(tmp, config(tmp, "worker", fileTarget(out, null)), "worker", broker.url("crash")).ok();
        // Equal sorted lists: no packet missing, none twice.
        assertSamePackets(packets(out), packets(ref), "after " + kills + " kills");
        assertThat(worker.all()).contains("published " + expected);
    }

    @Test
    void shouldLoseNothingWhenTheBrokerIsRestartedMidPush(@TempDir Path tmp) throws Exception {
        broker.createTopic("restart", 2);
        // Short producer timeouts, so that the target notices the broker's absence, backs off and retries.
        Path config = config(tmp, "sensor", "Desc = 'sensor', Mode = 'KAFKA', Path = '" + broker.url("restart") + "',"
                + " FilterBPF = '" + FILTER + "', Key = 'flow', RetryFor = '10m', Kafka = { ['max.block.ms'] = 5000,"
                + " ['request.timeout.ms'] = 3000, ['delivery.timeout.ms'] = 10000, ['transaction.timeout.ms'] = 10000 },");
        Path ref = reference(tmp);
        Path log = tmp.resolve("restart.out");
        Process p = new ProcessBuilder(PushcapCli.launcher().toString(), "push", "--config", config.toString(),
                "--log-dir", tmp.resolve("logs-restart").toString(), "--state-dir", tmp.resolve("var-restart").toString(),
                "--force", "--offline", capture.toString())
                .directory(tmp.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        boolean killed = false;
        try {
            Await.until("the push to write its first records", Duration.ofSeconds(300),
                    () -> !p.isAlive() || endOffsets("restart", 2) >= 100);
            if (p.isAlive()) {
                broker.kill();
                killed = true;
                // The target fails and backs off while the broker is away (a failure it retries).
                Await.until("the push to notice the broker is gone", Duration.ofSeconds(120),
                        () -> !p.isAlive() || read(log).contains("retrying in"));
            }
        } finally {
            broker.restart();
        }
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("push ended").isTrue();
        assertThat(p.exitValue()).as(read(log)).isZero();
        System.out.println("broker restart test: broker killed mid-push: " + killed);
        Path out = tmp.resolve("worker");
        push(tmp, config(tmp, "worker", fileTarget(out, null)), "worker", broker.url("restart")).ok();
        String logs = read(log) + "\n" + allLogs(tmp.resolve("logs-restart"));
        System.out.println("broker restart test: the sensor's output and log:\n" + logs);
        try {
            assertSamePackets(packets(out), packets(ref), "worker output");
        } catch (AssertionError e) {
            String dump = broker.dumpLogs("restart-", "restart.pushcap-cursors-", "__transaction_state");
            Files.writeString(Path.of("target", "broker-restart-failure.txt"), dump);
            System.out.println("broker restart test: the broker's logs:\n" + dump);
            throw new AssertionError(e.getMessage() + "\nthe sensor's output and log:\n" + logs, e);
        }
    }

    private static String allLogs(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return "";
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).sorted().map(f -> f + ":\n" + read(f)).collect(Collectors.joining("\n"));
        }
    }

    private static String liveTarget(Path out, String topic, String group) {
        return "Desc = 'live', Path = '" + out + "/', Split = '--split-time 1e9', FileName = '--filename-epoch-sec',"
                + " Source = '" + broker.url(topic) + "', Group = '" + group + "', TimeoutRing = 2e9,";
    }

    private static Process worker(Path tmp, String tag, String target) throws IOException {
        return new ProcessBuilder(PushcapCli.launcher().toString(), "push", "--config",
                config(tmp, tag, target).toString(), "--log-dir", tmp.resolve("logs-" + tag).toString(),
                "--state-dir", tmp.resolve("var-" + tag).toString()).directory(tmp.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(tmp.resolve(tag + ".out").toFile())).start();
    }

    /** A {@code .pending} file under {@code out}: the worker holds a split it has not published. */
    private static boolean splitOpen(Path out) {
        if (!Files.isDirectory(out)) {
            return false;
        }
        try (Stream<Path> files = Files.list(out)) {
            return files.anyMatch(p -> p.toString().endsWith(".pending"));
        } catch (IOException e) {
            return false;
        }
    }

    private static void kill(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(60, TimeUnit.SECONDS);
    }

    private static Process live(Path tmp, Path config, String tag) throws IOException {
        // PUSHCAP_STATUS_DIR: the push reports its targets every second, as under serve (/status reads it).
        ProcessBuilder pb = new ProcessBuilder(PushcapCli.launcher().toString(), "push", "--config", config.toString(),
                "--log-dir", tmp.resolve("logs-" + tag).toString(), "--state-dir", tmp.resolve("var-live").toString())
                .directory(tmp.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(tmp.resolve(tag + ".out").toFile()));
        pb.environment().put(io.pushcap.pipeline.JobReport.ENV, tmp.resolve("status-" + tag).toString());
        return pb.start();
    }

    /** Packets in the published (not .pending) splits under {@code out}. */
    private static long published(Path out) {
        if (!Files.isDirectory(out)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(out)) {
            long n = 0;
            for (Path f : files.filter(p -> p.toString().endsWith(".pcap")).toList()) {
                n += Cmd.capinfosPackets(f);
            }
            return n;
        } catch (IOException | AssertionError e) {
            return -1;
        }
    }

    @Test
    void shouldPublishTheSameSplitsWhenALiveWorkerIsKilledTenTimesAtRandomPoints(@TempDir Path tmp) throws Exception {
        broker.createTopic("live", 3);
        push(tmp, config(tmp, "sensor", sensorTarget("live", "flow")), "sensor", capture.toString()).ok();
        Path ref = reference(tmp);
        long expected = packets(ref).size();
        Path out = tmp.resolve("live-out");
        // Static membership: a restarted worker takes its partitions back at once, instead of
        // waiting out the killed member's session (45 s by default) before a rebalance.
        Path config = config(tmp, "live", liveTarget(out, "live", "killed")
                + " KafkaConsumer = { ['group.instance.id'] = 'worker-1', ['session.timeout.ms'] = 10000 },");
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int midSplit = 0;
        for (int i = 0; i < 10; i++) {
            Process w = live(tmp, config, "live-k" + i);
            long before = published(out);
            boolean afterPublish = random.nextBoolean();
            try {
                // A random point: once the worker holds an open split, or has published one more,
                // then up to 300 ms more of its work (the kill point, not a wait for a result).
                Await.until("the worker to open or publish a split", Duration.ofSeconds(120), () -> !w.isAlive()
                        || (afterPublish ? published(out) > before : splitOpen(out)) || published(out) >= expected);
                Thread.sleep(random.nextInt(300));
            } finally {
                kill(w);
            }
            midSplit += splitOpen(out) ? 1 : 0;
            assertThat(read(tmp.resolve("live-k" + i + ".out"))).as("worker run %d", i).doesNotContain("ERROR");
        }
        System.out.println("live worker: 10 kills (seed " + seed + "), " + midSplit + " with a split open, "
                + published(out) + " of " + expected + " packets published");
        Process second = live(tmp, config, "live2");
        try {
            Await.until("every packet published", Duration.ofSeconds(300),
                    () -> !second.isAlive() || published(out) >= expected);
            // The lag of each of the topic's three partitions is reported for /status.
            Await.until("the worker's report to show the lag of partitions 0, 1 and 2", Duration.ofSeconds(60),
                    () -> !second.isAlive() || kafkaLag(tmp.resolve("status-live2")).keySet().equals(java.util.Set.of(0, 1, 2)));
            assertThat(kafkaLag(tmp.resolve("status-live2")).values()).as("records not read yet, per partition")
                    .allSatisfy(n -> assertThat(n).isBetween(0L, expected));
        } finally {
            second.destroy();
            second.waitFor(60, TimeUnit.SECONDS);
        }
        assertThat(read(tmp.resolve("live2.out"))).doesNotContain("ERROR");
        assertSamePackets(packets(out), packets(ref), "worker output");
        assertThat(names(out)).isEqualTo(names(ref));
    }

    @Test
    void shouldFilterAndWriteRawIpPacketsWhenALiveWorkerFollowsATopicOfThem(@TempDir Path tmp) throws Exception {
        // A sensor on a tunnel or loopback interface publishes LINKTYPE_RAW packets; the worker must
        // compile its filter and write its files for that link type, not for Ethernet.
        Path raw = io.pushcap.testsupport.CraftedCaptures.rawIp(capture, tmp.resolve("raw.pcap"));
        broker.createTopic("rawip", 2);
        push(tmp, config(tmp, "sensor", sensorTarget("rawip", "flow")), "sensor", raw.toString()).ok();
        Path ref = tmp.resolve("reference");
        push(tmp, config(tmp, "reference", fileTarget(ref, "tcp")), "reference", raw.toString()).ok();
        long expected = packets(ref).size();
        assertThat(expected).as("tcp packets in the raw capture").isGreaterThan(1000);
        Path out = tmp.resolve("raw-out");
        Process w = live(tmp, config(tmp, "raw", liveTarget(out, "rawip", "raw") + " FilterBPF = 'tcp',"), "raw");
        try {
            Await.until("every tcp packet published", Duration.ofSeconds(180),
                    () -> !w.isAlive() || published(out) >= expected);
        } finally {
            w.destroy();
            w.waitFor(60, TimeUnit.SECONDS);
        }
        String log = read(tmp.resolve("raw.out")) + allLogs(tmp.resolve("logs-raw"));
        assertThat(log).contains("link type RAW (101), that of the newest packet in");
        assertSamePackets(packets(out), packets(ref), "worker output");
        assertThat(names(out)).isEqualTo(names(ref));
        for (Path f : Files.list(out).filter(f -> f.toString().endsWith(".pcap")).toList()) {
            assertThat(Cmd.run("capinfos", "-E", f.toString()).ok().stdout()).as("%s", f).contains("Raw IP");
        }
    }

    @Test
    void shouldPublishEveryPacketOnceWhenASecondWorkerJoinsTheGroupMidSplit(@TempDir Path tmp) throws Exception {
        broker.createTopic("shared", 4);
        Path ref = reference(tmp);
        long expected = packets(ref).size();
        // The sensor is paced (MaxMbps), so the topic is still filling when the second worker joins.
        Process sensor = new ProcessBuilder(PushcapCli.launcher().toString(), "push", "--config",
                config(tmp, "sensor", sensorTarget("shared", "flow") + " MaxMbps = 8,").toString(),
                "--log-dir", tmp.resolve("logs-sensor").toString(), "--state-dir", tmp.resolve("var-sensor").toString(),
                "--force", "--offline", capture.toString()).directory(tmp.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(tmp.resolve("sensor.out").toFile())).start();
        // Each worker writes under its own Path: their splits of one interval hold different partitions.
        Path outA = tmp.resolve("a");
        Path outB = tmp.resolve("b");
        Process a = worker(tmp, "a", liveTarget(outA, "shared", "pair"));
        Process b = null;
        try {
            // A has published a split and holds the next one open: B's arrival revokes A's
            // partitions in the middle of that split.
            Await.until("worker a to publish a split and hold the next open", Duration.ofSeconds(120),
                    () -> !a.isAlive() || !sensor.isAlive() || (published(outA) > 0 && splitOpen(outA)));
            assertThat(sensor.isAlive()).as("the sensor still sending when b joins\n%s", read(tmp.resolve("sensor.out")))
                    .isTrue();
            b = worker(tmp, "b", liveTarget(outB, "shared", "pair"));
            Process bb = b;
            Await.until("the group to rebalance", Duration.ofSeconds(120),
                    () -> !a.isAlive() || read(tmp.resolve("a.out")).contains("took ["));
            assertThat(sensor.waitFor(300, TimeUnit.SECONDS)).isTrue();
            assertThat(sensor.exitValue()).as(read(tmp.resolve("sensor.out"))).isZero();
            Await.until("every packet published by the two workers", Duration.ofSeconds(300),
                    () -> !a.isAlive() || !bb.isAlive() || published(outA) + published(outB) >= expected);
            assertThat(a.isAlive() && b.isAlive()).as("both workers still running: a %s, b %s\n%s\n%s", a.isAlive(),
                    b.isAlive(), read(tmp.resolve("a.out")), read(tmp.resolve("b.out"))).isTrue();
        } finally {
            sensor.destroy();
            a.destroy();
            a.waitFor(60, TimeUnit.SECONDS);
            if (b != null) {
                b.destroy();
                b.waitFor(60, TimeUnit.SECONDS);
            }
        }
        assertThat(read(tmp.resolve("a.out"))).contains("the open split is produced again from committed offsets");
        System.out.println("two workers: a published " + published(outA) + ", b " + published(outB) + " of " + expected);
        System.out.println("worker a:\n" + read(tmp.resolve("a.out")) + "\nworker b:\n" + read(tmp.resolve("b.out")));
        // Neither worker gave up (a rebalance makes a worker redo its open split, never fail).
        assertThat(read(tmp.resolve("a.out")) + read(tmp.resolve("b.out"))).doesNotContain("FAILED").doesNotContain("ERROR");
        try (Stream<Path> logs = Files.walk(tmp)) {
            for (Path f : logs.filter(f -> f.getFileName().toString().startsWith("push_live")).toList()) {
                System.out.println("log " + f + ":\n" + read(f));
            }
        }
        List<String> both = new ArrayList<>(Files.isDirectory(outA) ? packets(outA) : List.of());
        both.addAll(Files.isDirectory(outB) ? packets(outB) : List.of());
        both.sort(null);
        assertSamePackets(both, packets(ref), "two workers");
    }

    @Test
    void shouldFollowATopicWhenServeRunsAKafkaSourcedSchedule(@TempDir Path tmp) throws Exception {
        broker.createTopic("served", 2);
        push(tmp, config(tmp, "sensor", sensorTarget("served", "flow")), "sensor", capture.toString()).ok();
        Path ref = reference(tmp);
        long expected = packets(ref).size();
        Path home = tmp.resolve("serve");
        Path out = tmp.resolve("served-out");
        try (io.pushcap.testsupport.ServeProcess serve = new io.pushcap.testsupport.ServeProcess(home, 20)) {
            Files.writeString(home.resolve("etc/worker.lua"), "local Config = {}\nConfig.Target = {}\n"
                    + "table.insert(Config.Target, {\n" + liveTarget(out, "served", "served") + "\n})\nreturn Config\n");
            serve.start(serve.config("", "Service.Schedule = {}\ntable.insert(Service.Schedule, { Name = \"from-kafka\","
                    + " Loader = \"push_pcap\", Config = \"etc/worker.lua\", Window = \"always\" })\n"), Map.of());
            Await.until("every packet published by the scheduled worker", Duration.ofSeconds(300),
                    () -> !serve.process().isAlive() || published(out) >= expected);
            // /status and /metrics show the worker's lag per partition (serve reads the child's report).
            Await.until("/status to show the lag of partitions 0 and 1", Duration.ofSeconds(60), () -> {
                try {
                    return serve.get("/status").matches("(?s).*\"kafka_lag\":\\{\"0\":\\d+,\"1\":\\d+}.*");
                } catch (IOException e) {
                    return false;
                }
            });
            Await.until("/metrics to show pushcap_kafka_lag_records of both partitions", Duration.ofSeconds(60), () -> {
                try {
                    String m = serve.get("/metrics");
                    return m.contains("pushcap_kafka_lag_records{") && m.contains("partition=\"0\"")
                            && m.contains("partition=\"1\"");
                } catch (IOException e) {
                    return false;
                }
            });
            serve.stop();
            assertThat(serve.output()).doesNotContain("ERROR");
        }
        assertSamePackets(packets(out), packets(ref), "scheduled worker output");
        assertThat(names(out)).isEqualTo(names(ref));
    }

    /** The Kafka lag per partition that target 'live' last reported in {@code statusDir}, or empty. */
    private static java.util.Map<Integer, Long> kafkaLag(Path statusDir) {
        io.pushcap.pipeline.JobReport.Snapshot s = io.pushcap.pipeline.JobReport.read(statusDir);
        return s == null || s.targets().isEmpty() ? java.util.Map.of() : s.targets().getFirst().kafkaLag();
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            return "";
        }
    }

    private static long endOffsets(String topic) {
        return endOffsets(topic, 2);
    }

    private static long endOffsets(String topic, int partitions) {
        try (Admin admin = broker.admin()) {
            List<TopicPartition> parts = java.util.stream.IntStream.range(0, partitions)
                    .mapToObj(i -> new TopicPartition(topic, i)).toList();
            return admin.listOffsets(parts.stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest())))
                    .all().get(30, TimeUnit.SECONDS).values().stream().mapToLong(i -> i.offset()).sum();
        } catch (Exception e) {
            return 0;
        }
    }

    @Test
    void shouldCountAndSkipRecordsThatAreNotPacketsWhenReadingATopic(@TempDir Path tmp) throws Exception {
        broker.createTopic("junk", 1);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("junk", "hello".getBytes(StandardCharsets.UTF_8))).get(60, TimeUnit.SECONDS);
        }
        PushcapCli.Result sensor = push(tmp, config(tmp, "sensor", sensorTarget("junk", "sensor")), "sensor", capture.toString());
        assertThat(sensor.exit()).as(sensor.all()).isZero();
        Path out = tmp.resolve("worker");
        PushcapCli.Result worker = push(tmp, config(tmp, "worker", fileTarget(out, null)), "worker", broker.url("junk"));
        assertThat(worker.exit()).as(worker.all()).isZero();
        assertThat(worker.all()).contains("is not a packet");
        assertSamePackets(packets(out), packets(reference(tmp)), "worker output");
    }

    @Test
    void shouldCountAndSkipFramesLargerThanMaxRequestSizeWhenPushingToATopic(@TempDir Path tmp) throws Exception {
        broker.createTopic("small", 1);
        // 1024 bytes less 512 of record overhead: frames of more than 512 bytes do not fit.
        PushcapCli.Result sensor = push(tmp, config(tmp, "sensor", "Desc = 'sensor', Mode = 'KAFKA', Path = '"
                + broker.url("small") + "', FilterBPF = '" + FILTER + "', Kafka = { ['max.request.size'] = 1024 },"),
                "sensor", capture.toString());
        assertThat(sensor.exit()).as(sensor.all()).isZero();
        assertThat(sensor.stderr()).contains("does not fit max.request.size 1024").contains("not sent");
        Path out = tmp.resolve("worker");
        push(tmp, config(tmp, "worker", fileTarget(out, null)), "worker", broker.url("small")).ok();
        // The filtered packets whose frame (tcpdump -e: the first "length N") is at most 512 bytes.
        List<String> all = packets(reference(tmp));
        java.util.regex.Pattern frameLength = java.util.regex.Pattern.compile(", length (\\d+):");
        List<String> expected = all.stream().filter(p -> {
            java.util.regex.Matcher m = frameLength.matcher(p);
            return m.find() && Integer.parseInt(m.group(1)) <= 512;
        }).toList();
        assertThat(expected).isNotEmpty().hasSizeLessThan(all.size());
        assertSamePackets(packets(out), expected, "worker output");
    }

    @Test
    void shouldRefuseWithAClearErrorWhenTheHostIsUnknownOrTheTopicIsMissing(@TempDir Path tmp) throws Exception {
        Path worker = config(tmp, "worker", fileTarget(tmp.resolve("out"), null));
        PushcapCli.Result unknown = push(tmp, worker, "unknown", "kafka://no-such-host.invalid:9092/packets");
        assertThat(unknown.exit()).as(unknown.all()).isEqualTo(2);
        assertThat(unknown.stderr()).contains("no bootstrap server resolves").contains("no-such-host.invalid:9092");
        PushcapCli.Result missing = push(tmp, worker, "missing", broker.url("no-such-topic"));
        assertThat(missing.exit()).as(missing.all()).isEqualTo(2);
        assertThat(missing.stderr()).contains("topic 'no-such-topic' does not exist");
        PushcapCli.Result sensorMissing = push(tmp, config(tmp, "sensor", sensorTarget("no-such-topic", "flow")), "sensor",
                capture.toString());
        assertThat(sensorMissing.exit()).as(sensorMissing.all()).isEqualTo(2);
        assertThat(sensorMissing.stderr()).contains("topic 'no-such-topic' does not exist");
        PushcapCli.Result split = push(tmp, config(tmp, "split", sensorTarget("e2e", "flow") + " Split = '--split-time 1e9',"),
                "split", capture.toString());
        assertThat(split.exit()).isEqualTo(2);
        assertThat(split.stderr()).contains("Split: not used by Mode KAFKA");
    }
}
