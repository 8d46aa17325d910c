package io.pushcap.ring;

import io.pushcap.pcap.Packet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.pushcap.ring.RingTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * One writer thread and several reader threads on a small ring, so readers are overtaken again and
 * again: every packet a reader delivers must be intact and in order, and for each reader
 * delivered + lost must equal written, exactly.
 */
class RingConcurrencyTest {
    private static final long PACKETS = 400_000;
    private Path dir;
    private RingFile ring;

    @BeforeEach
    void setUp() throws Exception {
        dir = ramDir("conc");
        ring = RingFile.create(dir.resolve("r"), new RingFile.CreateOptions(RingDescriptor.HEADER_LENGTH + 65536, false));
    }

    @AfterEach
    void tearDown() throws Exception {
        ring.close();
        deleteTree(dir);
    }

    enum Mode { COPY, VIEW, SLOW_COPY, SLOW_VIEW }

    record Result(String name, long delivered, long lost, long laps, long withdrawn) {
    }

    @Test
    void shouldDeliverIntactPacketsInOrderAndCountLossExactlyWhenReadersAreLapped() throws Exception {
        AtomicBoolean writerDone = new AtomicBoolean();
        List<RingReader> readers = new ArrayList<>();
        for (Mode m : Mode.values()) {
            readers.add(ring.reader(RingReader.Options.latest(m.name().toLowerCase())));
        }
        ExecutorService pool = Executors.newFixedThreadPool(readers.size());
        try (RingWriter writer = ring.writer("test")) {
            List<Future<Result>> results = new ArrayList<>();
            for (int i = 0; i < readers.size(); i++) {
                RingReader r = readers.get(i);
                Mode m = Mode.values()[i];
                results.add(pool.submit(() -> readAll(r, m, writerDone, writer)));
            }
            for (long seq = 0; seq < PACKETS; seq++) {
                writeSeq(writer, seq);
            }
            writerDone.set(true);
            long totalLost = 0;
            for (Future<Result> f : results) {
                Result res = f.get(120, TimeUnit.SECONDS);
                assertEquals(PACKETS, res.delivered() + res.lost(),
                        res + ": delivered + lost must equal written");
                assertTrue(res.laps() > 0 || res.lost() == 0, res + ": loss without a lap");
                totalLost += res.lost();
                System.out.println(res);
            }
            Result slow = results.get(Mode.SLOW_COPY.ordinal()).get();
            assertTrue(slow.lost() > 0 && slow.laps() > 0, "the slow reader must have been overtaken: " + slow);
            assertTrue(results.get(Mode.SLOW_VIEW.ordinal()).get().lost() > 0);
            assertTrue(totalLost < PACKETS * readers.size());
            RingInfo info = ring.info();
            for (RingReader r : readers) {
                RingInfo.Reader slot = info.readers().stream().filter(x -> x.name().equals(r.name())).findFirst().orElseThrow();
                assertEquals(r.packetsRead(), slot.packets(), "slot counters mirror the reader");
                assertEquals(r.lostPackets(), slot.lost());
                assertEquals(r.lappedCount(), slot.laps());
                assertEquals(PACKETS, slot.sequence());
            }
        } finally {
            pool.shutdownNow();
            readers.forEach(RingReader::close);
        }
    }

    private static Result readAll(RingReader r, Mode mode, AtomicBoolean writerDone, RingWriter w) throws Exception {
        Packet p = new Packet();
        boolean view = mode == Mode.VIEW || mode == Mode.SLOW_VIEW;
        boolean slow = mode == Mode.SLOW_COPY || mode == Mode.SLOW_VIEW;
        long last = -1;
        long delivered = 0;
        long withdrawn = 0;
        while (true) {
            boolean got = view ? r.nextView(p) : r.next(p);
            if (!got) {
                if (writerDone.get() && r.position() == w.position()) {
                    break;
                }
                r.await(5_000_000L);
                continue;
            }
            long seq = check(p.segment(), p.offset(), p.caplen());
            if (slow) {
                burn(p);
            }
            if (view && !r.stillValid()) {
                withdrawn++;
                continue;
            }
            assertTrue(seq >= 0, mode + ": torn or corrupt packet delivered as valid after " + last);
            assertEquals(seq, p.timestampNanos(), mode + ": header and payload disagree");
            assertTrue(seq > last, mode + ": out of order: " + seq + " after " + last);
            last = seq;
            delivered++;
        }
        assertEquals(delivered, r.packetsRead());
        return new Result(mode.name(), delivered, r.lostPackets(), r.lappedCount(), withdrawn);
    }

    /** Per-packet work that makes a reader slower than the writer. */
    private static void burn(Packet p) {
        long h = 0;
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < p.caplen(); i++) {
                h = h * 31 + p.u8(i);
            }
        }
        if (h == 42) {
            System.out.print("");
        }
    }
}
