package io.pushcap.pcap;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static io.pushcap.pcap.PcapDescriptor.*;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

/**
 * Writes classic pcap in host byte order: nanosecond timestamps by default, microseconds on
 * request, with the link type and snaplen given at creation.
 *
 * <p>Records are gathered in a 1 MiB buffer (native for channels, so a file write is one copy;
 * heap for streams such as compressors) and handed on when it fills, on {@link #flush()} and on
 * {@link #close()}.
 *
 * <p><b>Note:</b> not thread-safe. The writer does not own the packet bytes it is given; it copies
 * them. It owns the channel or stream and closes it on {@link #close()}. Write failures propagate
 * as {@link IOException}; after one, the output must be treated as incomplete.
 */
public final class PcapWriter implements PacketWriter {
    private static final int BUFFER_SIZE = 1 << 20;

    private final WritableByteChannel channel;
    private final OutputStream stream;
    private final ByteBuffer buffer;
    private final MemorySegment bufferSegment;
    private final TimestampPrecision precision;
    private final int linkType;
    private final int snaplen;
    private long packets;
    private long bytes;
    private boolean closed;

    public PcapWriter(WritableByteChannel channel, int linkType, int snaplen, TimestampPrecision precision)
            throws IOException {
        this(channel, null, ByteBuffer.allocateDirect(BUFFER_SIZE), linkType, snaplen, precision);
    }

    public PcapWriter(OutputStream stream, int linkType, int snaplen, TimestampPrecision precision)
            throws IOException {
        this(null, stream, ByteBuffer.allocate(BUFFER_SIZE), linkType, snaplen, precision);
    }

    private PcapWriter(WritableByteChannel channel, OutputStream stream, ByteBuffer buffer, int linkType, int snaplen,
                       TimestampPrecision precision) throws IOException {
        this.channel = channel;
        this.stream = stream;
        this.buffer = buffer.order(ByteOrder.nativeOrder());
        this.bufferSegment = MemorySegment.ofBuffer(this.buffer);
        this.precision = precision;
        this.linkType = linkType;
        this.snaplen = snaplen;
        writeFileHeader();
    }

    /** Creates (or truncates) a file and writes the header. */
    public static PcapWriter create(Path file, int linkType, int snaplen, TimestampPrecision precision)
            throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            Path parent = file.toAbsolutePath().getParent();
            String fs = parent != null && java.nio.file.Files.isDirectory(parent)
                    ? io.pushcap.internal.IoProblems.fileSystemProblem(parent) : null;
            throw new io.pushcap.PushcapException(file + ": cannot create the output: "
                    + (fs != null ? parent + " " + fs : io.pushcap.internal.IoProblems.describe(e)));
        }
        try {
            return new PcapWriter(ch, linkType, snaplen, precision);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private void writeFileHeader() {
        MemorySegment s = bufferSegment;
        s.set(JAVA_INT_UNALIGNED, MAGIC_OFFSET, precision.magic());
        s.set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, VERSION_MAJOR_OFFSET, (short) VERSION_MAJOR);
        s.set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, VERSION_MINOR_OFFSET, (short) VERSION_MINOR);
        s.set(JAVA_INT_UNALIGNED, THISZONE_OFFSET, 0);
        s.set(JAVA_INT_UNALIGNED, SIGFIGS_OFFSET, 0);
        s.set(JAVA_INT_UNALIGNED, SNAPLEN_OFFSET, snaplen);
        s.set(JAVA_INT_UNALIGNED, LINKTYPE_OFFSET, linkType);
        buffer.position(FILE_HEADER_LENGTH);
        bytes = FILE_HEADER_LENGTH;
    }

    /** A pcap file holds one link type: its own. */
    @Override
    public boolean accepts(int linkType) {
        return linkType == this.linkType;
    }

    /** Appends one record copied from {@code packet}. */
    @Override
    public void write(Packet packet) throws IOException {
        write(packet.timestampNanos(), packet.wirelen(), packet.segment(), packet.offset(), packet.caplen());
    }

    /** Appends one record: {@code caplen} bytes at {@code offset} of {@code data}. */
    public void write(long timestampNanos, int wirelen, MemorySegment data, long offset, int caplen) throws IOException {
        int need = RECORD_HEADER_LENGTH + caplen;
        if (buffer.remaining() < need) {
            drain();
        }
        long sec = Math.floorDiv(timestampNanos, 1_000_000_000L);
        long frac = Math.floorMod(timestampNanos, 1_000_000_000L);
        if (precision == TimestampPrecision.MICRO) {
            frac /= 1_000L;
        }
        int p = buffer.position();
        MemorySegment s = bufferSegment;
        if (need <= buffer.capacity()) {
            s.set(JAVA_INT_UNALIGNED, p + TS_SEC_OFFSET, (int) sec);
            s.set(JAVA_INT_UNALIGNED, p + TS_FRAC_OFFSET, (int) frac);
            s.set(JAVA_INT_UNALIGNED, p + CAPLEN_OFFSET, caplen);
            s.set(JAVA_INT_UNALIGNED, p + WIRELEN_OFFSET, wirelen);
            MemorySegment.copy(data, offset, s, p + RECORD_HEADER_LENGTH, caplen);
            buffer.position(p + need);
        } else {
            writeLarge(sec, frac, wirelen, data, offset, caplen);
        }
        packets++;
        bytes += need;
    }

    private void writeLarge(long sec, long frac, int wirelen, MemorySegment data, long offset, int caplen)
            throws IOException {
        ByteBuffer header = ByteBuffer.allocate(RECORD_HEADER_LENGTH).order(ByteOrder.nativeOrder());
        header.putInt((int) sec).putInt((int) frac).putInt(caplen).putInt(wirelen).flip();
        emit(header);
        emit(data.asSlice(offset, caplen).asByteBuffer());
    }

    private void emit(ByteBuffer b) throws IOException {
        if (channel != null) {
            while (b.hasRemaining()) {
                channel.write(b);
            }
        } else if (b.hasArray()) {
            stream.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
            b.position(b.limit());
        } else {
            byte[] tmp = new byte[b.remaining()];
            b.get(tmp);
            stream.write(tmp);
        }
    }

    private void drain() throws IOException {
        buffer.flip();
        emit(buffer);
        buffer.clear();
    }

    /** Bytes of pcap written so far (header included), buffered or not. */
    @Override
    public long bytesWritten() {
        return bytes;
    }

    @Override
    public long packetsWritten() {
        return packets;
    }

    public int linkType() {
        return linkType;
    }

    public int snaplen() {
        return snaplen;
    }

    /** Hands buffered records to the channel or stream, and flushes the stream. */
    @Override
    public void flush() throws IOException {
        drain();
        if (stream != null) {
            stream.flush();
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            drain();
        } finally {
            if (channel != null) {
                channel.close();
            } else {
                stream.close();
            }
        }
    }
}
