package io.pushcap.cli;

import io.pushcap.testing.Cmd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The AOT training of Kafka pushes runs a real sensor push into a throw-away broker and a worker
 * push back out of it, so the cache holds the client's JIT profiles (docs/scale-out.md); without
 * the broker's classpath it falls back to the classes alone.
 */
class AotKafkaTrainingTest {
    private static final Path HOME = Path.of(System.getProperty("user.dir"));

    @Test
    void shouldPushThroughATrainingBrokerAndReadEveryPacketBackWhenTheKafkaClasspathExists(@TempDir Path work)
            throws Exception {
        assertThat(HOME.resolve(AotKafkaBroker.CLASSPATH_FILE))
                .as("the build writes the broker's classpath (kafka-classpath execution of the pom)").isRegularFile();

        assertThat(AotTraining.kafkaPushes(HOME, work)).isTrue();

        List<Path> splits;
        try (Stream<Path> s = Files.list(work.resolve("splits"))) {
            splits = s.filter(p -> p.toString().endsWith(".pcap.zst")).toList();
        }
        assertThat(splits).hasSize(1);
        Path pcap = work.resolve("read-back.pcap");
        Files.write(pcap, Cmd.run(null, 60, "zstd", "-dc", splits.getFirst().toString()).ok().stdoutBytes());
        // The worker's split holds every packet the sensor sent, as capinfos and tcpdump read them.
        assertThat(Cmd.capinfosPackets(pcap)).isEqualTo(60_000);
        assertThat(Cmd.tcpdump(pcap, "-q")).filteredOn(l -> !l.isEmpty() && Character.isDigit(l.charAt(0)))
                .hasSize(60_000);
        assertThat(Cmd.capinfosPackets(work.resolve("kafka-training.pcap"))).isEqualTo(60_000);
        // The broker was a child of this JVM; it must be gone once training is over.
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().orElse("").contains("kafka.Kafka"))).isEmpty();
    }

    @Test
    void shouldTrainWithoutABrokerWhenTheKafkaClasspathIsMissing(@TempDir Path home, @TempDir Path work) {
        assertThat(AotTraining.kafkaPushes(home, work)).isFalse();
        assertThat(work.resolve("splits")).doesNotExist();
    }
}
