package io.pushcap.ring;

import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.Packet;
import io.pushcap.pipeline.SourcePosition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.pushcap.ring.RingTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

class RingSourceTest {
    private Path dir;
    private RingFile ring;

    @BeforeEach
    void setUp() throws Exception {
        dir = ramDir("src");
        ring = RingFile.create(dir.resolve("r"), new RingFile.CreateOptions(RingDescriptor.HEADER_LENGTH + 65536, false));
    }

    @AfterEach
    void tearDown() throws Exception {
        ring.close();
        deleteTree(dir);
    }

    @Test
    void shouldResumeExactlyAfterSavedPositionWhenReopened() throws Exception {
        Packet p = new Packet();
        SourcePosition saved;
        try (RingWriter w = ring.writer("eth1")) {
            try (RingSource src = RingSource.open(ring.path(), RingReader.Options.latest("push-a"))) {
                assertEquals("ring " + ring.path(), src.describe());
                assertEquals(new SourcePosition(0, 0, 0), src.position());
                for (long seq = 0; seq < 10; seq++) {
                    writeSeq(w, seq);
                }
                for (int i = 0; i < 4; i++) {
                    assertTrue(src.next(p));
                }
                saved = src.position();
                assertEquals(4, saved.major(), "major is the sequence of the next packet");
                assertFalse(src.ended());
            }
            try (RingSource src = RingSource.open(ring.path(), RingReader.Options.latest("push-b"))) {
                src.seek(saved);
                assertTrue(src.next(p));
                assertEquals(4, check(p.segment(), p.offset(), p.caplen()));
                assertEquals(0, src.lostPackets());
            }
        }
    }

    @Test
    void shouldCountExactGapWhenSavedPositionWasOverwritten() {
        Packet p = new Packet();
        try (RingWriter w = ring.writer("eth1");
             RingSource src = RingSource.open(ring.path(), RingReader.Options.latest("push"))) {
            writeSeq(w, 0);
            assertTrue(src.next(p));
            SourcePosition saved = src.position();
            for (long seq = 1; seq < 5000; seq++) {
                writeSeq(w, seq);
            }
            src.seek(saved);
            assertTrue(src.next(p));
            long first = check(p.segment(), p.offset(), p.caplen());
            assertTrue(first > 1);
            assertEquals(first - 1, src.lostPackets(), "exactly the packets between the saved position and the oldest");
        }
    }

    @Test
    void shouldWakeFromAwaitWhenWriterPublishes() throws Exception {
        try (RingSource src = RingSource.open(ring.path(), RingReader.Options.latest("live"))) {
            assertEquals(LinkType.ETHERNET, src.linkType(), "Ethernet before any writer declared a link type");
            CompletableFuture<Boolean> woke = CompletableFuture.supplyAsync(() -> {
                try {
                    return src.await(TimeUnit.SECONDS.toNanos(30));
                } catch (InterruptedException e) {
                    return false;
                }
            });
            try (RingWriter w = ring.writer("eth1")) {
                w.declare(LinkType.LINUX_SLL, 1500);
                writeSeq(w, 0);
            }
            assertTrue(woke.get(30, TimeUnit.SECONDS));
            assertEquals(LinkType.LINUX_SLL, src.linkType());
            assertEquals(1500, src.snaplen());
        }
    }
}
