package io.pushcap.ring;

import io.pushcap.PushcapException;
import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.Packet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.pushcap.ring.RingTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

class RingWriterReaderTest {
    private Path dir;
    private RingFile ring;

    @BeforeEach
    void setUp() throws Exception {
        dir = ramDir("rw");
        ring = RingFile.create(dir.resolve("r"), new RingFile.CreateOptions(RingDescriptor.HEADER_LENGTH + 65536, false));
    }

    @AfterEach
    void tearDown() throws Exception {
        ring.close();
        deleteTree(dir);
    }

    @Test
    void shouldDeliverEveryPacketIntactWhenReaderKeepsUp() {
        try (RingWriter w = ring.writer("test"); RingReader r = ring.reader(RingReader.Options.latest("a"))) {
            Packet p = new Packet();
            for (long seq = 0; seq < 5000; seq++) {
                writeSeq(w, seq);
                assertTrue(r.next(p), "packet " + seq);
                assertEquals(seq, check(p.segment(), p.offset(), p.caplen()));
                assertEquals(seq, p.timestampNanos());
                assertEquals(LinkType.ETHERNET, p.linkType());
                assertEquals(3, p.interfaceId());
                assertEquals(p.caplen(), p.wirelen());
                assertFalse(r.next(p));
            }
            assertTrue(w.position() > 3 * ring.capacity(), "the test must wrap the ring several times");
            assertEquals(5000, r.packetsRead());
            assertEquals(0, r.lostPackets());
            assertEquals(0, r.lappedCount());
        }
    }

    @Test
    void shouldShowAppendedRecordsOnlyOncePublishedAndThenAllInOrder() {
        Packet p = new Packet();
        try (RingReader r = ring.reader(RingReader.Options.latest("a"))) {
            try (RingWriter w = ring.writer("test")) {
                // Batches of 50, published together; over the test the records wrap the ring twice.
                long batch = 0;
                for (long seq = 0; seq < 720; seq++) {
                    appendSeq(w, seq);
                    assertFalse(r.next(p), "record " + seq + " is not published yet");
                    if (++batch == 50) {
                        w.publish();
                        batch = 0;
                        for (long s = seq - 49; s <= seq; s++) {
                            assertTrue(r.next(p), "record " + s);
                            assertEquals(s, check(p.segment(), p.offset(), p.caplen()));
                            assertEquals(s, p.timestampNanos());
                        }
                    }
                }
                assertEquals(700, ring.segment().get(java.lang.foreign.ValueLayout.JAVA_LONG,
                        RingDescriptor.PACKETS_OFFSET), "the header's count is published with the records");
                assertTrue(w.position() > 2 * ring.capacity(), "the test must wrap the ring");
            }
            // close() publishes what was appended last.
            long n = 0;
            while (r.next(p)) {
                assertEquals(700 + n, check(p.segment(), p.offset(), p.caplen()));
                n++;
            }
            assertEquals(20, n);
            assertEquals(0, r.lostPackets());
        }
    }

    @Test
    void shouldCountExactLossAndResumeAtOldestWhenOvertaken() {
        try (RingWriter w = ring.writer("test"); RingReader r = ring.reader(RingReader.Options.latest("slow"))) {
            Packet p = new Packet();
            long written = 0;
            for (; written < 10; written++) {
                writeSeq(w, written);
            }
            assertTrue(r.next(p));
            assertEquals(0, check(p.segment(), p.offset(), p.caplen()));
            for (; written < 3000; written++) {
                writeSeq(w, written);
            }
            RingInfo info = ring.info();
            long oldest = info.oldestSequence();
            assertTrue(oldest > 1, "the writer must have overwritten unread packets");

            assertTrue(r.next(p));
            assertEquals(oldest, check(p.segment(), p.offset(), p.caplen()), "resumes at the oldest packet still there");
            assertEquals(oldest - 1, r.lostPackets(), "packets 1.." + (oldest - 1) + " were lost");
            assertEquals(1, r.lappedCount());
            long delivered = 2;
            while (r.next(p)) {
                delivered++;
            }
            assertEquals(written, delivered + r.lostPackets());
            assertEquals(delivered, r.packetsRead());
        }
    }

