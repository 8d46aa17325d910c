package io.pushcap.store;

import io.pushcap.ring.RingFile;
import io.pushcap.ring.RingWriter;
import io.pushcap.testsupport.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.pushcap.store.StoreTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retention by maximum bytes and by minimum free space: the store never holds more than allowed
 * (checked on the disk after every batch), the oldest data goes first across captures, and a
 * restarted recorder knows the store's usage at once instead of starting from zero.
 */
class RetentionTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final long HOUR = 3_600_000_000_000L;
    private static final long CHUNK = 64 << 10;
    private Path dir;
    private RingFile ring;
    private RingWriter writer;
    private long next;

    @BeforeEach
    void setUp() throws IOException {
        dir = ramDir("ret");
        ring = ring(dir, "r", 16 << 20);
        writer = writer(ring);
    }

    @AfterEach
    void tearDown() throws IOException {
        writer.close();
        ring.close();
        deleteTree(dir);
    }

    /** Sum of the sizes of every file in the store: what --max-bytes bounds. */
    static long diskUsage(Path store) throws IOException {
        try (Stream<Path> s = Files.walk(store)) {
            long total = 0;
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                total += Files.size(p);
            }
            return total;
        }
    }

    /** Writes packets from {@code from} in batches, checking after each that the store is within bounds. */
    private long writeChecked(Store store, CaptureDir cap, long from, long count, java.util.function.LongPredicate ok,
                              String what) throws IOException {
        return writeChecked(store, cap, from, count, 50, ok, what);
    }

    private long writeChecked(Store store, CaptureDir cap, long from, long count, int batchSize,
                              java.util.function.LongPredicate ok, String what) throws IOException {
        long storedBefore = stored(cap);
        long n = from;
        while (n < from + count) {
            long batch = Math.min(batchSize, from + count - n);
            write(writer, n, n + batch);
            n += batch;
            long want = storedBefore + (n - from);
            Await.until("batch stored", DEADLINE, () -> CaptureRecorderTest.storedQuietly(cap) == want);
            long usage = diskUsage(store.dir());
            assertThat(ok.test(usage)).as("%s after packet %d: %d bytes", what, n, usage).isTrue();
        }
        return n;
    }

    private List<String> deletions(Store store) throws IOException {
        Path log = store.dir().resolve(StoreDescriptor.RETENTION_LOG);
        if (!Files.exists(log)) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String l : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (l.contains(" delete ")) {
                out.add(l.split(" ")[2]);
            }
        }
        return out;
    }

    private void recordFinished(Store store, String name, long from, long count) throws Exception {
        try (Running r = record(store, name, ring, options(CHUNK, HOUR, RetentionLimits.NONE, System::nanoTime))) {
            write(writer, from, from + count);
            Await.until(name + " stored", DEADLINE, () -> CaptureRecorderTest.storedQuietly(store.capture(name)) == count);
            r.stop();
        }
    }

    @Test
    void shouldStayWithinMaxBytesAndDeleteTheOldestDataFirstAcrossCaptures() throws Exception {
        Store store = Store.create(dir.resolve("store"));
        // Recorded first but holding newer packets (timestamps grow with the packet number).
        recordFinished(store, "newer", 100_000, 400);
        // Recorded second, holding the oldest packets of the store.
        recordFinished(store, "older", 0, 400);
        long max = 768 << 10;
        CaptureDir cur = store.capture("current");
        try (Running r = record(store, "current", ring, options(CHUNK, HOUR, new RetentionLimits(max, 0), System::nanoTime))) {
            writeChecked(store, cur, 200_000, 4000, u -> u <= max, "usage within --max-bytes");
            r.stop();
        }
        List<String> deleted = deletions(store);
        List<String> owners = deleted.stream().map(d -> d.substring(0, d.indexOf('/'))).distinct().toList();
        assertThat(owners).containsExactly("older", "newer", "current");
        for (String c : List.of("older", "newer", "current")) {
            List<String> mine = deleted.stream().filter(d -> d.startsWith(c + "/")).toList();
            assertThat(mine).as("chunks of %s go in sequence order", c).isSorted();
        }
        assertThat(store.contains("older")).as("a finished capture with no chunks left is removed").isFalse();
        assertThat(store.contains("newer")).isFalse();
        // What is left of the current capture is its newest packets, without a hole.
        List<Long> left = numbers(chunks(cur));
        assertThat(left).isEqualTo(range(204_000 - left.size(), 204_000));
        assertThat(diskUsage(store.dir())).isLessThanOrEqualTo(max).isGreaterThan(max - 3 * CHUNK);
    }

    @Test
    void shouldEnforceTheLimitAtOnceAndAccuratelyWhenRestartedWithANearlyFullStore() throws Exception {
        Store store = Store.create(dir.resolve("store"));
        long max = 512 << 10;
        CaptureRecorder.Options o = options(CHUNK, HOUR, new RetentionLimits(max, 0), System::nanoTime);
        CaptureDir first = store.capture("first");
        try (Running r = record(store, "first", ring, o)) {
            next = writeChecked(store, first, 0, 1000, u -> u <= max, "first run");
            r.stop();
        }
        long full = diskUsage(store.dir());
        assertThat(full).as("nearly full: within a chunk of the limit").isGreaterThan(max - 2 * CHUNK).isLessThanOrEqualTo(max);
        int deletedBefore = deletions(store).size();

        // A restart that forgot the usage would now let the store grow to twice its limit.
        CaptureDir second = store.capture("second");
        try (Running r = record(store, "second", ring, o)) {
            writeChecked(store, second, next, 1000, u -> u <= max, "after restart");
            r.stop();
        }
        assertThat(deletions(store).size()).isGreaterThan(deletedBefore);
        assertThat(diskUsage(store.dir())).isGreaterThan(max - 3 * CHUNK);

        // Restarting with a lower limit enforces it before anything is written.
        long lower = 256 << 10;
        CaptureRecorder.Options tighter = options(CHUNK, HOUR, new RetentionLimits(lower, 0), System::nanoTime);
        try (Running r = record(store, "third", ring, tighter)) {
            long usage = diskUsage(store.dir());
            assertThat(usage).as("enforced at start, before any packet").isLessThanOrEqualTo(lower)
                    .isGreaterThan(lower - 3 * CHUNK);
            r.stop();
        }
    }

    @Test
    void shouldKeepMinFreeSpaceOnASmallFileSystem() throws Exception {
        assertThat(Files.readString(Path.of("/proc/self/status")).lines().filter(l -> l.startsWith("Uid:"))
                .findFirst().orElse("")).as("this test mounts a tmpfs: it needs root (CI runs as root)")
                .matches("Uid:\\s+0\\s.*");
        Path mnt = Files.createDirectories(dir.resolve("tmpfs"));
        exec("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mnt.toString());
        try {
            Store store = Store.create(mnt.resolve("store"));
            long minFree = 1 << 20;
            java.nio.file.FileStore fs = Files.getFileStore(mnt);
            CaptureDir cap = store.capture("small");
            try (Running r = record(store, "small", ring, options(CHUNK, HOUR, new RetentionLimits(0, minFree),
                    System::nanoTime))) {
                writeChecked(store, cap, 0, 12_000, 200, u -> usable(fs) >= minFree, "free space at least --min-free");
                r.stop();
            }
            assertThat(usable(fs)).isGreaterThanOrEqualTo(minFree).isLessThan(minFree + 4 * CHUNK);
            List<Long> left = numbers(chunks(cap));
            assertThat(left).isEqualTo(range(12_000 - left.size(), 12_000));
            assertThat(deletions(store)).isNotEmpty().allMatch(d -> d.startsWith("small/"));
            assertThat(Files.readString(store.dir().resolve(StoreDescriptor.RETENTION_LOG))).contains("reason=min_free");
        } finally {
            exec("umount", mnt.toString());
        }
    }

    private static long usable(java.nio.file.FileStore fs) {
        try {
            return fs.getUsableSpace();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void exec(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", String.join(" ", cmd), out).isZero();
    }
}
