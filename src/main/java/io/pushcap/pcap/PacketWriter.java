package io.pushcap.pcap;

import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;

/**
 * Writes captured packets to a capture file format ({@link PcapWriter}, {@link PcapngWriter}).
 *
 * <p><b>Note:</b> not thread-safe. Packet bytes are copied, never kept. After a write fails the
 * output must be treated as incomplete.
 */
public interface PacketWriter extends Closeable, Flushable {

    /** True when this output can hold a packet of {@code linkType} (pcap: only its own). */
    boolean accepts(int linkType);

    /** Appends one record copied from {@code packet}. */
    void write(Packet packet) throws IOException;

    /** Bytes of the format written so far (headers included), buffered or not. */
    long bytesWritten();

    long packetsWritten();
}