    @Test
    void shouldWithdrawAZeroCopyViewWhenOverwrittenDuringUse() {
        try (RingWriter w = ring.writer("test"); RingReader r = ring.reader(RingReader.Options.latest("view"))) {
            Packet p = new Packet();
            writeSeq(w, 0);
            assertTrue(r.nextView(p));
            assertEquals(ring.segment(), p.segment(), "a view points into the mapped ring");
            assertTrue(r.stillValid());
            writeSeq(w, 1);
            assertTrue(r.nextView(p));
            for (long seq = 2; seq < 2000; seq++) {
                writeSeq(w, seq); // overwrite the viewed record while "in use"
            }
            assertFalse(r.stillValid(), "the view was overwritten");
            assertEquals(1, r.packetsRead());
            assertEquals(1, r.lostPackets());
            long delivered = 1;
            while (r.nextView(p)) {
                long seq = check(p.segment(), p.offset(), p.caplen());
                assertTrue(r.stillValid());
                assertTrue(seq >= 0);
                delivered++;
            }
            assertEquals(2000, delivered + r.lostPackets());
        }
    }

    @Test
    void shouldStartAtOldestRecordWhenAsked() {
        try (RingWriter w = ring.writer("test")) {
            for (long seq = 0; seq < 3000; seq++) {
                writeSeq(w, seq);
            }
            long oldest = ring.info().oldestSequence();
            try (RingReader r = ring.reader(new RingReader.Options("old", RingReader.Start.OLDEST))) {
                Packet p = new Packet();
                assertTrue(r.next(p));
                assertEquals(oldest, check(p.segment(), p.offset(), p.caplen()));
                long n = 1;
                while (r.next(p)) {
                    n++;
                }
                assertEquals(3000 - oldest, n);
                assertEquals(0, r.lostPackets(), "nothing was lost after the start");
            }
        }
    }

    @Test
    void shouldResumeNamedReaderWhereItStopped() {
        try (RingWriter w = ring.writer("test")) {
            Packet p = new Packet();
            for (long seq = 0; seq < 20; seq++) {
                writeSeq(w, seq);
            }
            try (RingReader r = ring.reader(new RingReader.Options("tx", RingReader.Start.LATEST))) {
                assertFalse(r.next(p));
                writeSeq(w, 20);
                writeSeq(w, 21);
                assertTrue(r.next(p));
                assertEquals(20, check(p.segment(), p.offset(), p.caplen()));
            }
            try (RingReader r = ring.reader(new RingReader.Options("tx", RingReader.Start.RESUME))) {
                assertTrue(r.next(p));
                assertEquals(21, check(p.segment(), p.offset(), p.caplen()));
                assertEquals(2, r.packetsRead(), "counters continue under the same name");
            }
        }
    }

    @Test
    void shouldCountExactGapWhenSeekingToOverwrittenPosition() {
        try (RingWriter w = ring.writer("test"); RingReader r = ring.reader(RingReader.Options.latest("seek"))) {
            Packet p = new Packet();
            writeSeq(w, 0);
            writeSeq(w, 1);
            assertTrue(r.next(p));
            long savedPos = r.position();
            long savedSeq = r.sequence();
            assertEquals(1, savedSeq);
            while (r.next(p)) {
                // drain
            }
            for (long seq = 2; seq < 3000; seq++) {
                writeSeq(w, seq);
            }
            r.seek(savedPos, savedSeq);
            assertTrue(r.next(p));
            long first = check(p.segment(), p.offset(), p.caplen());
            assertEquals(first - 1, r.lostPackets());
        }
    }

    @Test
    void shouldRefuseSecondLiveWriter() {
        try (RingWriter w = ring.writer("eth1")) {
            PushcapException e = assertThrows(PushcapException.class, () -> ring.writer("eth2"));
            assertTrue(e.getMessage().contains("already has a writer: pid " + ProcessHandle.current().pid()), e.getMessage());
            assertTrue(e.getMessage().contains("eth1"), e.getMessage());
        }
        ring.writer("eth2").close(); // released on close
    }

