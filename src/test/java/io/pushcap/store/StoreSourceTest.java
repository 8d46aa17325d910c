package io.pushcap.store;

import io.pushcap.metrics.MetricsRegistry;
import io.pushcap.pcap.Packet;
import io.pushcap.pipeline.SourcePosition;
import io.pushcap.ring.RingFile;
import io.pushcap.ring.RingWriter;
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
import java.util.concurrent.TimeUnit;

import static io.pushcap.store.StoreTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link StoreSource} following a capture while it is recorded (across sealed and open chunks),
 * resuming at saved positions, and counting exactly what retention deleted before it was read.
 */
class StoreSourceTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final long HOUR = 3_600_000_000_000L;
    private Path dir;
    private RingFile ring;
    private RingWriter writer;
    private Store store;

    @BeforeEach
    void setUp() throws IOException {
        dir = ramDir("src");
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

    /** Reads until {@code n} packets arrived, waiting with the source's own await. */
    private static List<Long> read(StoreSource s, int n) throws Exception {
        List<Long> got = new ArrayList<>();
        Packet p = new Packet();
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (got.size() < n) {
            if (s.next(p)) {
                got.add(check(p));
            } else {
                assertThat(System.nanoTime()).as("waiting for packet %d", got.size()).isLessThan(deadline);
                s.await(TimeUnit.MILLISECONDS.toNanos(100));
            }
        }
        return got;
    }

    @Test
    void shouldFollowTheCaptureAcrossSealedAndOpenChunksWhileItIsRecorded() throws Exception {
        try (Running r = record(store, "live", ring, options(64 << 10, HOUR, RetentionLimits.NONE, System::nanoTime));
             StoreSource s = StoreSource.open(store, "live", true, "test")) {
            List<Long> got = new ArrayList<>();
            for (int batch = 0; batch < 10; batch++) {
                write(writer, batch * 500L, (batch + 1) * 500L);
                got.addAll(read(s, 500));
                assertThat(s.ended()).isFalse();
            }
            assertThat(got).isEqualTo(range(0, 5000));
            assertThat(s.lostPackets()).isZero();
            Packet p = new Packet();
            assertThat(s.next(p)).isFalse();
            assertThat(s.await(TimeUnit.MILLISECONDS.toNanos(20))).isFalse();
            r.stop();
            assertThat(s.next(p)).isFalse();
            assertThat(s.ended()).isTrue();
            long recordBytes = 0;
            for (long n = 0; n < 5000; n++) {
                recordBytes += 16 + lengthOf(n);
            }
            assertThat(s.position()).isEqualTo(new SourcePosition(5000, recordBytes, 0));
            assertThat(entries(store.capture("live")).size()).isGreaterThan(20);
        }
    }

    @Test
    void shouldStartAtTheCurrentEndWhenNotFollowingFromTheStart() throws Exception {
        try (Running r = record(store, "now", ring, options(64 << 10, HOUR, RetentionLimits.NONE, System::nanoTime))) {
            write(writer, 0, 100);
            Await.until("100 stored", DEADLINE, () -> CaptureRecorderTest.storedQuietly(store.capture("now")) == 100);
            try (StoreSource s = StoreSource.open(store, "now", false, "test")) {
                assertThat(s.next(new Packet())).isFalse();
                write(writer, 100, 200);
                assertThat(read(s, 100)).isEqualTo(range(100, 200));
            }
            r.stop();
        }
    }

    @Test
    void shouldReturnTheSamePacketsAgainAfterSeekingToASavedPosition() throws Exception {
        try (Running r = record(store, "seek", ring, options(64 << 10, HOUR, RetentionLimits.NONE, System::nanoTime))) {
            write(writer, 0, 3000);
            Await.until("3000 stored", DEADLINE, () -> CaptureRecorderTest.storedQuietly(store.capture("seek")) == 3000);
            r.stop();
        }
        SourcePosition next;
        SourcePosition last;
        try (StoreSource s = StoreSource.open(store, "seek", true, "test")) {
            assertThat(read(s, 1234)).isEqualTo(range(0, 1234));
            next = s.position();
            last = s.positionOfLast();
            assertThat(last.major()).isEqualTo(1233);
            assertThat(last.timestampNanos()).isEqualTo(timestampOf(1233));
        }
        try (StoreSource s = StoreSource.open(store, "seek", false, "test")) {
            assertThat(s.ended()).isTrue();
            s.seek(next);
            assertThat(s.ended()).isFalse();
            assertThat(read(s, 3000 - 1234)).isEqualTo(range(1234, 3000));
            assertThat(s.ended()).isTrue();
            s.seek(last);
            assertThat(read(s, 2)).containsExactly(1233L, 1234L);
            s.seek(SourcePosition.START);
            assertThat(read(s, 1)).containsExactly(0L);
            assertThat(s.lostPackets()).isZero();
        }
    }

    @Test
    void shouldResumeAtTheOldestChunkAndCountTheExactGapWhenRetentionDeletedTheSavedPosition() throws Exception {
        CaptureDir cap = store.capture("trim");
        // 64 KiB chunks, at most 256 KiB in the store: retention deletes chunks as the capture grows.
        CaptureRecorder.Options o = options(64 << 10, HOUR, new RetentionLimits(256 << 10, 0), System::nanoTime);
        SourcePosition saved;
        try (Running r = record(store, "trim", ring, o)) {
            write(writer, 0, 150);
            Await.until("150 stored", DEADLINE, () -> CaptureRecorderTest.storedQuietly(cap) == 150);
            try (StoreSource s = StoreSource.open(store, "trim", true, "early")) {
                assertThat(read(s, 100)).isEqualTo(range(0, 100));
                saved = s.position();
                // This reader holds chunk 1 open: it keeps reading it after retention deletes it.
                write(writer, 150, 3000);
                Await.until("3000 stored", DEADLINE, () -> CaptureRecorderTest.storedQuietly(cap) == 3000);
                assertThat(Files.exists(cap.chunk(1))).isFalse();
                List<Long> rest = read(s, 1);
                assertThat(rest).containsExactly(100L);
            }
            r.stop();
        }
        ChunkEntry oldest = entries(cap).stream().filter(e -> Files.exists(cap.dir().resolve(e.name()))).findFirst()
                .orElseThrow();
        assertThat(oldest.firstPacketSeq()).isGreaterThan(100);
        String labels = "pushcap_store_source_lost_packets_total{" + MetricsRegistry.labels("capture", "trim", "reader", "late") + "}";
        long before = MetricsRegistry.global().snapshot().getOrDefault(labels, 0L);
        try (StoreSource s = StoreSource.open(store, "trim", false, "late")) {
            s.seek(saved);
            List<Long> got = read(s, (int) (3000 - oldest.firstPacketSeq()));
            assertThat(got).isEqualTo(range(oldest.firstPacketSeq(), 3000));
            assertThat(s.lostPackets()).isEqualTo(oldest.firstPacketSeq() - 100);
            assertThat(s.ended()).isTrue();
        }
        assertThat(MetricsRegistry.global().snapshot().get(labels) - before).isEqualTo(oldest.firstPacketSeq() - 100);
        CaptureInfo info = CaptureInfo.read(cap);
        assertThat(info.deletedPackets()).isEqualTo(oldest.firstPacketSeq());
        assertThat(info.packets()).isEqualTo(3000 - oldest.firstPacketSeq());
    }

    @Test
    void shouldRefuseAnUnknownCaptureNameClearly() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> StoreSource.open(store, "nope", true, "t"))
                .hasMessageContaining("no capture named 'nope' in store " + store.dir());
    }
}
