package io.pushcap.pcap;

import java.io.IOException;

/**
 * A streaming reader of captured packets, in file order.
 *
 * <p><b>Note:</b> not thread-safe. {@link #next(Packet)} fills the caller's packet with a view
 * into the reader's memory, valid until the next call or {@link #close()}. Corrupt or truncated
 * input raises {@link CorruptCaptureException}; the end of input returns false.
 */
public interface CaptureReader extends AutoCloseable {

    /** Fills {@code packet} with the next record; false at the clean end of the input. */
    boolean next(Packet packet) throws IOException;

    /** The link type of the first interface (classic pcap has exactly one). */
    int linkType();

    /** The snapshot length of the first interface. */
    int snaplen();

    /** Records returned so far. */
    long recordsRead();

    /** Bytes consumed from the input so far (file offset). */
    long bytesRead();

    /** Total input size when known, -1 for streams; lets callers show progress. */
    long sizeHint();

    /** Name used in messages (the path, or "-" for stdin). */
    String name();

    /** "pcap" or "pcapng", with the timestamp resolution. */
    String format();

    @Override
    void close() throws IOException;
}
