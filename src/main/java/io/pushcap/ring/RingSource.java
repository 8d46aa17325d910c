package io.pushcap.ring;

import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.Packet;
import io.pushcap.pipeline.PacketSource;
import io.pushcap.pipeline.SourcePosition;

import java.nio.file.Path;

/**
 * A ring as a {@link PacketSource}, so push targets and {@code cat} follow it in real time.
 *
 * <p>Positions: {@link SourcePosition#minor()} is the absolute ring position of the next record
 * and {@link SourcePosition#major()} its packet sequence number (-1 when not known yet, before the
 * first packet after starting at the latest or oldest record). The sequence makes a gap exact: a
 * target that seeks to a saved position whose data has been overwritten resumes at the oldest
 * record, and {@link #lostPackets()} grows by exactly the number of packets it missed.
 *
 * <p><b>Note:</b> single-threaded, like every {@link PacketSource}. Packets are copied out of the
 * ring into the reader's buffer ({@link RingReader#next(Packet)}), so a packet stays intact until
 * the next call even if the writer laps the reader meanwhile. Never {@link #ended()}.
 * {@link #close()} releases the reader slot and unmaps the ring.
 */
public final class RingSource implements PacketSource {
    private final RingFile ring;
    private final RingReader reader;

    private RingSource(RingFile ring, RingReader reader) {
        this.ring = ring;
        this.reader = reader;
    }

    /** Opens {@code path} and claims a reader slot named {@code readerName}. */
    public static RingSource open(Path path, RingReader.Options options) {
        RingFile ring = RingFile.open(path);
        try {
            return new RingSource(ring, ring.reader(options));
        } catch (RuntimeException e) {
            ring.close();
            throw e;
        }
    }

    @Override
    public boolean next(Packet packet) {
        return reader.next(packet);
    }

    @Override
    public boolean await(long timeoutNanos) throws InterruptedException {
        return reader.await(timeoutNanos);
    }

    @Override
    public boolean ended() {
        return false;
    }

    @Override
    public SourcePosition position() {
        return new SourcePosition(reader.sequence(), reader.position(), 0);
    }

    @Override
    public SourcePosition positionOfLast() {
        return new SourcePosition(reader.lastRecordSequence(), reader.lastRecordPosition(), 0);
    }

    @Override
    public void seek(SourcePosition position) {
        reader.seek(position.minor(), position.major());
    }

    @Override
    public long lostPackets() {
        return reader.lostPackets();
    }

    /** The writer's declared link type; Ethernet before any writer declared one. */
    @Override
    public int linkType() {
        int lt = ring.linkType();
        return lt < 0 ? LinkType.ETHERNET : lt;
    }

    @Override
    public int snaplen() {
        int s = ring.snaplen();
        return s > 0 ? s : RingDescriptor.MAX_CAPLEN;
    }

    @Override
    public long bytesConsumed() {
        return reader.bytesRead();
    }

    public RingReader reader() {
        return reader;
    }

    @Override
    public String describe() {
        return "ring " + ring.path();
    }

    @Override
    public void close() {
        try {
            reader.close();
        } finally {
            ring.close();
        }
    }
}
