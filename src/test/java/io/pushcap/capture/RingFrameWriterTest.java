package io.pushcap.capture;

import io.pushcap.PushcapException;
import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.Packet;
import io.pushcap.ring.RingDescriptor;
import io.pushcap.ring.RingFile;
import io.pushcap.ring.RingReader;
import io.pushcap.ring.RingWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.*;

/** -V inserts the tag outermost, -s truncates after insertion: byte-exact golden frames. */
class RingFrameWriterTest {
    private static final HexFormat HEX = HexFormat.of();
    private Path dir;
    private RingFile ring;

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createTempDirectory(Path.of("/dev/shm"), "pushcap-fw-");
        ring = RingFile.create(dir.resolve("r"), new RingFile.CreateOptions(1 << 20, false));
    }

    @AfterEach
    void tearDown() throws Exception {
        ring.close();
        Files.deleteIfExists(dir.resolve("r"));
        Files.deleteIfExists(dir);
    }

    private Packet roundTrip(String frameHex, int linkType, int vlan, int snaplen) {
        byte[] f = HEX.parseHex(frameHex);
        try (RingWriter w = ring.writer("t"); RingReader r = ring.reader(RingReader.Options.latest("t"))) {
            RingFrameWriter frames = new RingFrameWriter(w, vlan, snaplen);
            frames.write(new Packet().set(MemorySegment.ofArray(f), 0, f.length, f.length + 10, 42, linkType, 0), 9);
            Packet p = new Packet();
            assertFalse(r.next(p), "not published yet");
            frames.publish();
            assertTrue(r.next(p));
            return p.copy();
        }
    }

    private static final String MACS = "0200000000020200000000ff";

    @Test
    void shouldInsertTagAfterMacAddresses() {
        Packet p = roundTrip(MACS + "0800" + "4500aabb", LinkType.ETHERNET, 100, 0);
        assertEquals(MACS + "81000064" + "0800" + "4500aabb", HEX.formatHex(p.toByteArray()));
        assertEquals(18 + 10 + 4, p.wirelen(), "the frame on the wire grew by the tag");
        assertEquals(9, p.interfaceId());
    }

    @Test
    void shouldKeepExistingTagsInsideTheNewOne() {
        Packet p = roundTrip(MACS + "8100002a" + "0800" + "45", LinkType.ETHERNET, 4095, 0);
        assertEquals(MACS + "81000fff" + "8100002a" + "0800" + "45", HEX.formatHex(p.toByteArray()));
    }

    @Test
    void shouldTruncateAfterInsertingTheTag() {
        Packet p = roundTrip(MACS + "0800" + "450000", LinkType.ETHERNET, 7, 14);
        assertEquals(MACS + "8100", HEX.formatHex(p.toByteArray()), "14 bytes: MACs and half the tag");
        assertEquals(17 + 10 + 4, p.wirelen());
        Packet q = roundTrip(MACS + "0800" + "450000", LinkType.ETHERNET, -1, 13);
        assertEquals(MACS + "08", HEX.formatHex(q.toByteArray()));
    }

    @Test
    void shouldLeaveOtherLinkTypesUntagged() {
        Packet p = roundTrip("45000014" + "00".repeat(16), LinkType.RAW, 100, 0);
        assertEquals("45000014" + "00".repeat(16), HEX.formatHex(p.toByteArray()));
        assertEquals(30, p.wirelen());
    }

    @Test
    void shouldRefuseVlanOutOfRange() {
        try (RingWriter w = ring.writer("t")) {
            PushcapException e = assertThrows(PushcapException.class, () -> new RingFrameWriter(w, 4096, 0));
            assertEquals("-V: 4096 (expected a VLAN id 0..4095)", e.getMessage());
        }
    }

    @Test
    void shouldFlagInsertedTagsInTheRecord() {
        roundTrip(MACS + "0800", LinkType.ETHERNET, 1, 0);
        int flags = ring.segment().get(java.lang.foreign.ValueLayout.JAVA_INT,
                RingDescriptor.HEADER_LENGTH + RingDescriptor.REC_FLAGS);
        assertEquals(RingDescriptor.FLAG_VLAN_INSERTED, flags);
    }
}
