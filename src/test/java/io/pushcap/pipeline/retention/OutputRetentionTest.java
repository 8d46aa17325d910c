package io.pushcap.pipeline.retention;

import io.pushcap.config.FileNameFormat;
import io.pushcap.config.KeepLimits;
import io.pushcap.metrics.MetricsRegistry;
import io.pushcap.pipeline.naming.FileNameEncoder;
import io.pushcap.sink.Sink;
import io.pushcap.sink.SplitOutput;
import io.pushcap.sink.StoredOutput;
import io.pushcap.sink.file.FileSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link OutputRetention} over a real {@link FileSink} directory: it deletes only this target's
 * oldest files, counts and logs each deletion, and counts a failure without throwing.
 */
class OutputRetentionTest {
    private static final long T = 1_700_000_000_000_000_000L;
    private static final long SEC = 1_000_000_000L;

    @TempDir
    Path dir;

    private final MetricsRegistry metrics = new MetricsRegistry();
    private final List<String> log = new ArrayList<>();

    private OutputRetention retention(Sink sink, FileNameEncoder names, KeepLimits limits) {
        return new OutputRetention("target 't'", "t", limits, sink, names.directory(), names.ownNames(),
                names.oldestFirst(), log::add, metrics);
    }

    /** Publishes a file of {@code size} bytes through the sink, as a split would be. */
    private static String publish(Sink sink, FileNameEncoder names, long nanos, int size) throws IOException {
        SplitOutput out = sink.open(names.name(nanos, nanos + SEC));
        out.stream().write(new byte[size]);
        out.commit();
        return out.location();
    }

