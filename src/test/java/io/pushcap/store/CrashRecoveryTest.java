package io.pushcap.store;

import io.pushcap.capture.JavaProcess;
import io.pushcap.ring.RingFile;
import io.pushcap.ring.RingWriter;
import io.pushcap.testing.Cmd;
import io.pushcap.testsupport.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static io.pushcap.store.StoreTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A recorder JVM killed with SIGKILL while packets keep arriving: every indexed chunk is complete
 * (capinfos reads exactly its indexed packets), the open chunk's visible prefix is intact, and a
 * restarted {@code pushcap record} recovers the capture and continues the ring exactly, so the
 * capture ends up with every packet once.
 */
class CrashRecoveryTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    /** The feeder stops at this many packets at most; normally it is stopped after the last kill. */
    private static final int MAX_PACKETS = 400_000;
    private Path dir;
    private Path ringPath;
    private Path storeDir;
    private RingFile ring;
    private final List<Process> processes = new ArrayList<>();
    /** Ring packet number of the capture's first packet (the recorder starts at the ring's write position). */
    private long firstNumber = -1;
    private volatile boolean stopFeeding;
    private volatile long fed;

    @BeforeEach
    void setUp() throws IOException {
        dir = ramDir("crash");
        ringPath = dir.resolve("r");
        ring = RingFile.create(ringPath, new RingFile.CreateOptions(48 << 20, false));
        storeDir = dir.resolve("store");
    }

    @AfterEach
    void tearDown() throws IOException, InterruptedException {
        for (Process p : processes) {
            if (p.isAlive()) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        ring.close();
        deleteTree(dir);
    }

    private Process recorder(int run) throws IOException {
        Process p = JavaProcess.pushcap(List.of(), null, dir.resolve("record-" + run + ".log"), "record",
                ringPath.toString(), "--store", storeDir.toString(), "--chunk-size", "64k", "--flush-interval", "10ms");
        processes.add(p);
        return p;
    }

    private CaptureDir capture() throws IOException {
        List<CaptureDir> all = Store.at(storeDir).captures();
        return all.size() == 1 ? all.getFirst() : null;
    }

    private int entriesQuietly() {
        try {
            return entries(capture()).size();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private boolean midWrite(int minEntries) {
        try {
            CaptureDir c = capture();
            return c != null && entries(c).size() >= minEntries && head(c).visiblePackets() > 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    @Test
    void shouldKeepEveryIndexedChunkWholeAndLoseNothingWhenTheRecorderIsKilledTwice() throws Exception {
        Thread feeder;
        try (RingWriter w = writer(ring)) {
            Process first = recorder(1);
            Await.until("the recorder's ring reader", DEADLINE, () -> ring.info().readers().stream()
                    .anyMatch(r -> r.name().equals("record") && r.alive()));
            feeder = Thread.ofPlatform().name("feeder").start(() -> {
                for (long n = 0; n < MAX_PACKETS && !stopFeeding; n++) {
                    write(w, n);
                    fed = n + 1;
                    if (n % 50 == 49) {
                        LockSupport.parkNanos(5_000_000L); // ~10,000 packets/s: the kills land mid-stream
                        holdBackWhileTheRecorderIsFarBehind();
                    }
                }
            });
            waitFor("chunks sealed and an open chunk visible", () -> midWrite(3));
            kill(first);
            checkAfterCrash();

            Process second = recorder(2);
            int seen = entries(capture()).size();
            waitFor("recording again", () -> midWrite(seen + 3));
            kill(second);
            checkAfterCrash();

            Process third = recorder(3);
            int seenBeforeThird = entriesQuietly();
            waitFor("recording a third time", () -> midWrite(seenBeforeThird + 3));
            stopFeeding = true;
            feeder.join(60_000);
            waitFor("every packet stored", () -> {
                try {
                    return stored(capture()) == fed - firstNumber;
                } catch (IOException e) {
                    return false;
                }
            });
            third.destroy();
            assertThat(third.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(third.exitValue()).isEqualTo(143);
        }
        CaptureDir cap = capture();
        assertThat(firstNumber).isLessThan(1000);
        assertThat(numbers(chunks(cap))).as("every packet exactly once, in order").isEqualTo(range(firstNumber, fed));
        assertThat(head(cap).finished()).isTrue();
        assertThat(head(cap).ringLost()).isZero();
        for (int run = 2; run <= 3; run++) {
            assertThat(Files.readString(dir.resolve("record-" + run + ".log")))
                    .contains("continuing capture " + cap.name()).contains("recovered after an unclean stop")
                    .contains("exactly after the last packet kept");
        }
        for (Path f : chunks(cap)) {
            Cmd.tcpdump(f, "-c", "1"); // tcpdump reads each chunk without complaint
        }
    }

    /**
     * Packets keep arriving while no recorder runs, as on a real tap; but a JVM restart on a loaded
     * machine can take longer than the ring holds at this rate, and a lapped recorder loses packets
     * by design (counted, not an error). The test is about crash recovery, not ring sizing, so the
     * feeder waits while the newest recorder is more than half a ring behind.
     */
    private void holdBackWhileTheRecorderIsFarBehind() {
        while (!stopFeeding) {
            var info = ring.info();
            long newest = info.readers().stream().filter(r -> r.name().equals("record"))
                    .mapToLong(r -> r.position()).max().orElse(info.position());
            if (info.position() - newest <= info.capacity() / 2) {
                return;
            }
            LockSupport.parkNanos(5_000_000L);
        }
    }

    /** Waits with a deadline; on timeout the failure carries the recorders' logs. */
    private void waitFor(String what, java.util.function.BooleanSupplier condition) throws IOException {
        try {
            Await.until(what, DEADLINE, condition);
        } catch (AssertionError e) {
            StringBuilder logs = new StringBuilder(e.getMessage());
            for (int run = 1; run <= processes.size(); run++) {
                logs.append("\n--- record run ").append(run).append(":\n")
                        .append(Files.readString(dir.resolve("record-" + run + ".log")));
            }
            throw new AssertionError(logs.toString(), e);
        }
    }

    private static void kill(Process p) throws InterruptedException {
        p.destroyForcibly(); // SIGKILL
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(137);
    }

    /** What a reader may see after the crash is whole: indexed chunks and the open chunk's visible prefix. */
    private void checkAfterCrash() throws IOException {
        CaptureDir cap = capture();
        List<ChunkEntry> entries = entries(cap);
        long expectNext = 0;
        for (ChunkEntry e : entries) {
            Path f = cap.dir().resolve(e.name());
            assertThat(Files.size(f)).isEqualTo(e.bytes());
            assertThat(Cmd.capinfosPackets(f)).as("capinfos on %s", f).isEqualTo(e.packets());
            assertThat(e.firstPacketSeq()).isEqualTo(expectNext);
            expectNext = e.nextPacketSeq();
        }
        HeadState h = head(cap);
        assertThat(h.finished()).isFalse();
        List<Path> files = chunks(cap);
        if (files.size() == entries.size() + 1) {
            // Killed after the rename of a sealed chunk, before its index entry: it is whole too.
            Path sealed = cap.chunk(entries.isEmpty() ? 1 : entries.getLast().seq() + 1);
            assertThat(files.getLast()).isEqualTo(sealed);
            ChunkScan scan = ChunkScan.of(sealed, Long.MAX_VALUE);
            assertThat(scan.tornBytes()).isZero();
            assertThat(h.openChunkSeq()).isEqualTo(entries.isEmpty() ? 1 : entries.getLast().seq() + 1);
            assertThat(h.visibleLength()).isEqualTo(scan.validEnd());
            assertThat(Cmd.capinfosPackets(sealed)).isEqualTo(h.visiblePackets());
        } else if (!entries.isEmpty() && h.openChunkSeq() == entries.getLast().seq()) {
            // Killed after the index entry, before the head announced the next chunk.
            assertThat(files).hasSize(entries.size());
            assertThat(h.nextPacketSeq()).isEqualTo(expectNext);
            assertThat(Files.exists(cap.pending(h.openChunkSeq()))).isFalse();
            assertThat(Files.exists(cap.pending(h.openChunkSeq() + 1))).isFalse();
            expectNext -= h.visiblePackets();
        } else if (h.visibleLength() == 0) {
            // Killed before anything of the new chunk was made visible: readers see no part of it.
            assertThat(files).hasSize(entries.size());
            assertThat(h.openFirstPacketSeq()).isEqualTo(expectNext);
        } else {
            assertThat(files).hasSize(entries.size());
            assertThat(h.openFirstPacketSeq()).isEqualTo(expectNext);
            Path pending = cap.pending(h.openChunkSeq());
            assertThat(Files.size(pending)).isGreaterThanOrEqualTo(h.visibleLength());
            Path prefix = dir.resolve("prefix.pcap");
            try (FileChannel in = FileChannel.open(pending, StandardOpenOption.READ);
                 FileChannel out = FileChannel.open(prefix, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                         StandardOpenOption.TRUNCATE_EXISTING)) {
                in.transferTo(0, h.visibleLength(), out);
            }
            assertThat(Cmd.capinfosPackets(prefix)).isEqualTo(h.visiblePackets());
            files = new ArrayList<>(files);
            files.add(prefix);
        }
        List<Long> got = numbers(files);
        if (firstNumber < 0) {
            firstNumber = got.getFirst();
        }
        assertThat(got).isEqualTo(range(firstNumber, firstNumber + expectNext + h.visiblePackets()));
        assertThat(CaptureInfo.read(cap).state()).isEqualTo("interrupted");
    }
}
