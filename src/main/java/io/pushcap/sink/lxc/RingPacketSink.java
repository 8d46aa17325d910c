package io.pushcap.sink.lxc;

import io.pushcap.PushcapException;
import io.pushcap.pcap.Packet;
import io.pushcap.ring.RingFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.pushcap.ring.RingPaths;
import io.pushcap.ring.RingWriter;
import io.pushcap.sink.PacketSink;

import java.nio.file.Path;

/**
 * {@code Mode = "LXC"}: the target's filtered stream written into a local ring (the appliance's
 * {@code lxc_ring0}), where another program reads it, e.g. {@code pushcap cat lxc_ring0 | tshark -r -}.
 *
 * <p><b>Note:</b> single-threaded (the target's thread). A missing ring is created (100 MiB);
 * the sink is its one writer. Writing never blocks: a slow reader of
 * the ring is lapped and counts its own loss, as with any ring.
 */
public final class RingPacketSink implements PacketSink {
    private static final Logger LOG = LoggerFactory.getLogger(RingPacketSink.class);
    private final RingFile ring;
    private final RingWriter writer;
    private long packets;

    public RingPacketSink(Path path, String desc, int linkType, int snaplen) {
        this.ring = openOrCreate(path, desc);
        try {
            this.writer = ring.writer("push " + desc);
            writer.declare(linkType, snaplen);
        } catch (RuntimeException e) {
            ring.close();
            throw e;
        }
    }

    /** The default size of a ring a push creates, as the hint of {@code pushcap ring create -s 100m}. */
    static final long DEFAULT_RING_BYTES = 100L << 20;

    /**
     * Opens the target's ring, creating it (100 MiB, and its directory) when it does not exist yet:
     * {@code pushcap check} accepts a target whose ring is missing, so the push must run it
     * (check and push agree). A ring made by {@code pushcap ring create} beforehand keeps its size.
     */
    private static RingFile openOrCreate(Path path, String desc) {
        if (RingPaths.missingRing(path) == null) {
            return RingFile.open(path);
        }
        try {
            java.nio.file.Files.createDirectories(path.toAbsolutePath().getParent());
        } catch (java.io.IOException e) {
            throw new PushcapException("target '" + desc + "': Path: cannot create the directory of ring '" + path
                    + "': " + e.getMessage());
        }
        try {
            RingFile.create(path, new RingFile.CreateOptions(DEFAULT_RING_BYTES, false)).close();
            LOG.info("target '{}': created ring {} (100 MiB; make it with pushcap ring create -s SIZE to choose)",
                    desc, path);
        } catch (RuntimeException e) {
            if (RingPaths.missingRing(path) != null) {
                throw e;
            }
            // another process created it in between: use theirs
        }
        return RingFile.open(path);
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
