package io.pushcap.cli;

import io.pushcap.PushcapException;
import io.pushcap.capture.LiveCapture;
import io.pushcap.internal.ffm.NetNs;
import io.pushcap.pcap.Packet;
import io.pushcap.pipeline.PacketSource;
import io.pushcap.pipeline.SourcePosition;
import io.pushcap.ring.RingPaths;
import io.pushcap.ring.RingReader;
import io.pushcap.ring.RingSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The live sources {@code flows meter} can read: a RAM ring, or a network interface directly. */
final class FlowSources {
    private FlowSources() {
    }

    /** A pushcap RAM ring by name or path. */
    static PacketSource ring(String ring) {
        Path path = RingPaths.resolve(ring, null);
        if (!Files.isRegularFile(path)) {
            throw new PushcapException("--ring " + ring + ": no ring at " + path.toAbsolutePath()
                    + " (create one with: pushcap ring create -s 100m " + ring + ")");
        }
        return RingSource.open(path, RingReader.Options.latest("flows"));
    }

    /**
     * A libpcap live capture of {@code device} inside network namespace {@code netns} (the seed's
     * {@code --netns}): the capture socket is opened by a thread that joined the namespace, and
     * packets carry the device's ifindex there.
     */
    static PacketSource device(String device, String netns) {
        if (netns == null) {
            return device(device);
        }
        return NetNs.call(netns, () -> {
            int ifIndex = NetNs.ifIndex(device);
            if (ifIndex == 0) {
                throw new PushcapException("--interface " + device + ": no such interface in network namespace " + netns
                        + " (list them with: ip netns exec " + netns + " ip link)");
            }
            return new LiveSource(LiveCapture.open(options(device)), ifIndex, " in netns " + netns);
        });
    }

    /** A libpcap live capture of {@code device}; packets carry the device's ifindex. */
    static PacketSource device(String device) {
        int ifIndex = 0;
        Path p = Path.of("/sys/class/net", device, "ifindex");
        try {
            if (Files.isReadable(p)) {
                ifIndex = Integer.parseInt(Files.readString(p).trim());
            }
        } catch (IOException | NumberFormatException e) {
            ifIndex = 0;
        }
        return new LiveSource(LiveCapture.open(options(device)), ifIndex, "");
    }

    private static LiveCapture.Options options(String device) {
        LiveCapture.Options o = LiveCapture.Options.defaults(device);
        // Immediate mode: with TPACKET_V3 a block of packets waits for the block timeout; 256 bytes
        // of each packet hold every header the meter reads.
        return new LiveCapture.Options(device, 256, o.promiscuous(), o.bufferBytes(), true, o.timeoutMillis(),
                o.inboundOnly());
    }

    /**
     * A LiveCapture as a PacketSource: {@link #next} takes what the kernel holds without waiting,
     * {@link #await} waits at most the capture's timeout (100 ms on a quiet link), so expiry and
     * control requests are never held back, and the meter's loop runs the same branches in a burst
     * and on an idle link (see {@link LiveCapture}).
     */
    private static final class LiveSource implements PacketSource {
        private final LiveCapture capture;
        private final int ifIndex;
        private final String where;

        LiveSource(LiveCapture capture, int ifIndex, String where) {
            this.capture = capture;
            this.ifIndex = ifIndex;
            this.where = where;
        }

        @Override
        public boolean next(Packet p) {
            if (!capture.nextReady(p)) {
                return false;
            }
            p.set(p.segment(), p.offset(), p.caplen(), p.wirelen(), p.timestampNanos(), p.linkType(), ifIndex);
            return true;
        }

        @Override
        public boolean await(long timeoutNanos) {
            capture.awaitPackets();
            return true;
        }

        @Override
        public boolean ended() {
            return false;
        }

        @Override
        public SourcePosition position() {
            return SourcePosition.START;
        }

        @Override
        public SourcePosition positionOfLast() {
            return SourcePosition.START;
        }

        @Override
        public void seek(SourcePosition position) {
            throw new PushcapException("interface " + capture.device() + ": a live capture cannot seek");
        }

        @Override
        public long lostPackets() {
            return capture.stats().dropped();
        }

        @Override
        public int linkType() {
            return capture.linkType();
        }

        @Override
        public int snaplen() {
            return capture.snaplen();
        }

        @Override
        public String describe() {
            return "interface " + capture.device() + where + " (ifindex " + ifIndex + ")";
        }

        @Override
        public void close() {
            capture.close();
        }
    }
}