    private List<String> listing(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private long counter(String name) {
        String line = metrics.prometheus().lines().filter(l -> l.startsWith(name + "{")).findFirst().orElse(name + " 0");
        return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }

    @Test
    void shouldDeleteOnlyTheTargetsOldestFilesWhenKeepFilesIsExceeded() throws IOException {
        Path out = dir.resolve("out");
        FileSink sink = new FileSink(out + "/tcp");
        FileNameEncoder names = new FileNameEncoder(FileNameFormat.TSTR_HHMMSS, out + "/tcp", ".pcap");
        Files.createDirectories(out.resolve("sub"));
        // Not this target's: another prefix, suffix or format, a pending split, notes, a subdirectory.
        List<String> foreign = List.of("udp_20231114_221320.pcap", "tcp_20231114_221320.pcap.gz",
                "tcp_20231114_221330.pcap.pending", "tcp1700000000.pcap", "README", "sub");
        for (String f : foreign) {
            if (!f.equals("sub")) {
                Files.write(out.resolve(f), new byte[100]);
            }
        }
        OutputRetention r = retention(sink, names, new KeepLimits(3, 0));
        List<String> published = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            published.add(publish(sink, names, T + i * SEC, 10 + i));
            r.enforce();
        }
        List<String> expected = new ArrayList<>(foreign);
        published.subList(2, 5).forEach(p -> expected.add(Path.of(p).getFileName().toString()));
        assertThat(listing(out)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(counter(OutputRetention.DELETED_FILES)).isEqualTo(2);
        assertThat(counter(OutputRetention.DELETED_BYTES)).isEqualTo(10 + 11);
        assertThat(counter(OutputRetention.KEPT_FILES)).isEqualTo(3);
        assertThat(counter(OutputRetention.KEPT_BYTES)).isEqualTo(12 + 13 + 14);
        assertThat(counter(OutputRetention.FAILURES)).isZero();
        assertThat(log).containsExactly(
                "retention: deleted " + published.get(0) + " (10 bytes; KeepFiles 3)",
                "retention: deleted " + published.get(1) + " (11 bytes; KeepFiles 3)");
    }

    @Test
    void shouldEnforceFilesOfAnEarlierRunWhenARestartedTargetPublishes() throws IOException {
        Path out = dir.resolve("out");
        FileSink sink = new FileSink(out + "/");
        FileNameEncoder first = new FileNameEncoder(FileNameFormat.EPOCH_SEC_STARTEND, out + "/", ".pcap");
        for (int i = 0; i < 4; i++) {
            publish(sink, first, T + i * SEC, 40);
        }
        // A new process: a new encoder and a new retention, nothing in memory of the first run.
        FileNameEncoder second = new FileNameEncoder(FileNameFormat.EPOCH_SEC_STARTEND, out + "/", ".pcap");
        second.resumeAfter(first.lastName());
        String newest = publish(sink, second, T + 10 * SEC, 40);
        assertThat(retention(sink, second, new KeepLimits(0, 100)).enforce()).hasSize(3);
        assertThat(listing(out)).containsExactly("1700000003-1700000004.pcap", Path.of(newest).getFileName().toString());
    }

    @Test
    void shouldKeepTheNewestFileWhenItAloneExceedsKeepBytes() throws IOException {
        Path out = dir.resolve("out");
        FileSink sink = new FileSink(out + "/");
        FileNameEncoder names = new FileNameEncoder(FileNameFormat.TSTR_HHMMSS_SUB, out + "/", ".pcap");
        publish(sink, names, T, 10);
        String big = publish(sink, names, T + SEC, 1000);
        retention(sink, names, new KeepLimits(0, 100)).enforce();
        assertThat(listing(out)).containsExactly(Path.of(big).getFileName().toString());
        assertThat(counter(OutputRetention.KEPT_BYTES)).isEqualTo(1000);
    }

    @Test
    void shouldCountAndLogAFailureWithoutThrowingWhenTheDirectoryCannotBeListed() throws IOException {
        Path notADirectory = Files.write(dir.resolve("file"), new byte[1]);
        FileSink sink = new FileSink(notADirectory + "/");
        FileNameEncoder names = new FileNameEncoder(FileNameFormat.TSTR_HHMMSS, notADirectory + "/", ".pcap");
        assertThat(retention(sink, names, new KeepLimits(1, 0)).enforce()).isEmpty();
        assertThat(counter(OutputRetention.FAILURES)).isEqualTo(1);
        assertThat(log).singleElement().asString().startsWith("retention: cannot list " + notADirectory + "/: list "
                + notADirectory).endsWith("(KeepFiles 1; tried again after the next split)");
    }

    @Test
    void shouldCountAFailedDeletionAndGoOnWhenTheSinkRefusesIt() throws IOException {
        Path out = dir.resolve("out");
        FileSink files = new FileSink(out + "/");
        FileNameEncoder names = new FileNameEncoder(FileNameFormat.TSTR_HHMMSS, out + "/", ".pcap");
        String first = publish(files, names, T, 10);
        String second = publish(files, names, T + SEC, 10);
        publish(files, names, T + 2 * SEC, 10);
        // A medium that lists but refuses to delete the oldest file (a read-only snapshot of it, say).
        Sink refusing = new Sink() {
            @Override
            public String kind() {
                return "file";
            }

            @Override
            public SplitOutput open(String location) {
                throw new UnsupportedOperationException();
            }

            @Override
            public List<StoredOutput> list(String directory) throws IOException {
                return files.list(directory);
            }

            @Override
            public boolean delete(String location) throws IOException {
                if (location.equals(first)) {
                    throw new IOException("delete " + location + ": Read-only file system");
                }
                return files.delete(location);
            }
        };
        assertThat(retention(refusing, names, new KeepLimits(1, 0)).enforce()).extracting(StoredOutput::location)
                .containsExactly(second);
        assertThat(counter(OutputRetention.FAILURES)).isEqualTo(1);
        assertThat(counter(OutputRetention.DELETED_FILES)).isEqualTo(1);
        assertThat(counter(OutputRetention.KEPT_FILES)).isEqualTo(2);
        assertThat(log).first().asString().contains("cannot delete " + first + ": delete " + first + ": Read-only file system");
    }
}
