package io.pushcap.store;

import io.pushcap.metrics.MetricsRegistry;
import io.pushcap.pcap.Packet;
import io.pushcap.ring.RingFile;
import io.pushcap.ring.RingReader;
import io.pushcap.ring.RingWriter;
import io.pushcap.testing.Cmd;
import io.pushcap.testsupport.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.pushcap.store.StoreTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The recorder on its own: chunk rotation by size and by (injected) time, what a clean stop
 * leaves, ring laps counted into the capture, and every chunk judged by capinfos.
 */
class CaptureRecorderTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private Path dir;
    private RingFile ring;
    private RingWriter writer;
    private Store store;

    @BeforeEach
    void setUp() throws IOException {
        dir = ramDir("rec");
        ring = ring(dir, "r", 16 << 20);
        writer = writer(ring);
        store = Store.create(dir.resolve("store"));
    }

    @AfterEach
    void tearDown() throws IOException {
        writer.close();
        ring.close();
        deleteTree(dir);
    }

    /** A recorder of capture {@code name} on the wall clock, with chunks of hours or {@code chunkSize}. */
    private Running recordByWallClock(String name, long chunkSize) throws IOException, InterruptedException {
        return record(store, name, ring, options(chunkSize, 3_600_000_000_000L, RetentionLimits.NONE, System::nanoTime));
    }

    @Test
    void shouldSealChunksBySizeAndStoreEveryPacketOnceInOrderWhenRecording() throws Exception {
        CaptureDir cap = store.capture("c1");
        try (Running r = recordByWallClock("c1", 64 << 10)) {
            write(writer, 0, 3000);
            Await.until("3000 packets stored", DEADLINE, () -> storedQuietly(cap) == 3000);
            r.stop();
        }
        List<ChunkEntry> entries = entries(cap);
        assertThat(entries.size()).isGreaterThan(10);
        long seq = 0;
        long stream = 0;
        for (ChunkEntry e : entries) {
            assertThat(e.bytes()).isLessThanOrEqualTo(64 << 10);
            assertThat(e.firstPacketSeq()).isEqualTo(seq);
            assertThat(e.streamOffset()).isEqualTo(stream);
            Path f = cap.dir().resolve(e.name());
            assertThat(Files.size(f)).isEqualTo(e.bytes());
            ChunkScan s = ChunkScan.of(f, Long.MAX_VALUE);
            assertThat(List.of(s.packets(), s.validEnd(), s.firstTs(), s.lastTs(), s.minTs(), s.maxTs()))
                    .isEqualTo(List.of(e.packets(), e.bytes(), e.firstTs(), e.lastTs(), e.minTs(), e.maxTs()));
            assertThat(Cmd.capinfosPackets(f)).as("capinfos on %s", f).isEqualTo(e.packets());
            seq = e.nextPacketSeq();
            stream = e.streamEnd();
        }
        assertThat(seq).isEqualTo(3000);
        assertThat(numbers(chunks(cap))).isEqualTo(range(0, 3000));
        HeadState h = head(cap);
        assertThat(h.finished()).isTrue();
        assertThat(h.visibleLength()).isZero();
        assertThat(h.openChunkSeq()).isEqualTo(entries.getLast().seq() + 1);
        assertThat(pendingFiles(cap)).isEmpty();
        assertThat(cap.recording()).isFalse();
    }

    /** Voluntary context switches of this process's thread named {@code name}: one per sleep. */
    private static long sleepsOf(String name) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : tasks.toList()) {
                if (Files.readString(t.resolve("comm")).strip().equals(name)) {
                    for (String line : Files.readAllLines(t.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:")) {
                            return Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
                        }
                    }
                }
            }
        }
        throw new AssertionError("no thread named " + name + " in /proc/self/task");
    }

    @Test
    void shouldNapInLongerSlicesWhenPacketsKeepComingSlowly() throws Exception {
        CaptureDir cap = store.capture("steady");
        try (Running r = recordByWallClock("steady", 64 << 20)) {
            write(writer, 0, 10);
            Await.until("10 packets recorded", DEADLINE, () -> r.recorder.packetsRecorded() == 10);
            long s0 = sleepsOf("recorder");
            long n = 10;
            long end = System.nanoTime() + 1_000_000_000L;
            while (System.nanoTime() < end) { // one packet every ~100 us: ~1 MB/s into a 16 MB ring
                write(writer, n++);
                java.util.concurrent.locks.LockSupport.parkNanos(100_000L);
            }
            long sleeps = sleepsOf("recorder") - s0;
            long total = n;
            Await.until(total + " packets recorded", DEADLINE, () -> r.recorder.packetsRecorded() == total);
            // 1 ms naps would be ~1000 sleeps in that second; at this rate the naps are 10 ms
            // (plus the 20 ms flushes): ~100-150.
            assertThat(sleeps).as("recorder sleeps while %d packets arrived over 1 s", total - 10).isLessThan(400);
            r.stop();
            assertThat(numbers(chunks(cap))).isEqualTo(range(0, total));
        }
    }

    @Test
    void shouldSealAChunkWhenItsTimeIsUpEvenWithoutNewPackets() throws Exception {
        FakeClock clock = new FakeClock();
        long minute = 60_000_000_000L;
        CaptureDir cap = store.capture("timed");
        try (Running r = record(store, "timed", ring, options(256 << 20, minute, RetentionLimits.NONE, clock::get))) {
            write(writer, 0, 10);
            Await.until("10 packets recorded", DEADLINE, () -> r.recorder.packetsRecorded() == 10);
            assertThat(entriesQuietly(cap)).isEmpty();
            clock.advance(minute);
            Await.until("the first chunk sealed by time", DEADLINE, () -> entriesQuietly(cap).size() == 1);
            write(writer, 10, 25);
            Await.until("25 packets recorded", DEADLINE, () -> r.recorder.packetsRecorded() == 25);
            clock.advance(minute);
            Await.until("the second chunk sealed by time", DEADLINE, () -> entriesQuietly(cap).size() == 2);
            r.stop();
        }
        List<ChunkEntry> e = entries(cap);
        assertThat(e).extracting(ChunkEntry::packets).containsExactly(10L, 15L);
        assertThat(numbers(chunks(cap))).isEqualTo(range(0, 25));
    }

    @Test
    void shouldCountRingLapsExactlyIntoTheCaptureWhenTheRecorderFellBehind() throws Exception {
        CaptureDir cap = store.capture("laps");
        CaptureRecorder.Options o = options(64 << 10, 3_600_000_000_000L, RetentionLimits.NONE, System::nanoTime);
        try (Running r = record(store, "laps", ring, o)) {
            write(writer, 0, 100);
            Await.until("100 packets stored", DEADLINE, () -> storedQuietly(cap) == 100);
            r.stop();
        }
        // While no recorder runs, the writer goes round the 16 MiB ring several times.
        int total = 60_000;
        write(writer, 100, total);
        long oldest = oldestInRing();
        assertThat(oldest).isGreaterThan(100);
        String labels = MetricsRegistry.labels("capture", "laps");
        long before = MetricsRegistry.global().snapshot().getOrDefault("pushcap_store_record_ring_lost_packets_total{" + labels + "}", 0L);
        try (Running r = record(store, "laps", ring, o)) {
            Await.until("the rest stored", DEADLINE, () -> storedQuietly(cap) == 100 + total - oldest);
            r.stop();
        }
        List<Long> expected = new ArrayList<>(range(0, 100));
        expected.addAll(range(oldest, total));
        assertThat(numbers(chunks(cap))).isEqualTo(expected);
        assertThat(head(cap).ringLost()).isEqualTo(oldest - 100);
        assertThat(entries(cap).stream().mapToLong(ChunkEntry::lostPackets).sum()).isEqualTo(oldest - 100);
        assertThat(MetricsRegistry.global().snapshot().get("pushcap_store_record_ring_lost_packets_total{" + labels + "}") - before)
                .isEqualTo(oldest - 100);
        assertThat(CaptureInfo.read(cap).lostPackets()).isEqualTo(oldest - 100);
    }

    @Test
    void shouldRefuseASecondRecorderOfTheSameCapture() throws Exception {
        CaptureRecorder.Options o = options(64 << 10, 3_600_000_000_000L, RetentionLimits.NONE, System::nanoTime);
        try (Running r = record(store, "one", ring, o)) {
            CaptureRecorder.Options other = new CaptureRecorder.Options("record2", 64 << 10, 3_600_000_000_000L,
                    20_000_000L, RetentionLimits.NONE, System::nanoTime);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> record(store, "one", ring, other))
                    .hasMessageContaining("capture one in " + store.dir() + " is being recorded by another recorder");
            assertThat(CaptureInfo.read(store.capture("one")).state()).isEqualTo("recording");
            r.stop();
        }
        assertThat(CaptureInfo.read(store.capture("one")).state()).isEqualTo("finished");
    }

    private long oldestInRing() {
        try (RingReader rr = ring.reader(new RingReader.Options("probe", RingReader.Start.OLDEST))) {
            Packet p = new Packet();
            assertThat(rr.next(p)).isTrue();
            return check(p);
        }
    }

    static long storedQuietly(CaptureDir cap) {
        try {
            return stored(cap);
        } catch (IOException e) {
            return -1;
        }
    }

    static List<ChunkEntry> entriesQuietly(CaptureDir cap) {
        try {
            return entries(cap);
        } catch (IOException e) {
            return List.of();
        }
    }

    static List<Path> pendingFiles(CaptureDir cap) throws IOException {
        try (Stream<Path> s = Files.list(cap.dir())) {
            return s.filter(p -> p.toString().endsWith(StoreDescriptor.PENDING_SUFFIX)).toList();
        }
    }
}
