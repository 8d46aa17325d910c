package io.pushcap.pipeline.source;

import io.pushcap.pcap.Packet;
import io.pushcap.pipeline.PacketSource;
import io.pushcap.pipeline.SourcePosition;
import io.pushcap.synth.Mix;
import io.pushcap.synth.TrafficGenerator;
import io.pushcap.testsupport.CraftedCaptures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;

// A separate thread: a view waits uninterruptibly, so a hang must fail the test, not stall the build.
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SharedFileReadTest {
    @TempDir
    Path dir;

    /** What a target sees of one packet: its fields, a checksum of its bytes, and the positions around it. */
    private record Seen(long ts, int caplen, int wirelen, int linkType, long crc, SourcePosition of, SourcePosition after) {
    }

    private static Seen see(PacketSource s, Packet p) {
        CRC32C crc = new CRC32C();
        crc.update(p.segment().asSlice(p.offset(), p.caplen()).asByteBuffer());
        return new Seen(p.timestampNanos(), p.caplen(), p.wirelen(), p.linkType(), crc.getValue(), s.positionOfLast(),
                s.position());
    }

    private static List<Seen> drain(PacketSource s, int limit, int pauseEvery) throws Exception {
        List<Seen> seen = new ArrayList<>();
        Packet p = new Packet();
        while (seen.size() < limit && s.next(p)) {
            seen.add(see(s, p));
            if (pauseEvery > 0 && seen.size() % pauseEvery == 0) {
                Thread.sleep(1); // a slow target: the others must wait for it, never overtake its batches
            }
        }
        return seen;
    }

    private Path mixed(String name, long packets, long seed) throws Exception {
        Path f = dir.resolve(name);
        TrafficGenerator.builder().mix(Mix.MIXED).seed(seed).packets(packets).flows(500).build().write(f);
        return f;
    }

    private static List<Seen> privately(List<Path> files) throws Exception {
        try (FileSetSource s = FileSetSource.open(files)) {
            List<Seen> all = drain(s, Integer.MAX_VALUE, 0);
            assertThat(s.position()).isEqualTo(new SourcePosition(files.size(), 0, 0));
            return all;
        }
    }

    @Test
    void shouldGiveEveryViewThePacketsAndPositionsOfAPrivateReaderWhenTheFilesFillTheRingSeveralTimes() throws Exception {
        // ~50 MB in two files: six times the ring's 8 slots of 1 MiB, so every slot is reused.
        List<Path> files = List.of(mixed("a.pcap", 30_000, 1), mixed("b.pcap", 30_000, 2));
        List<Seen> expected = privately(files);
        SharedFileRead shared = SharedFileRead.open(files, TimeWindow.ALL);
        List<PacketSource> views = List.of(shared.view(), shared.view(), shared.view());
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<List<Seen>>> got = new ArrayList<>();
            for (int i = 0; i < views.size(); i++) {
                PacketSource v = views.get(i);
                int pause = i == 1 ? 100 : 0;
                got.add(pool.submit(() -> drain(v, Integer.MAX_VALUE, pause)));
            }
            for (int i = 0; i < views.size(); i++) {
                assertThat(got.get(i).get()).as("view %d", i).hasSize(60_000).isEqualTo(expected);
                assertThat(views.get(i).ended()).isTrue();
                assertThat(views.get(i).position()).isEqualTo(new SourcePosition(2, 0, 0));
                assertThat(views.get(i).bytesConsumed()).isEqualTo(views.get(i).sizeHint());
            }
        } finally {
            pool.shutdownNow();
            for (PacketSource v : views) {
                v.close();
            }
        }
    }

    @Test
    void shouldLetTheOthersFinishWhenOneViewDetachesAndNeverReadsAgain() throws Exception {
        List<Path> files = List.of(mixed("a.pcap", 40_000, 3));
        List<Seen> expected = privately(files);
        SharedFileRead shared = SharedFileRead.open(files, TimeWindow.ALL);
        PacketSource quitter = shared.view();
        PacketSource other = shared.view();
        try {
            assertThat(drain(quitter, 10, 0)).isEqualTo(expected.subList(0, 10));
            quitter.detach();
            // Without the detach the reader would wait for the quitter after 16 batches: a hang.
            assertThat(drain(other, Integer.MAX_VALUE, 0)).isEqualTo(expected);
        } finally {
            quitter.close();
            other.close();
        }
    }

    @Test
    void shouldReadOnFromTheSamePacketAsAPrivateReaderWhenAViewSeeksBack() throws Exception {
        List<Path> files = List.of(mixed("a.pcap", 25_000, 4), mixed("b.pcap", 5_000, 5));
        List<Seen> expected = privately(files);
        SharedFileRead shared = SharedFileRead.open(files, TimeWindow.ALL);
        PacketSource retrying = shared.view();
        PacketSource other = shared.view();
        // Each target reads on its own thread: the reader waits for the slower of the two.
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<List<Seen>> others = pool.submit(() -> drain(other, Integer.MAX_VALUE, 0));
            List<Seen> first = drain(retrying, 20_000, 0);
            // A failed split is produced again from its first packet (TargetRunner.retryAfter).
            retrying.detach();
            assertThat(retrying.position()).isEqualTo(expected.get(19_999).after());
            retrying.seek(first.get(12_345).of());
            List<Seen> again = drain(retrying, Integer.MAX_VALUE, 0);
            assertThat(again).isEqualTo(expected.subList(12_345, expected.size()));
            assertThat(retrying.ended()).isTrue();
            assertThat(others.get()).isEqualTo(expected);
        } finally {
            pool.shutdownNow();
            retrying.close();
            other.close();
        }
    }

    @Test
    void shouldNameDamageOnlyToViewsThatReadPastItWhenAFileIsTruncated() throws Exception {
        Path whole = CraftedCaptures.ethernet(dir.resolve("a.pcap"), 20, 3);
        List<Long> offsets = CraftedCaptures.pcapRecordOffsets(whole);
        Path cut = CraftedCaptures.truncate(whole, offsets.get(12) + 20, dir.resolve("cut.pcap"));
        Path next = CraftedCaptures.ethernet(dir.resolve("b.pcap"), 7, 4);
        SharedFileRead shared = SharedFileRead.open(List.of(cut, next), TimeWindow.ALL);
        PacketSource all = shared.view();
        PacketSource early = shared.view();
        try {
            assertThat(drain(early, 5, 0)).hasSize(5);
            early.detach();
            assertThat(drain(all, Integer.MAX_VALUE, 0)).hasSize(12 + 7);
            assertThat(all.damage()).singleElement().asString()
                    .contains(cut.toString(), "truncated record", "at byte offset " + offsets.get(12));
            assertThat(early.damage()).as("a view that left before the damage did not meet it").isEmpty();
        } finally {
            all.close();
            early.close();
        }
    }

    @Test
    void shouldHandEveryPacketBeforeAReadErrorToEachViewAndThenTheError() throws Exception {
        Path first = CraftedCaptures.ethernet(dir.resolve("a.pcap"), 20, 3);
        Path gone = CraftedCaptures.ethernet(dir.resolve("b.pcap"), 7, 4);
        List<Seen> before = privately(List.of(first));
        SharedFileRead shared = SharedFileRead.open(List.of(first, gone), TimeWindow.ALL);
        java.nio.file.Files.delete(gone); // checked at open, gone when the reader reaches it
        List<PacketSource> views = List.of(shared.view(), shared.view());
        try {
            for (PacketSource v : views) {
                Packet p = new Packet();
                List<Seen> got = new ArrayList<>();
                assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> {
                    while (v.next(p)) {
                        got.add(see(v, p));
                    }
                })).isInstanceOf(java.io.IOException.class).hasMessageContaining(gone.toString());
                // The same packets a reader of its own returns before it meets the missing file.
                assertThat(got).hasSize(20);
                assertThat(got.stream().map(Seen::crc).toList()).isEqualTo(before.stream().map(Seen::crc).toList());
            }
        } finally {
            for (PacketSource v : views) {
                v.close();
            }
        }
    }

    @Test
    void shouldGrowABatchForAPacketLargerThanASlot() throws Exception {
        // Two packets of 3 MiB (libpcap allows 256 KiB for Ethernet, but 128 MiB for D-Bus, link
        // type 231); copied whole, not cut at the slot's size.
        Path big = dir.resolve("big.pcap");
        int len = 3 << 20;
        try (var w = io.pushcap.pcap.PcapWriter.create(big, 231, len, io.pushcap.pcap.TimestampPrecision.NANO);
             var arena = java.lang.foreign.Arena.ofConfined()) {
            var bytes = arena.allocate(len);
            for (int i = 0; i < 2; i++) {
                bytes.fill((byte) (i + 1));
                w.write(1_000L + i, len, bytes, 0, len);
            }
        }
        List<Seen> expected = privately(List.of(big));
        assertThat(expected).hasSize(2).allSatisfy(s -> assertThat(s.caplen()).isEqualTo(len));
        SharedFileRead shared = SharedFileRead.open(List.of(big), TimeWindow.ALL);
        PacketSource a = shared.view();
        PacketSource b = shared.view();
        try {
            assertThat(drain(a, Integer.MAX_VALUE, 0)).isEqualTo(expected);
            Packet p = new Packet();
            assertThat(b.next(p)).isTrue();
            assertThat(p.segment().get(ValueLayout.JAVA_BYTE, p.offset() + len - 1)).isEqualTo((byte) 1);
        } finally {
            a.close();
            b.close();
        }
    }
}
