package io.pushcap.sink;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every sink promises, checked against the real medium (disk, S3 server, FTP server, rclone
 * remote) through an independent reader: a committed split is there byte for byte under its final
 * name; an aborted one leaves nothing; a split reopened after an abort or published again
 * replaces what was there; missing directories are created; no {@code .pending} is left behind.
 */
public abstract class SinkContractTest {
    protected Sink sink;

    /** A fresh sink for one test. */
    protected abstract Sink newSink() throws Exception;

    /** The location (as given to {@link Sink#open}) of {@code name} under the test's prefix. */
    protected abstract String location(String name);

    /** The bytes stored under {@code name}, read independently of the sink; null when absent. */
    protected abstract byte[] read(String name) throws Exception;

    /** Every name stored under the test's prefix (relative, '/'-separated), pending or final. */
    protected abstract List<String> names() throws Exception;

    /** A size that exercises the sink's large path (S3: several parts). */
    protected int largeSize() {
        return 3 << 20;
    }

    @BeforeEach
    void openSink() throws Exception {
        sink = newSink();
    }

    @AfterEach
    void closeSink() throws Exception {
        if (sink != null) {
            sink.close();
        }
    }

    protected static byte[] data(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        // half compressible, like captures
        for (int i = 0; i < size; i += 2) {
            b[i] = (byte) (i >> 10);
        }
        return b;
    }

    protected SplitOutput write(String name, byte[] data) throws IOException {
        SplitOutput out = sink.open(location(name));
        OutputStream s = out.stream();
        int off = 0;
        int step = 1000;
        while (off < data.length) {
            int n = Math.min(step, data.length - off);
            s.write(data, off, n);
            off += n;
            step = Math.min(step * 2, 1 << 20);
        }
        return out;
    }

    protected void publish(String name, byte[] data) throws IOException {
        SplitOutput out = write(name, data);
        assertEquals(data.length, out.bytesWritten());
        out.commit();
    }

    @Test
    void shouldPublishByteExactWhenCommitted() throws Exception {
        byte[] d = data(200_000, 1);
        publish("a.pcap", d);
        assertArrayEquals(d, read("a.pcap"));
        assertEquals(List.of("a.pcap"), names());
    }

    @Test
    void shouldPublishByteExactWhenSplitIsLarge() throws Exception {
        byte[] d = data(largeSize(), 2);
        publish("large.pcap", d);
        assertArrayEquals(d, read("large.pcap"));
    }

    @Test
    void shouldPublishEmptyFileWhenSplitHasNoBytes() throws Exception {
        publish("empty.pcap", new byte[0]);
        assertArrayEquals(new byte[0], read("empty.pcap"));
    }

    @Test
    void shouldShowNothingUnderFinalNameWhenNotYetCommitted() throws Exception {
        SplitOutput out = write("b.pcap", data(100_000, 3));
        out.stream().flush();
        assertNull(read("b.pcap"));
        out.commit();
        assertTrue(read("b.pcap") != null);
    }

    @Test
    void shouldLeaveNothingWhenAborted() throws Exception {
        SplitOutput out = write("c.pcap", data(150_000, 4));
        out.abort();
        assertNull(read("c.pcap"));
        assertEquals(List.of(), names());
    }

    @Test
    void shouldReplaceRemainsWhenReopenedAfterAbort() throws Exception {
        write("d.pcap", data(300_000, 5)).abort();
        byte[] second = data(100_000, 6);
        publish("d.pcap", second);
        assertArrayEquals(second, read("d.pcap"));
        assertEquals(List.of("d.pcap"), names());
    }

    @Test
    void shouldReplaceFinalWhenSplitIsPublishedAgain() throws Exception {
        publish("e.pcap", data(120_000, 7));
        byte[] again = data(90_000, 8);
        publish("e.pcap", again);
        assertArrayEquals(again, read("e.pcap"));
        assertEquals(List.of("e.pcap"), names());
    }

    @Test
    void shouldCreateDirectoriesWhenLocationHasMissingOnes() throws Exception {
        byte[] d = data(50_000, 9);
        publish("x/y/z/f.pcap", d);
        assertArrayEquals(d, read("x/y/z/f.pcap"));
        assertFalse(names().stream().anyMatch(n -> n.endsWith(".pending")), names().toString());
    }

    @Test
    void shouldPublishSeveralSplitsInSequenceWhenSinkIsReused() throws Exception {
        for (int i = 0; i < 3; i++) {
            publish("seq-" + i + ".pcap", data(10_000 + i, 10 + i));
        }
        assertEquals(List.of("seq-0.pcap", "seq-1.pcap", "seq-2.pcap"), names());
    }

    /**
     * A size split named by its last packet learns its name at the end: opened renamable, published
     * with commitAs under another name, through the metering wrapper every target's sink has (it
     * used to drop the late name: "this sink cannot publish ... under another name").
     */
    @Test
    void shouldPublishUnderTheLateNameWhenOpenedRenamable() throws Exception {
        Sink metered = new MeteredSink(sink, SinkMetrics.detached("late-name"));
        for (int size : new int[] {20_000, largeSize()}) {
            byte[] d = data(size, 77 + size);
            SplitOutput out = metered.openRenamable(location("early-" + size + ".pcap"));
            out.stream().write(d);
            out.commitAs(location("late-" + size + ".pcap"));
            assertArrayEquals(d, read("late-" + size + ".pcap"));
        }
        SplitOutput aborted = metered.openRenamable(location("gone.pcap"));
        aborted.stream().write(data(1000, 5));
        aborted.abort();
        assertEquals(java.util.stream.Stream.of("late-" + largeSize() + ".pcap", "late-20000.pcap").sorted().toList(),
                names());
    }

    /**
     * KeepFiles/KeepBytes: {@link Sink#list} gives the files directly in a directory with their
     * sizes, not those of a subdirectory, and {@link Sink#delete} removes one and nothing else.
     */
    @Test
    void shouldListTheDirectorysFilesAndDeleteOneWhenRetentionAsks() throws Exception {
        publish("a.pcap", data(100, 1));
        publish("b.pcap", data(2000, 2));
        publish("sub/c.pcap", data(10, 3));
        String dir = location("");
        java.util.Map<String, Long> listed = new java.util.TreeMap<>();
        for (StoredOutput o : sink.list(dir)) {
            assertEquals(dir + o.name(), o.location());
            listed.put(o.name(), o.bytes());
        }
        assertEquals(java.util.Map.of("a.pcap", 100L, "b.pcap", 2000L), listed);
        assertTrue(sink.delete(location("a.pcap")));
        assertNull(read("a.pcap"));
        assertArrayEquals(data(2000, 2), read("b.pcap"));
        assertArrayEquals(data(10, 3), read("sub/c.pcap"));
        assertEquals(List.of("b.pcap"), sink.list(dir).stream().map(StoredOutput::name).toList());
        assertEquals(List.of(), sink.list(location("missing/")));
    }
}
