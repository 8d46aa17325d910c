package io.pushcap.sink.file;

import io.pushcap.sink.Sink;
import io.pushcap.sink.SinkContractTest;
import io.pushcap.sink.SplitOutput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileSinkContractTest extends SinkContractTest {
    @TempDir
    Path dir;

    @Override
    protected Sink newSink() {
        return new FileSink(dir + "/");
    }

    @Override
    protected String location(String name) {
        return dir.resolve(name).toString();
    }

    @Override
    protected byte[] read(String name) throws IOException {
        Path p = dir.resolve(name);
        return Files.exists(p) ? Files.readAllBytes(p) : null;
    }

    @Override
    protected List<String> names() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void shouldWriteUnderPendingNameWhenNotYetCommitted() throws Exception {
        SplitOutput out = write("g.pcap", data(1000, 1));
        assertEquals(List.of("g.pcap.pending"), names());
        out.commit();
        assertEquals(List.of("g.pcap"), names());
    }

    @Test
    void shouldReplaceStalePendingWhenEarlierAttemptCrashed() throws Exception {
        Files.write(dir.resolve("h.pcap.pending"), data(500_000, 2));
        byte[] d = data(1000, 3);
        publish("h.pcap", d);
        assertArrayEquals(d, read("h.pcap"));
        assertEquals(List.of("h.pcap"), names());
    }

    @Test
    void shouldNamePathWhenDirectoryCannotBeCreated() throws Exception {
        // root ignores permission bits: a file where a directory should be fails the same way for everyone
        Files.writeString(dir.resolve("blocker"), "x");
        IOException e = assertThrows(IOException.class, () -> sink.open(dir.resolve("blocker/sub/i.pcap").toString()));
        assertTrue(e.getMessage().contains(dir.resolve("blocker").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("free space"), e.getMessage());
    }

    @Test
    void shouldCreatePrefixDirectoryWhenChecked() throws Exception {
        Sink s = new FileSink(dir.resolve("new/dir/prefix-").toString());
        s.check();
        assertTrue(Files.isDirectory(dir.resolve("new/dir")));
    }
}
