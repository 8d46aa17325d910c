package io.pushcap.store;

import io.pushcap.pcap.CaptureFiles;
import io.pushcap.pcap.CaptureReader;
import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.Packet;
import io.pushcap.ring.RingFile;
import io.pushcap.ring.RingWriter;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * Shared by the store tests: RAM scratch directories, rings fed with self-identifying packets
 * (an Ethernet header, then the packet number, then bytes derived from it) and readers that
 * check every stored packet against its number.
 */
final class StoreTestSupport {
    static final long BASE_TS = 1_700_000_000_000_000_000L;

    private StoreTestSupport() {
    }

    static Path ramDir(String prefix) throws IOException {
        return Files.createTempDirectory(Path.of("/dev/shm"), "pushcap-" + prefix + "-");
    }

    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static RingFile ring(Path dir, String name, long size) {
        return RingFile.create(dir.resolve(name), new RingFile.CreateOptions(size, false));
    }

    static RingWriter writer(RingFile ring) {
        RingWriter w = ring.writer("test");
        w.declare(LinkType.ETHERNET, 65535);
        return w;
    }

    /** Frame length of packet {@code n}: 60..1059 bytes, varied. */
    static int lengthOf(long n) {
        return 60 + (int) ((n * 7919) % 1000);
    }

    static long timestampOf(long n) {
        return BASE_TS + n * 1_000L;
    }

    /** Writes packet {@code n} into the ring. */
    static void write(RingWriter w, long n) {
        int len = lengthOf(n);
        long at = w.claim(len);
        MemorySegment s = w.segment();
        for (int i = 0; i < 12; i++) {
            s.set(JAVA_BYTE, at + i, (byte) (i < 6 ? 0x02 : 0x04));
        }
        s.set(JAVA_BYTE, at + 12, (byte) 0x88);
        s.set(JAVA_BYTE, at + 13, (byte) 0xb5); // local experimental ethertype
        s.set(JAVA_LONG_UNALIGNED, at + 14, n);
        for (int i = 22; i < len; i++) {
            s.set(JAVA_BYTE, at + i, (byte) (n * 31 + i));
        }
        w.commit(timestampOf(n), len, LinkType.ETHERNET, 1, 0);
    }

    static void write(RingWriter w, long from, long toExclusive) {
        for (long n = from; n < toExclusive; n++) {
            write(w, n);
        }
    }

    /** The packet number of a frame written by {@link #write}, or -1 when any byte is wrong. */
    static long check(Packet p) {
        if (p.caplen() < 22) {
            return -1;
        }
        long n = p.segment().get(JAVA_LONG_UNALIGNED, p.offset() + 14);
        if (p.caplen() != lengthOf(n) || p.wirelen() != lengthOf(n) || p.timestampNanos() != timestampOf(n)) {
            return -1;
        }
        for (int i = 22; i < p.caplen(); i++) {
            if (p.segment().get(JAVA_BYTE, p.offset() + i) != (byte) (n * 31 + i)) {
                return -1;
            }
        }
        return n;
    }

    /** Packet numbers of every record of the given pcap files, in order (-1 for a damaged one). */
    static List<Long> numbers(List<Path> files) throws IOException {
        List<Long> out = new ArrayList<>();
        Packet p = new Packet();
        for (Path f : files) {
            try (CaptureReader r = CaptureFiles.open(f)) {
                while (r.next(p)) {
                    out.add(check(p));
                }
            }
        }
        return out;
    }

    static List<Long> range(long from, long toExclusive) {
        List<Long> out = new ArrayList<>();
        for (long n = from; n < toExclusive; n++) {
            out.add(n);
        }
        return out;
    }

    /** Sealed chunk files of a capture in sequence order. */
    static List<Path> chunks(CaptureDir cap) throws IOException {
        try (Stream<Path> s = Files.list(cap.dir())) {
            return s.filter(p -> p.getFileName().toString().endsWith(StoreDescriptor.CHUNK_SUFFIX)).sorted().toList();
        }
    }

    /** A controllable monotonic clock for rotation and flush deadlines. */
    static final class FakeClock {
        final AtomicLong now = new AtomicLong(1_000_000_000_000L);

        long get() {
            return now.get();
        }

        void advance(long nanos) {
            now.addAndGet(nanos);
        }
    }

    static CaptureRecorder.Options options(long chunkSize, long chunkTimeNanos, RetentionLimits limits,
                                           java.util.function.LongSupplier clock) {
        return new CaptureRecorder.Options("record", chunkSize, chunkTimeNanos, 20_000_000L, limits, clock);
    }

    /** Runs a recorder on its own thread; {@link #stop()} asks it to finish and waits. */
    static final class Running implements AutoCloseable {
        final CaptureRecorder recorder;
        final Thread thread;
        volatile Throwable failure;

        Running(CaptureRecorder recorder) {
            this.recorder = recorder;
            this.thread = Thread.ofPlatform().name("recorder").start(() -> {
                try {
                    recorder.run();
                } catch (Throwable t) {
                    failure = t;
                }
            });
        }

        void stop() throws InterruptedException {
            recorder.stop();
            thread.join(30_000);
            if (thread.isAlive()) {
                throw new AssertionError("recorder did not stop within 30 s");
            }
            if (failure != null) {
                throw new AssertionError("recorder failed", failure);
            }
        }

        @Override
        public void close() throws InterruptedException {
            if (thread.isAlive()) {
                stop();
            }
        }
    }

    static Running record(Store store, String name, RingFile ring, CaptureRecorder.Options o)
            throws IOException, InterruptedException {
        return new Running(CaptureRecorder.open(store, name, ring, CaptureRecorder.claimReader(ring, o), o, false));
    }

    static HeadState head(CaptureDir cap) throws IOException {
        try (HeadFile h = HeadFile.openReadOnly(cap.head())) {
            return h.read();
        }
    }

    static List<ChunkEntry> entries(CaptureDir cap) throws IOException {
        try (ChunkIndex i = ChunkIndex.openReadOnly(cap.index())) {
            return List.copyOf(i.entries());
        }
    }

    /** Packets recorded (sealed + visible) according to index and head. */
    static long stored(CaptureDir cap) throws IOException {
        HeadState h = head(cap);
        return h.nextPacketSeq();
    }
}
