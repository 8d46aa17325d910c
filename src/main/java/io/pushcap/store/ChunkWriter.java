package io.pushcap.store;

import io.pushcap.pcap.Packet;
import io.pushcap.pcap.PcapDescriptor;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes the open chunk: a nanosecond pcap file, records gathered in a direct buffer and written
 * with positioned writes. A record is first <em>staged</em> (copied into the buffer) and only
 * counted when <em>committed</em>, so a packet read as a zero-copy view of a ring can be dropped
 * after the copy if the ring writer overwrote it meanwhile.
 *
 * <p><b>Note:</b> not thread-safe (the recorder's thread). The writer copies the packet bytes and
 * owns its file, which it creates (failing if it exists) and closes. Only whole committed records
 * reach the file; {@link #fileLength()} is always a record boundary after {@link #drain()}.
 */
final class ChunkWriter implements AutoCloseable {
    private static final int BUFFER_SIZE = 1 << 20;

    private final Path file;
    private final long seq;
    private final FileChannel ch;
    private ByteBuffer buffer;
    private MemorySegment segment;
    private long fileBytes;
    private int buffered;
    private int staged = -1;
    private long packets;
    private long firstTs;
    private long lastTs;
    private long minTs = Long.MAX_VALUE;
    private long maxTs = Long.MIN_VALUE;

    private ChunkWriter(Path file, long seq, FileChannel ch) {
        this.file = file;
        this.seq = seq;
        this.ch = ch;
        allocate(BUFFER_SIZE);
    }

    /** Creates the chunk file (it must not exist) with its pcap header still in the buffer. */
    static ChunkWriter create(Path file, long seq, int linkType, int snaplen) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        ChunkWriter w = new ChunkWriter(file, seq, ch);
        ChunkFormat.writeFileHeader(w.segment, 0, linkType, snaplen);
        w.buffered = PcapDescriptor.FILE_HEADER_LENGTH;
        return w;
    }

    private void allocate(int size) {
        buffer = ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
        segment = MemorySegment.ofBuffer(buffer);
    }

    /** Copies {@code p} into the buffer as the next record, not yet counted; see {@link #commit()}. */
    void stage(Packet p) throws IOException {
        int caplen = p.caplen();
        int need = PcapDescriptor.RECORD_HEADER_LENGTH + caplen;
        if (segment.byteSize() - buffered < need) {
            drain();
            if (segment.byteSize() < need) {
                allocate(Math.max(need, BUFFER_SIZE));
            }
        }
        ChunkFormat.writeRecordHeader(segment, buffered, p.timestampNanos(), caplen, p.wirelen());
        MemorySegment.copy(p.segment(), p.offset(), segment, buffered + PcapDescriptor.RECORD_HEADER_LENGTH, caplen);
        staged = need;
    }

    /** Counts the staged record; {@code ts} is its timestamp. */
    void commit(long ts) {
        buffered += staged;
        staged = -1;
        if (packets == 0) {
            firstTs = ts;
        }
        packets++;
        lastTs = ts;
        if (ts < minTs) {
            minTs = ts;
        }
        if (ts > maxTs) {
            maxTs = ts;
        }
    }

    /** Writes the buffered records to the file. */
    void drain() throws IOException {
        if (buffered == 0) {
            return;
        }
        buffer.clear().limit(buffered);
        long at = fileBytes;
        while (buffer.hasRemaining()) {
            at += ch.write(buffer, at);
        }
        fileBytes = at;
        buffered = 0;
    }

    /** fdatasync: the written records survive a power cut. */
    void sync() throws IOException {
        ch.force(false);
    }

    long seq() {
        return seq;
    }

    Path file() {
        return file;
    }

    /** Bytes of committed records (and the file header), written or buffered. */
    long length() {
        return fileBytes + buffered;
    }

    /** Bytes in the file: a record boundary. */
    long fileLength() {
        return fileBytes;
    }

    /** Committed bytes not yet written to the file. */
    int bufferedBytes() {
        return buffered;
    }

    long packets() {
        return packets;
    }

    long firstTs() {
        return firstTs;
    }

    long lastTs() {
        return lastTs;
    }

    long minTs() {
        return packets == 0 ? 0 : minTs;
    }

    long maxTs() {
        return packets == 0 ? 0 : maxTs;
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
