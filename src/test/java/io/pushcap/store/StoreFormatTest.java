package io.pushcap.store;

import io.pushcap.PushcapException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The store's on-disk formats byte for byte (golden bytes computed independently, CRC32C
 * included), version refusal, and how torn writes are seen by readers and cut by the writer.
 */
class StoreFormatTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String INDEX_HEADER = "505553484341504901000000400000008000000001000000ffff0000000000000807060504"
            + "03020100000000000000000000000000000000000000001205c293";
    private static final String ENTRY = "0300000000000000e80300000000000040e2010000000000f401000000000000cd8101000000000000002a"
            + "36fe9c971700cac471fe9c971700368ffafd9c971700945fadfe9c97170700000000000000005efae8fe9c971703000000000000"
            + "003030303030303030303030332e706361700000000000000000000000571d7d0d";
    private static final String HEAD_SLOT = "505553484341504801000000010000002a000000000000000500000000000000d00700000000000006120f0000000000"
            + "0010000000000000330000000000000000002a36fe9c97170065f753fe9c9717001f3430fe9c97170046ed59fe9c9717"
            + "000010000000000060ea000000000000090000000000000000cac471fe9c9717e1100000000000000200000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000019a17b6b";

    @TempDir
    Path dir;

    private static ChunkEntry entry(long seq) {
        return new ChunkEntry(seq, 1000, 123456, 500, 98765, 1_700_000_000_000_000_000L, 1_700_000_001_000_000_000L,
                1_699_999_999_000_000_000L, 1_700_000_002_000_000_000L, 7, 1_700_000_003_000_000_000L,
                StoreDescriptor.FLAG_RECOVERED | StoreDescriptor.FLAG_TRUNCATED, StoreDescriptor.chunkName(seq));
    }

    private static HeadState headState() {
        return new HeadState(StoreDescriptor.STATE_RECORDING, 42, 5, 2000, 987654, 4096, 51, 1_700_000_000_000_000_000L,
                1_700_000_000_500_000_000L, 1_699_999_999_900_000_000L, 1_700_000_000_600_000_000L, 1 << 20, 60000, 9,
                1_700_000_001_000_000_000L, 4321, 2);
    }

    @Test
    void shouldEncodeIndexHeaderAndEntryAsTheDescriptorDrawsThem() {
        assertThat(HEX.formatHex(ChunkIndex.encodeHeader(1, 65535, 0x0102030405060708L))).isEqualTo(INDEX_HEADER);
        assertThat(HEX.formatHex(ChunkIndex.encodeEntry(entry(3)))).isEqualTo(ENTRY);
        assertThat(ChunkIndex.decodeEntry(HEX.parseHex(ENTRY))).isEqualTo(entry(3));
    }

    @Test
    void shouldEncodeHeadSlotAsTheDescriptorDrawsIt() throws IOException {
        assertThat(HEX.formatHex(HeadFile.encode(headState()))).isEqualTo(HEAD_SLOT);
        Path p = dir.resolve("head");
        HeadFile.create(p, headState());
        try (HeadFile h = HeadFile.openReadOnly(p)) {
            HeadState s = h.read();
            assertThat(s.generation()).isEqualTo(1);
            assertThat(s.visibleLength()).isEqualTo(4096);
            assertThat(s.nextPacketSeq()).isEqualTo(2051);
        }
        assertThat(Files.size(p)).isEqualTo(StoreDescriptor.HEAD_FILE_LENGTH);
    }

    @Test
    void shouldRoundTripIndexEntriesThroughTheFileWhenAppended() throws IOException {
        Path p = dir.resolve("index");
        ChunkIndex.create(p, 1, 65535, 77);
        try (ChunkIndex w = ChunkIndex.openForAppend(p)) {
            w.append(entry(1));
            w.append(entry(2));
        }
        assertThat(Files.size(p)).isEqualTo(64 + 2 * 128);
        try (ChunkIndex r = ChunkIndex.openReadOnly(p)) {
            assertThat(r.entries()).containsExactly(entry(1), entry(2));
            assertThat(r.linkType()).isEqualTo(1);
            assertThat(r.snaplen()).isEqualTo(65535);
            assertThat(r.createdNanos()).isEqualTo(77);
        }
    }

    @Test
    void shouldRefuseIndexOfUnknownVersionWhenOpened() throws IOException {
        Path p = dir.resolve("index");
        byte[] h = ChunkIndex.encodeHeader(1, 65535, 0);
        h[StoreDescriptor.IDX_VERSION_OFFSET] = 2;
        Files.write(p, h);
        assertThatThrownBy(() -> ChunkIndex.openReadOnly(p)).isInstanceOf(StoreFormatException.class)
                .hasMessageContaining("version 2").hasMessageContaining("reads version 1");
        Files.write(p, "not an index at all, just some text of enough length to fill a header......".getBytes());
        assertThatThrownBy(() -> ChunkIndex.openReadOnly(p)).isInstanceOf(StoreFormatException.class)
                .hasMessageContaining("not a pushcap capture index");
    }

    @Test
    void shouldRefuseHeadOfUnknownVersionWhenRead() throws IOException {
        Path p = dir.resolve("head");
        byte[] slot = HeadFile.encode(headState());
        ByteBuffer b = ByteBuffer.wrap(slot).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(StoreDescriptor.H_VERSION, 2);
        CRC32C c = new CRC32C();
        c.update(slot, 0, StoreDescriptor.H_CRC);
        b.putInt(StoreDescriptor.H_CRC, (int) c.getValue());
        byte[] file = new byte[StoreDescriptor.HEAD_FILE_LENGTH];
        System.arraycopy(slot, 0, file, 0, slot.length);
        Files.write(p, file);
        try (HeadFile h = HeadFile.openReadOnly(p)) {
            assertThatThrownBy(h::read).isInstanceOf(StoreFormatException.class).hasMessageContaining("version 2");
        }
    }

    @Test
    void shouldRefuseMetadataOfUnknownVersionWhenRead() throws IOException {
        Path p = dir.resolve("capture.meta");
        new CaptureMeta("c1", "/ram/r", 5).write(p);
        assertThat(CaptureMeta.read(p)).isEqualTo(new CaptureMeta("c1", "/ram/r", 5));
        assertThat(Files.readString(p)).startsWith("pushcap-capture 1\n");
        Files.writeString(p, "pushcap-capture 9\nname=c1\n");
        assertThatThrownBy(() -> CaptureMeta.read(p)).isInstanceOf(PushcapException.class).hasMessageContaining("version 9");
    }

    @Test
    void shouldStopBeforeAHalfWrittenEntryWhenReadingAndCutItWhenOpenedForAppend() throws IOException {
        Path p = dir.resolve("index");
        ChunkIndex.create(p, 1, 65535, 0);
        try (ChunkIndex w = ChunkIndex.openForAppend(p)) {
            w.append(entry(1));
            w.append(entry(2));
        }
        byte[] third = ChunkIndex.encodeEntry(entry(3));
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(third, 0, 60)); // a crash after 60 of 128 bytes
        }
        try (ChunkIndex r = ChunkIndex.openReadOnly(p)) {
            assertThat(r.entries()).hasSize(2);
        }
        assertThat(Files.size(p)).isEqualTo(64 + 256 + 60);
        try (ChunkIndex w = ChunkIndex.openForAppend(p)) {
            assertThat(w.tornBytes()).isEqualTo(60);
            assertThat(w.entries()).hasSize(2);
            w.append(entry(3));
        }
        try (ChunkIndex r = ChunkIndex.openReadOnly(p)) {
            assertThat(r.entries()).containsExactly(entry(1), entry(2), entry(3));
        }
    }

    @Test
    void shouldTreatAFullSizeTornLastEntryAsInProgressButACorruptMiddleEntryAsAnError() throws IOException {
        Path p = dir.resolve("index");
        ChunkIndex.create(p, 1, 65535, 0);
        try (ChunkIndex w = ChunkIndex.openForAppend(p)) {
            w.append(entry(1));
            w.append(entry(2));
        }
        flipByte(p, 64 + 128 + 40); // damage the last entry: a reader may be seeing it being written
        try (ChunkIndex r = ChunkIndex.openReadOnly(p)) {
            assertThat(r.entries()).containsExactly(entry(1));
        }
        flipByte(p, 64 + 128 + 40);
        flipByte(p, 64 + 40); // damage the first entry: followed by a good one, this is corruption
        assertThatThrownBy(() -> ChunkIndex.openReadOnly(p)).isInstanceOf(StoreFormatException.class)
                .hasMessageContaining("corrupt index entry at offset 64");
    }

    @Test
    void shouldReadTheOlderSlotWhenTheNewestIsTorn() throws IOException {
        Path p = dir.resolve("head");
        HeadFile.create(p, HeadState.empty(1, 0));
        try (HeadFile w = HeadFile.openForWrite(p)) {
            HeadState s = headState();
            assertThat(w.write(s).generation()).isEqualTo(2);
            assertThat(w.write(s).generation()).isEqualTo(3);
        }
        // generation 3 is in slot 0 (odd generations), generation 2 in slot 1
        flipByte(p, StoreDescriptor.H_VISIBLE_LENGTH);
        try (HeadFile r = HeadFile.openReadOnly(p)) {
            assertThat(r.read().generation()).isEqualTo(2);
        }
        try (HeadFile w = HeadFile.openForWrite(p)) {
            assertThat(w.write(headState()).generation()).isEqualTo(3); // rewrites the torn slot
        }
        try (HeadFile r = HeadFile.openReadOnly(p)) {
            assertThat(r.read().generation()).isEqualTo(3);
        }
    }

    @Test
    void shouldNameChunksBySequenceWithTwelveDigits() {
        assertThat(StoreDescriptor.chunkName(42)).isEqualTo("000000000042.pcap");
    }

    private static void flipByte(Path p, long at) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, at);
            one.put(0, (byte) (one.get(0) ^ 0x5a)).rewind();
            ch.write(one, at);
        }
    }
}
