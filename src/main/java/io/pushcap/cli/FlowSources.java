package io.pushcap.cli;

import io.pushcap.PushcapException;
import io.pushcap.capture.LiveCapture;
import io.pushcap.pcap.Packet;
import io.pushcap.pipeline.PacketSource;
import io.pushcap.pipeline.SourcePosition;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The live sources {@code flows meter} can read: a network interface now, a RAM ring once the
 * ring package is merged (the lead connects {@link #ring(String)} to the ring source).
 */
final class FlowSources {
    private FlowSources() {
    }

    /** A pushcap RAM ring by name or path. */
    static PacketSource ring(String ring) {
        throw new PushcapException("--ring " + ring + ": ring sources are not on this branch yet; use --interface DEV");
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
        LiveCapture.Options o = LiveCapture.Options.defaults(device);
        // Immediate mode: with TPACKET_V3 a block of packets waits for the block timeout; 256 bytes
        // of each packet hold every header the meter reads.
        return new LiveSource(LiveCapture.open(new LiveCapture.Options(device, 256, o.promiscuous(), o.bufferBytes(),
                true, o.timeoutMillis(), o.inboundOnly())), ifIndex);
    }

    /**
     * A LiveCapture as a PacketSource. libpcap's {@code pcap_next_ex} keeps waiting past its
     * timeout until a packet comes, which would hold expiry and control requests back on a quiet
     * or trickling link; a daemon thread breaks the wait every {@link #WAKE_MILLIS} ms so that
     * {@link #next(Packet)} returns false at least that often, as the PacketSource contract asks.
     */
    private static final class LiveSource implements PacketSource {
        private static final long WAKE_MILLIS = 100;
        private final LiveCapture capture;
        private final int ifIndex;
        private final Thread waker;
        private volatile boolean closed;

        LiveSource(LiveCapture capture, int ifIndex) {
            this.capture = capture;
            this.ifIndex = ifIndex;
            this.waker = Thread.ofPlatform().daemon().name("flows-capture-waker").start(() -> {
                while (!closed) {
                    try {
                        Thread.sleep(WAKE_MILLIS);
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (!closed) {
                        capture.breakLoop();
                    }
                }
            });
        }

        @Override
        public boolean next(Packet p) {
            if (!capture.next(p)) {
                return false;
            }
            p.set(p.segment(), p.offset(), p.caplen(), p.wirelen(), p.timestampNanos(), p.linkType(), ifIndex);
            return true;
        }

        @Override
        public boolean await(long timeoutNanos) {
            return true; // next() already waits up to the capture timeout
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
            return "interface " + capture.device() + " (ifindex " + ifIndex + ")";
        }

        @Override
        public void close() {
            closed = true;
            waker.interrupt();
            try {
                waker.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            capture.close();
        }
    }
}
