package io.pushcap.pipeline.source;

import io.pushcap.pcap.Packet;
import io.pushcap.pipeline.PacketSource;
import io.pushcap.pipeline.SourcePosition;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One read of an offline push's files for all of its targets: a reader thread decodes the files
 * once (a {@link FileSetSource}, so the window, damage and every capture format behave as for one
 * target) and copies each packet into a batch; every target's {@link #view() view} walks the same
 * batches. Each target then only filters, splits, compresses and publishes (issue 13, target 4:
 * four targets used to read and decode the input four times, ~0.5 CPU-s per extra target and GiB).
 *
 * <p>Batches live in a ring of {@value #SLOTS} slots of {@value #SLOT_BYTES} bytes each. The
 * reader fills a slot only after every attached view has moved past the batch it held, so the
 * slowest target sets the pace and memory stays bounded. The ring is small so that the targets,
 * close behind the reader, find the packets still in the shared cache: 8 MiB used less CPU than
 * 32 MiB (16 slots of 2 MiB) in alternating four-target pushes (docs/performance.md).
 *
 * <p>A view that seeks (a retry that produces a split again, a sink's committed position) leaves
 * the shared read and goes on with a {@link FileSetSource} of its own, positioned exactly where a
 * private source would be: positions, cursors and manifests are the same either way. A view that
 * stops reading for a while calls {@link PacketSource#detach()} first (a retry's backoff), so that
 * a target waiting for a dead server never holds the others back.
 *
 * <p><b>Note:</b> thread-safe between the reader thread and the views; each view is single-threaded,
 * as every {@link PacketSource}, and each needs a thread of its own: a view waits (uninterruptibly)
 * for the reader, which waits for the slowest attached view, so one thread reading two views
 * that are a ring apart would wait for itself. A packet from a view points into a batch and is valid until that
 * view's next call. The reader thread starts with the first view's first read; it stops when the
 * files end, on a read error (each view throws it where the packets before it end), or when every
 * view has left. Memory (the slots, native) is freed when the last view is closed.
 */
public final class SharedFileRead {
    static final int SLOTS = 8;
    static final int SLOT_BYTES = 1 << 20;
    static final int SLOT_PACKETS = 8_192;

    private final List<Path> files;
    private final TimeWindow window;
    private final FileSetSource reader;
    private final long[] consumedBefore;
    private final SourcePosition start;
    private final Batch[] ring = new Batch[SLOTS];
    /** The slots' memory: one shared arena, as closing each costs a handshake with every thread. */
    private final Arena arena = Arena.ofShared();
    private final List<View> attached = new ArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition published = lock.newCondition();
    private final Condition released = lock.newCondition();
    /** Batches the reader has published; batch {@code s} is in slot {@code s % SLOTS}. Guarded by lock. */
    private long publishedSeq;
    /** Set with the last batch: the reader met the end of the files, or this error. Guarded by lock. */
    private boolean finished;
    private IOException failure;
    /** Damage the reader met, each with the number of packets it had read before it. Guarded by lock. */
    private final List<Damage> damage = new ArrayList<>();
    private Thread thread;
    private int views;
    private int closedViews;
    private boolean stopping;

    private SharedFileRead(List<Path> files, TimeWindow window) throws IOException {
        this.files = List.copyOf(files);
        this.window = window;
        this.reader = FileSetSource.open(files, window);
        this.start = reader.position();
        this.consumedBefore = new long[files.size() + 1];
        for (int i = 0; i < files.size(); i++) {
            consumedBefore[i + 1] = consumedBefore[i] + Files.size(files.get(i));
        }
    }

    /** Checks the files as {@link FileSetSource#open(List, TimeWindow)} does; reads nothing yet. */
    public static SharedFileRead open(List<Path> files, TimeWindow window) throws IOException {
        return new SharedFileRead(files, window);
    }

    /** A new target's source over the shared read, starting at the beginning of the files. */
    public PacketSource view() {
        lock.lock();
        try {
            if (thread != null) {
                throw new IllegalStateException("views must be taken before the first read");
            }
            View v = new View();
            attached.add(v);
            views++;
            return v;
        } finally {
            lock.unlock();
        }
    }

    private void startIfNeeded() {
        lock.lock();
        try {
            if (thread == null && !stopping) {
                thread = Thread.ofPlatform().daemon().name("push-reader").start(this::produce);
            }
        } finally {
            lock.unlock();
        }
    }

    /** A damaged input, and how many packets came before it: a view has met it once it read past them. */
    private record Damage(String place, String message, long afterPackets) {
    }

    private void produce() {
        Packet p = new Packet();
        long seq = 0;
        long produced = 0;
        int damageSeen = 0;
        boolean held = false;
        IOException error = null;
        Batch b = null;
        try {
            while (true) {
                if (!held) {
                    boolean got = reader.next(p);
                    if (reader.damageCount() != damageSeen) {
                        damageSeen = noteDamage(damageSeen, produced);
                    }
                    if (!got) {
                        break;
                    }
                }
                if (b == null) {
                    b = claim(seq);
                    if (b == null) {
                        return;
                    }
                    b.firstIndex = produced;
                }
                held = !b.add(p, reader);
                if (!held) {
                    produced++;
                }
                if (held || b.count == SLOT_PACKETS) {
                    publish(seq++);
                    b = null;
                }
            }
        } catch (IOException e) {
            error = e;
        } catch (RuntimeException | Error e) {
            // Never leave the views waiting for a batch that will not come.
            error = new IOException(reader.describe() + ": reading for the targets failed: " + e, e);
        }
        if (b != null && b.count > 0) {
            // The packets before the end (or the error) reach the views first, as from a reader of their own.
            publish(seq++);
        }
        finish(seq, error);
    }

    private int noteDamage(int seen, long produced) {
        List<java.util.Map.Entry<String, String>> all = List.copyOf(reader.damageByPlace().entrySet());
        lock.lock();
        try {
            for (var e : all.subList(seen, all.size())) {
                damage.add(new Damage(e.getKey(), e.getValue(), produced));
            }
        } finally {
            lock.unlock();
        }
        return all.size();
    }

    /** Waits until slot {@code seq % SLOTS} is free of every attached view; null once every view left. */
    private Batch claim(long seq) {
        lock.lock();
        try {
            while (!stopping && seq - SLOTS >= oldestHeld()) {
                released.awaitUninterruptibly();
            }
            if (stopping) {
                return null;
            }
            int slot = (int) (seq % SLOTS);
            if (ring[slot] == null) {
                ring[slot] = new Batch(arena);
            }
            ring[slot].clear();
            return ring[slot];
        } finally {
            lock.unlock();
        }
    }

    /** The oldest batch a view may still read; past the last published one when no view is attached. */
    private long oldestHeld() {
        long min = Long.MAX_VALUE;
        for (View v : attached) {
            min = Math.min(min, v.holding);
        }
        return min;
    }

    private void publish(long seq) {
        lock.lock();
        try {
            publishedSeq = seq + 1;
            published.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void finish(long seq, IOException error) {
        lock.lock();
        try {
            publishedSeq = seq;
            failure = error;
            finished = true;
            published.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits for batch {@code seq}; null when the reader finished before it. */
    private Batch batchAt(long seq) throws IOException {
        lock.lock();
        try {
            while (publishedSeq <= seq && !finished) {
                published.awaitUninterruptibly();
            }
            if (publishedSeq > seq) {
                return ring[(int) (seq % SLOTS)];
            }
            if (failure != null) {
                // Each view's own exception: the targets' threads add to it (suppressed, causes) independently.
                throw new IOException(failure.getMessage(), failure);
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    private void leave(View v) {
        lock.lock();
        try {
            if (attached.remove(v)) {
                if (attached.isEmpty()) {
                    stopping = true;
                }
                released.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private void closed(View v) throws IOException {
        leave(v);
        Thread t;
        lock.lock();
        try {
            if (++closedViews < views) {
                return;
            }
            t = thread;
        } finally {
            lock.unlock();
        }
        if (t != null) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        arena.close();
        reader.close();
    }

    /** Packets of one batch: their bytes one after the other, and what a view needs of each. */
    private static final class Batch {
        private final Arena arena;
        MemorySegment data;
        /** The number of packets the reader produced before this batch's first. */
        long firstIndex;
        long used;
        int count;
        final long[] dataOffset = new long[SLOT_PACKETS];
        final int[] caplen = new int[SLOT_PACKETS];
        final int[] wirelen = new int[SLOT_PACKETS];
        final long[] timestamp = new long[SLOT_PACKETS];
        final int[] linkType = new int[SLOT_PACKETS];
        final int[] interfaceId = new int[SLOT_PACKETS];
        final int[] fileIndex = new int[SLOT_PACKETS];
        final long[] recordOffset = new long[SLOT_PACKETS];
        final long[] nextOffset = new long[SLOT_PACKETS];

        Batch(Arena arena) {
            this.arena = arena;
            this.data = arena.allocate(SLOT_BYTES, 64);
        }

        void clear() {
            used = 0;
            count = 0;
        }

        /** Copies {@code p} in; false (nothing copied) when its bytes do not fit beside the others. */
        boolean add(Packet p, FileSetSource from) {
            int len = p.caplen();
            if (used + len > data.byteSize()) {
                if (count > 0) {
                    return false;
                }
                // One packet larger than a slot (pcapng allows that): this batch grows for it.
                data = arena.allocate(len, 64);
            }
            MemorySegment.copy(p.segment(), p.offset(), data, used, len);
            int i = count++;
            dataOffset[i] = used;
            caplen[i] = len;
            wirelen[i] = p.wirelen();
            timestamp[i] = p.timestampNanos();
            linkType[i] = p.linkType();
            interfaceId[i] = p.interfaceId();
            fileIndex[i] = from.fileIndex();
            recordOffset[i] = from.lastRecordOffset();
            nextOffset[i] = from.nextRecordOffset();
            used = (used + len + 7) & ~7L;
            return true;
        }
    }

    /** One target's source: the shared batches until it seeks, then a reader of its own. */
    private final class View implements PacketSource {
        /** The batch being read (volatile: the reader thread reads it under the lock, this view writes it outside). */
        private volatile long holding;
        private Batch batch;
        private int next;
        private int last = -1;
        private boolean ended;
        private boolean left;
        private boolean closed;
        /** Where this view stood when it left the shared read, until it seeks. */
        private SourcePosition leftAt;
        private SourcePosition lastWhenLeft;
        /** Packets this view has returned from the shared read. */
        private long consumed;
        private FileSetSource own;

        @Override
        public boolean next(Packet packet) throws IOException {
            if (own == null && left) {
                seek(leftAt);
            }
            if (own != null) {
                return own.next(packet);
            }
            if (batch == null || next == batch.count) {
                if (!advance()) {
                    return false;
                }
            }
            Batch b = batch;
            int i = next++;
            last = i;
            consumed = b.firstIndex + i + 1;
            packet.set(b.data, b.dataOffset[i], b.caplen[i], b.wirelen[i], b.timestamp[i], b.linkType[i],
                    b.interfaceId[i]);
            return true;
        }

        private boolean advance() throws IOException {
            if (ended) {
                return false;
            }
            if (batch == null) {
                startIfNeeded();
            }
            // The reader publishes no empty batch: the next one holds at least one packet.
            long seq = batch == null ? holding : holding + 1;
            Batch b = batchAt(seq);
            if (b == null) {
                ended = true;
                return false;
            }
            if (batch != null) {
                // Moving on frees the batch before for the reader.
                holding = seq;
                lock.lock();
                try {
                    released.signalAll();
                } finally {
                    lock.unlock();
                }
            }
            batch = b;
            next = 0;
            return true;
        }

        @Override
        public boolean await(long timeoutNanos) {
            return !ended();
        }

        @Override
        public boolean ended() {
            return own != null ? own.ended() : ended;
        }

        @Override
        public SourcePosition position() {
            if (own != null) {
                return own.position();
            }
            if (left) {
                return leftAt;
            }
            if (ended) {
                return new SourcePosition(files.size(), 0, 0);
            }
            if (last < 0) {
                return start;
            }
            return new SourcePosition(batch.fileIndex[last], batch.nextOffset[last], 0);
        }

        @Override
        public SourcePosition positionOfLast() {
            if (own != null) {
                return own.positionOfLast();
            }
            if (left) {
                return lastWhenLeft;
            }
            return new SourcePosition(batch.fileIndex[last], batch.recordOffset[last], batch.timestamp[last]);
        }

        @Override
        public void seek(SourcePosition position) throws IOException {
            if (own == null) {
                detach();
                own = FileSetSource.open(files, window);
            }
            own.seek(position);
        }

        /** Leaves the shared read: the reader no longer waits for this view, which must seek before reading again. */
        @Override
        public void detach() {
            if (!left && own == null) {
                leftAt = position();
                lastWhenLeft = last >= 0 ? positionOfLast() : null;
                left = true;
                leave(this);
                batch = null;
            }
        }

        @Override
        public long lostPackets() {
            return 0;
        }

        /**
         * The damage this view met: what the shared reader found before the packets this view read
         * (all of it once the view reached the end), and what its own reader found after a seek.
         */
        @Override
        public List<String> damage() {
            java.util.Map<String, String> met = new java.util.LinkedHashMap<>();
            lock.lock();
            try {
                for (Damage d : damage) {
                    if (ended || consumed > d.afterPackets()) {
                        met.put(d.place(), d.message());
                    }
                }
            } finally {
                lock.unlock();
            }
            if (own != null) {
                own.damageByPlace().forEach(met::putIfAbsent);
            }
            return List.copyOf(met.values());
        }

        @Override
        public int linkType() {
            return reader.linkType();
        }

        @Override
        public int snaplen() {
            return reader.snaplen();
        }

        @Override
        public long sizeHint() {
            return reader.sizeHint();
        }

        @Override
        public long bytesConsumed() {
            if (own != null) {
                return own.bytesConsumed();
            }
            if (left) {
                int f = (int) Math.min(leftAt.major(), files.size());
                return consumedBefore[f] + (f == files.size() ? 0 : leftAt.minor());
            }
            if (ended) {
                return consumedBefore[files.size()];
            }
            Batch b = batch;
            int i = last;
            return b == null || i < 0 ? 0 : consumedBefore[b.fileIndex[i]] + b.nextOffset[i];
        }

        @Override
        public String describe() {
            return reader.describe();
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            detach();
            try {
                if (own != null) {
                    own.close();
                }
            } finally {
                closed(this);
            }
        }
    }
}
