package io.pushcap.sink.tap;

import io.pushcap.pcap.Packet;
import io.pushcap.sink.PacketSink;

import java.io.IOException;
import java.io.InterruptedIOException;

/**
 * A push target with {@code Mode = "TAP"}: re-transmits the packets its runner passes (already
 * filtered and decapsulated as the target says) out of a NIC or through a tunnel, with the
 * target's edits and rate cap ({@link TapOptions#fromTarget}).
 *
 * <p><b>Note:</b> used by the target's thread. {@link #write} copies the packet into the send
 * batch; {@link #flush()} sends it. A rate cap waits, it does not drop (the target reads from a
 * ring or files, so waiting loses nothing; a ring that laps a slow target counts that loss in the
 * ring reader). Packets the path refuses are counted ({@link TapCounters}); an interface or route
 * that is gone fails {@link #flush()} with an {@link IOException}, so the runner retries from its
 * saved cursor (packets of the failed batch that had gone out before the failure go out again).
 */
public final class TapPacketSink implements PacketSink {
    private final TapSender sender;

    public TapPacketSink(TapSender sender) {
        this.sender = sender;
    }

    @Override
    public String kind() {
        return "tap";
    }

    @Override
    public void write(Packet packet) throws IOException {
        try {
            sender.send(packet);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("tap '" + sender.options().name() + "': interrupted while sending");
        }
    }

    @Override
    public void flush() throws IOException {
        try {
            sender.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("tap '" + sender.options().name() + "': interrupted while sending");
        }
    }

    @Override
    public long packetsWritten() {
        return sender.sent();
    }

    public TapCounters counters() {
        return sender.counters();
    }

    @Override
    public void close() throws IOException {
        sender.close();
    }
}