    @Test
    void shouldTakeOverWriterSlotOfDeadProcess() throws Exception {
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        long staleOwner = dead.pid() << 32 | 12345;
        RingFile.LONG.setVolatile(ring.segment(), (long) RingDescriptor.WRITER_OWNER_OFFSET, staleOwner);
        try (RingWriter w = ring.writer("eth1")) {
            writeSeq(w, 0);
            RingInfo info = ring.info();
            assertEquals(ProcessHandle.current().pid(), info.writerPid());
            assertEquals(1, info.writerTakeovers());
        }
    }

    @Test
    void shouldContinueSequenceAndPositionAfterWriterRestart() {
        Packet p = new Packet();
        try (RingReader r = ring.reader(RingReader.Options.latest("follow"))) {
            try (RingWriter w = ring.writer("a")) {
                for (long seq = 0; seq < 700; seq++) {
                    writeSeq(w, seq);
                }
            }
            try (RingWriter w = ring.writer("b")) {
                assertEquals(700, w.packets());
                for (long seq = 700; seq < 1400; seq++) {
                    writeSeq(w, seq);
                }
            }
            long n = 0;
            while (r.next(p)) {
                n++;
            }
            assertEquals(1400, n + r.lostPackets());
        }
    }

    @Test
    void shouldRefuseDuplicateReaderNameAndFullSlotTable() {
        List<RingReader> readers = new ArrayList<>();
        try {
            readers.add(ring.reader(RingReader.Options.latest("dup")));
            PushcapException e = assertThrows(PushcapException.class, () -> ring.reader(RingReader.Options.latest("dup")));
            assertTrue(e.getMessage().contains("reader name 'dup' is in use by pid"), e.getMessage());
            for (int i = 1; i < RingDescriptor.READER_SLOTS; i++) {
                readers.add(ring.reader(RingReader.Options.latest("r" + i)));
            }
            e = assertThrows(PushcapException.class, () -> ring.reader(RingReader.Options.latest("one-too-many")));
            assertTrue(e.getMessage().contains("all 64 reader slots"), e.getMessage());
        } finally {
            readers.forEach(RingReader::close);
        }
        ring.reader(RingReader.Options.latest("one-too-many")).close();
    }

    @Test
    void shouldTruncateRecordsLongerThanMaxRecordAndCountThem() {
        try (RingWriter w = ring.writer("big"); RingReader r = ring.reader(RingReader.Options.latest("a"))) {
            int huge = ring.maxRecordLength() * 2;
            MemorySegment src = MemorySegment.ofArray(new byte[huge]);
            w.write(1, huge, LinkType.ETHERNET, 0, src, 0, huge);
            Packet p = new Packet();
            assertTrue(r.next(p));
            assertEquals(ring.maxRecordLength() - RingDescriptor.REC_HEADER_LENGTH, p.caplen());
            assertEquals(huge, p.wirelen());
            assertEquals(1, ring.info().truncated());
        }
    }

    @Test
    void shouldReturnFalseFromAwaitOnTimeoutWithoutData() throws Exception {
        try (RingReader r = ring.reader(RingReader.Options.latest("idle"))) {
            assertFalse(r.await(20_000_000L));
            assertEquals(0, ring.info().waiters(), "the reader cleared its waiter bit");
        }
    }

    @Test
    void shouldReportLagAsUnknownUntilAReaderStartedMidStreamKnowsItsSequence() {
        try (RingWriter w = ring.writer("eth1")) {
            for (long seq = 0; seq < 5; seq++) {
                writeSeq(w, seq);
            }
            try (RingReader r = ring.reader(RingReader.Options.latest("late"))) {
                assertEquals(-1, r.sequence());
                assertEquals(0, lag(), "caught up: no lag, though the sequence is not known yet");
                writeSeq(w, 5);
                assertEquals(-1, lag(), "behind by an unknown number of packets");
                assertTrue(r.next(new Packet()));
                assertEquals(6, r.sequence());
                writeSeq(w, 6);
                writeSeq(w, 7);
                assertEquals(2, lag());
            }
        }
    }

    private long lag() {
        RingInfo info = ring.info();
        return info.lagPackets(info.readers().stream().filter(x -> x.name().equals("late")).findFirst().orElseThrow());
    }
}
