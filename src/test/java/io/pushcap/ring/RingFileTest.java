package io.pushcap.ring;

import io.pushcap.PushcapException;
import io.pushcap.pcap.LinkType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;

import static io.pushcap.ring.RingTestSupport.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.*;

class RingFileTest {
    private Path dir;

    @BeforeEach
    void setUp() throws Exception {
        dir = ramDir("file");
    }

    @AfterEach
    void tearDown() throws Exception {
        deleteTree(dir);
    }

    private static String hex(MemorySegment s, long offset, int length) {
        return HexFormat.of().formatHex(s.asSlice(offset, length).toArray(JAVA_BYTE));
    }

    /** Kilobytes of the {@code fields} (e.g. "Rss") of this process's mappings of {@code file}, from /proc/self/smaps. */
    private static long smapsKib(Path file, String... fields) throws IOException {
        String name = file.toRealPath().toString();
        boolean in = false;
        long kib = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
                in = line.endsWith(" " + name);
            } else if (in && java.util.Arrays.stream(fields).anyMatch(f -> line.startsWith(f + ":"))) {
                kib += Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return kib;
    }

    /** A tmpfs mounted with huge pages (huge=within_size) at dir/name; mounting needs root, as CI is. */
    private Path hugeTmpfs(String name, String size) throws IOException, InterruptedException {
        Path at = dir.resolve(name);
        Files.createDirectory(at);
        assertEquals(0, new ProcessBuilder("mount", "-t", "tmpfs", "-o", "huge=within_size,size=" + size, "tmpfs",
                at.toString()).inheritIO().start().waitFor(), "mounting a tmpfs needs root (CI runs as root)");
        return at;
    }

    private static void umount(Path at) throws IOException, InterruptedException {
        new ProcessBuilder("umount", at.toString()).inheritIO().start().waitFor();
    }

    private static long residentKib(Path file) throws IOException {
        return smapsKib(file, "Rss");
    }

    @Test
    void shouldFaultTheWholeRingInWhenAWriterOpensItInMemory() throws Exception {
        Path p = dir.resolve("prefault");
        long size = 16L << 20;
        try (RingFile ring = RingFile.create(p, new RingFile.CreateOptions(size, false))) {
            long before = residentKib(p);
            assertTrue(before < size / 1024 / 2, "a new ring is mostly untouched: " + before + " KiB resident");
            try (RingWriter w = ring.writer("prefault")) {
                long after = residentKib(p);
                // MADV_POPULATE_WRITE needs Linux 5.14; CI's kernel has it.
                assertTrue(after >= size / 1024 - 64, "after the writer opened, " + after + " KiB of "
                        + size / 1024 + " resident (madvise MADV_POPULATE_WRITE on a " + Files.getFileStore(p).type()
                        + " ring, kernel " + System.getProperty("os.version") + ")");
            }
        }
    }

    @Test
    void shouldMapARingWithHugePagesAndLockItWhenItsTmpfsIsMountedWithHugePages() throws Exception {
        Path huge = hugeTmpfs("huge", "64m");
        try {
            RingStorage s = RingStorage.of(huge);
            assertTrue(s.hugePages(), s.options());
            assertNull(s.warning());
            assertEquals("tmpfs (huge pages)", s.describe());
            Path p = huge.resolve("r");
            long size = 16L << 20;
            try (RingFile ring = RingFile.create(p, new RingFile.CreateOptions(size, false));
                 RingWriter w = ring.writer("huge")) {
                long hugeKib = smapsKib(p, "ShmemPmdMapped", "FilePmdMapped");
                // The 16 KiB header shares the first 2 MiB with data, and the last partial 2 MiB is small
                // pages: all but those two ranges come in huge pages.
                assertTrue(hugeKib >= size / 1024 - 4096, hugeKib + " KiB of " + size / 1024 + " mapped with huge pages"
                        + " (kernel " + System.getProperty("os.version") + ", "
                        + Files.readString(Path.of("/sys/kernel/mm/transparent_hugepage/shmem_enabled")).strip() + ")");
                long lockedKib = smapsKib(p, "Locked");
                assertTrue(lockedKib >= size / 1024 - 64, "the writer locks a tmpfs ring: " + lockedKib + " KiB locked");
            }
        } finally {
            umount(huge);
        }
    }

