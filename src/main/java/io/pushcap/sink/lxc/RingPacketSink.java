package io.pushcap.sink.lxc;

import io.pushcap.PushcapException;
import io.pushcap.pcap.Packet;
import io.pushcap.ring.RingFile;
import io.pushcap.ring.RingWriter;
import io.pushcap.sink.PacketSink;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code Mode = "LXC"}: the target's filtered stream written into a local ring (the appliance's
 * {@code lxc_ring0}), where another program reads it, e.g. {@code pushcap cat lxc_ring0 | tshark -r -}.
 *
 * <p><b>Note:</b> single-threaded (the target's thread). The ring must exist (created with
 * {@code pushcap ring create}); the sink is its one writer. Writing never blocks: a slow reader of
 * the ring is lapped and counts its own loss, as with any ring.
 */
public final class RingPacketSink implements PacketSink {
    private final RingFile ring;
    private final RingWriter writer;
    private long packets;

    public RingPacketSink(Path path, String desc, int linkType, int snaplen) {
        if (!Files.exists(path)) {
            throw new PushcapException("target '" + desc + "': Path: ring '" + path
                    + "' does not exist (create it with: pushcap ring create -s 100m " + path + ")");
        }
        this.ring = RingFile.open(path);
        try {
            this.writer = ring.writer("push " + desc);
            writer.declare(linkType, snaplen);
        } catch (RuntimeException e) {
            ring.close();
            throw e;
        }
    }

    @Override
    public String kind() {
        return "lxc";
    }

    @Override
    public void write(Packet packet) {
        writer.write(packet);
        packets++;
    }

    @Override
    public void flush() {
        // Records are visible to readers as soon as write() returns.
    }

    @Override
    public long packetsWritten() {
        return packets;
    }

    @Override
    public void close() {
        try {
            writer.close();
        } finally {
            ring.close();
        }
    }
}