    @Test
    void shouldSayWhyAndWhatToDoWhenATmpfsRingGetsNoHugePages() throws Exception {
        Path policy = Path.of(RingMemory.SHMEM_ENABLED);
        assertTrue(Files.exists(policy), "this kernel has no transparent huge pages (" + policy + ")");
        String was = Files.readString(policy).replaceAll("(?s).*\\[(\\w+)\\].*", "$1");
        Path denied = hugeTmpfs("denied", "64m");
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(RingFile.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> seen =
                new ch.qos.logback.core.read.ListAppender<>();
        seen.start();
        log.addAppender(seen);
        try {
            // 'deny' makes every tmpfs give small pages whatever its huge= option, as a host whose
            // free memory is fragmented does (which a test cannot arrange: the kernel compacts).
            Files.writeString(policy, "deny");
            RingFile.create(denied.resolve("r"), new RingFile.CreateOptions(16L << 20, false)).close();
        } finally {
            Files.writeString(policy, was);
            log.detachAppender(seen);
            umount(denied);
        }
        assertEquals(java.util.List.of("ring " + denied.resolve("r") + ": only 0 B of 14.0 MiB came in huge pages ("
                        + policy + " is 'deny', which overrides every tmpfs's huge= option: echo never > " + policy
                        + ", then recreate the ring); rx then uses up to twice the CPU per packet"),
                seen.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                        .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList());
    }

    @Test
    void shouldRefuseWithTheReasonAndLeaveNothingWhenAHugePageTmpfsHasNoRoomForTheRing() throws Exception {
        Path small = hugeTmpfs("small", "8m");
        try {
            PushcapException e = assertThrows(PushcapException.class,
                    () -> RingFile.create(small.resolve("r"), new RingFile.CreateOptions(16L << 20, false)));
            assertEquals("ring " + small.resolve("r") + ": cannot create: no room for its 16.0 MiB: the tmpfs is full (df "
                    + small + ")", e.getMessage());
            try (var left = Files.list(small)) {
                assertEquals(java.util.List.of(), left.toList(), "no ring and no .pending file left");
            }
        } finally {
            umount(small);
        }
    }

    @Test
    void shouldCountTheHugePagesARingCanHaveWhenItsHeaderSharesTheFirst() {
        assertEquals(14 * 1024, RingMemory.hugePageKibExpected(16L << 20, 16384));
        assertEquals(14 * 1024, RingMemory.hugePageKibExpected((16L << 20) + 4096, 16384), "a partial last block is small pages");
        assertEquals(0, RingMemory.hugePageKibExpected(1L << 20, 16384));
    }

    @Test
    void shouldWriteDocumentedHeaderWhenCreated() {
        Path p = dir.resolve("cisco");
        try (RingFile ring = RingFile.create(p, new RingFile.CreateOptions(ByteSizes.parse("1m", "-s"), false))) {
            assertEquals(1 << 20, ring.fileSize(), "the file has the size asked for, header included");
            assertEquals((1 << 20) - 16384, ring.capacity());
            MemorySegment s = ring.segment();
            assertEquals("5055534852494e47", hex(s, 0, 8), "magic: the ASCII bytes PUSHRING");
            assertEquals("01000000" + "00400000", hex(s, 8, 8), "version 1, header length 16384 (little-endian)");
            assertEquals("00c00f0000000000", hex(s, 16, 8), "capacity 1032192");
            assertEquals("00f00300", hex(s, 32, 4), "max record: a quarter of the data area, 258048 (< a 262184-byte full record)");
            assertEquals("ffffffff", hex(s, 40, 4), "link type unknown until a writer declares it");
            assertEquals(0L, (long) RingFile.LONG.get(s, (long) RingDescriptor.WRITER_OWNER_OFFSET));
            assertFalse(Files.exists(dir.resolve("cisco.pending")), "the pending file is gone after publishing");
        }
    }

    @Test
    void shouldLayOutRecordsAsDocumented() {
        try (RingFile ring = RingFile.create(dir.resolve("r"), new RingFile.CreateOptions(1 << 20, false));
             RingWriter w = ring.writer("eth1")) {
            byte[] frame = HexFormat.of().parseHex("ffffffffffff0200000000010800aa");
            w.write(0x0102030405060708L, 60, LinkType.ETHERNET, 7, MemorySegment.ofArray(frame), 0, frame.length);
            MemorySegment s = ring.segment();
            String expected = "38000000" // length 56 = align8(40 + 15)
                    + "0100" + "0100"      // type packet, link type 1
                    + "0000000000000000"   // sequence 0
                    + "0807060504030201"   // timestamp
                    + "0f000000" + "3c000000" // caplen 15, wirelen 60
                    + "07000000" + "00000000" // ifindex 7, flags 0
                    + "ffffffffffff0200000000010800aa" + "00"; // data + padding
            assertEquals(expected, hex(s, RingDescriptor.HEADER_LENGTH, 56));
            assertEquals(56L, (long) RingFile.LONG.get(s, (long) RingDescriptor.POSITION_OFFSET));
            assertEquals(1L, (long) RingFile.LONG.get(s, (long) RingDescriptor.PACKETS_OFFSET));
            assertEquals(LinkType.ETHERNET, ring.linkType());
        }
    }

    @Test
    void shouldRefuseToCreateOverExistingRingUnlessReplacing() {
        Path p = dir.resolve("dell");
        RingFile.create(p, new RingFile.CreateOptions(1 << 20, false)).close();
        PushcapException e = assertThrows(PushcapException.class,
                () -> RingFile.create(p, new RingFile.CreateOptions(1 << 20, false)));
        assertTrue(e.getMessage().contains("ring " + p + " already exists"), e.getMessage());
        try (RingFile ring = RingFile.create(p, new RingFile.CreateOptions(2 << 20, true))) {
            assertEquals(2 << 20, ring.fileSize());
        }
    }

    @Test
    void shouldRefuseSizesBelowTheMinimum() {
        PushcapException e = assertThrows(PushcapException.class,
                () -> RingFile.create(dir.resolve("tiny"), new RingFile.CreateOptions(4096, false)));
        assertTrue(e.getMessage().contains("size 4096 is too small"), e.getMessage());
    }

    @Test
    void shouldRefuseFileWithAnotherMagic() throws IOException {
        Path p = dir.resolve("notaring");
        Files.write(p, new byte[20000]);
        Files.write(p, "GARBAGE!".getBytes(), StandardOpenOption.WRITE);
        RingFormatException e = assertThrows(RingFormatException.class, () -> RingFile.open(p));
        assertEquals(p + ": not a pushcap ring (magic 'GARBAGE!', expected 'PUSHRING')", e.getMessage());
    }

    @Test
    void shouldRefuseOtherVersionNamingFileAndBothVersions() throws IOException {
        Path p = dir.resolve("future");
        RingFile.create(p, new RingFile.CreateOptions(1 << 20, false)).close();
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, 2), RingDescriptor.VERSION_OFFSET);
        }
        RingFormatException e = assertThrows(RingFormatException.class, () -> RingFile.open(p));
        assertEquals(p + ": ring format version 2, but this pushcap reads version 1 only (recreate the ring,"
                + " or use the pushcap that made it)", e.getMessage());
    }

    @Test
    void shouldRefuseTruncatedRing() throws IOException {
        Path p = dir.resolve("cut");
        RingFile.create(p, new RingFile.CreateOptions(1 << 20, false)).close();
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.truncate(500_000);
        }
        RingFormatException e = assertThrows(RingFormatException.class, () -> RingFile.open(p));
        assertTrue(e.getMessage().startsWith(p + ": corrupt ring header"), e.getMessage());
    }

    @Test
    void shouldDeleteOnlyRingsAndNotWhileInUse() throws IOException {
        Path p = dir.resolve("busy");
        try (RingFile ring = RingFile.create(p, new RingFile.CreateOptions(1 << 20, false));
             RingWriter w = ring.writer("eth9")) {
            PushcapException e = assertThrows(PushcapException.class, () -> RingFile.delete(p, false));
            assertTrue(e.getMessage().contains("in use by writer pid " + ProcessHandle.current().pid()), e.getMessage());
        }
        RingFile.delete(p, false);
        assertFalse(Files.exists(p));
        Path other = dir.resolve("precious");
        Files.writeString(other, "not a ring".repeat(10));
        assertThrows(RingFormatException.class, () -> RingFile.delete(other, false));
        assertTrue(Files.exists(other), "a file that is not a ring is never deleted");
    }

    @Test
    void shouldReportAReaderLiveOnlyOnceItsStartPositionIsSet() {
        // A reader reported live must see every packet written after that: waiting on "live" and then
        // writing must never lose the first packets (a claimed slot is "attaching" until then).
        try (RingFile ring = RingFile.create(dir.resolve("att"), new RingFile.CreateOptions(1 << 20, false))) {
            SlotClaim claim = SlotClaim.claim(ring, "half");
            RingInfo.Reader half = ring.info().readers().getFirst();
            assertEquals("half", half.name());
            assertFalse(half.alive(), "claimed but not started");
            assertEquals("attaching", half.state());
            assertEquals(0, half.attachedNanos());
            PushcapException e = assertThrows(PushcapException.class, () -> RingFile.delete(dir.resolve("att"), false));
            assertTrue(e.getMessage().contains("reader 'half'"), e.getMessage());
            try (RingReader r = ring.reader(RingReader.Options.latest("whole"))) {
                RingInfo.Reader whole = ring.info().readers().stream().filter(x -> x.name().equals("whole")).findFirst()
                        .orElseThrow();
                assertTrue(whole.alive());
                assertEquals("live", whole.state());
                assertTrue(whole.attachedNanos() > 0);
            }
            assertEquals(0, claim.slot());
        }
    }

    @Test
    void shouldTellRamfsFromTmpfsAndDisk() throws Exception {
        assertEquals("tmpfs", RingStorage.of(dir).fsType());
        assertFalse(RingStorage.of(dir).hugePages(), RingStorage.of(dir).options());
        assertTrue(RingStorage.of(dir).warning().contains("is tmpfs with 4 KiB pages"), RingStorage.of(dir).warning());
        assertTrue(RingStorage.of(dir).warning().contains("huge=within_size"), RingStorage.of(dir).warning());
        Path disk = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "pushcap-disk");
        try {
            RingStorage d = RingStorage.of(disk);
            assertFalse(d.isRamfs());
            assertTrue(d.warning().contains("(not RAM)"), d.warning());
        } finally {
            Files.delete(disk);
        }
        Path ram = dir.resolve("ram");
        Files.createDirectory(ram);
        assertEquals(0, new ProcessBuilder("mount", "-t", "ramfs", "none", ram.toString()).inheritIO().start().waitFor(),
                "mounting a ramfs needs root (CI runs as root)");
        try {
            RingStorage r = RingStorage.of(ram);
            assertTrue(r.isRamfs());
            assertNull(r.warning());
        } finally {
            new ProcessBuilder("umount", ram.toString()).inheritIO().start().waitFor();
        }
    }

    @Test
    void shouldParseSizesWithSuffixes() {
        assertEquals(100L << 20, ByteSizes.parse("100m", "-s"));
        assertEquals(1L << 30, ByteSizes.parse("1G", "-s"));
        assertEquals(512L << 10, ByteSizes.parse("512k", "-s"));
        assertEquals(65536, ByteSizes.parse("65536", "-s"));
        assertEquals(2L << 20, ByteSizes.parse("2MiB", "-s"));
        PushcapException e = assertThrows(PushcapException.class, () -> ByteSizes.parse("10x", "-s"));
        assertEquals("-s: '10x' (expected a positive size such as 100m, 1g, 512k or 65536)", e.getMessage());
        assertThrows(PushcapException.class, () -> ByteSizes.parse("-5m", "-s"));
    }

    @Test
    void shouldResolveRingNamesLikeFluxcap() {
        assertEquals(Path.of("cisco"), RingPaths.resolve("cisco", null, null), "current directory, as after cd /ram");
        assertEquals(Path.of("/ram/cisco"), RingPaths.resolve("cisco", null, "/ram"));
        assertEquals(Path.of("/x/cisco"), RingPaths.resolve("cisco", Path.of("/x"), "/ram"));
        assertEquals(Path.of("./cisco"), RingPaths.resolve("./cisco", Path.of("/x"), "/ram"), "a name with / is a path");
        assertEquals(Path.of("/mnt/ram/dell"), RingPaths.resolve("/mnt/ram/dell", null, "/ram"));
    }
}
