package io.pushcap.capture;

import io.pushcap.pcap.CaptureFiles;
import io.pushcap.pcap.CaptureReader;
import io.pushcap.pcap.Packet;
import io.pushcap.pipeline.filter.BpfFilter;
import io.pushcap.ring.RingWriter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code pushcap rx -r FILE}: loads a pcap or pcapng file into a ring, at the pace its timestamps
 * say (the gaps between packets are reproduced from the first packet on) or as fast as possible
 * ({@code --topspeed}). Timestamps are stored as recorded. {@code -V}, {@code -s} and {@code -f}
 * apply as for a live capture.
 *
 * <p><b>Note:</b> {@link #run} blocks the calling thread (the ring's writer thread) until the file
 * ends or {@link #stop()} is called from any thread. Corrupt input raises the reader's
 * {@link io.pushcap.pcap.CorruptCaptureException} after the packets before it were written.
 */
public final class FileReplayer {
    /** Waits shorter than this are skipped: parking that briefly costs more than it saves. */
    private static final long MIN_PARK_NANOS = 20_000;

    public record Options(Path file, int vlan, int snaplen, String filter, boolean topspeed) {
    }

    private final Options options;
    private final RingWriter writer;
    private final RingFrameWriter frames;
    private volatile boolean stopping;
    private long packets;
    private long filtered;

    public FileReplayer(Options options, RingWriter writer) {
        this.options = options;
        this.writer = writer;
        this.frames = new RingFrameWriter(writer, options.vlan(), options.snaplen());
    }

    public void run() throws IOException {
        try (CaptureReader in = CaptureFiles.open(options.file())) {
            int snap = in.snaplen() > 0 ? in.snaplen() : 262_144;
            writer.declare(in.linkType(), options.snaplen() > 0 ? Math.min(options.snaplen(), snap) : snap);
            BpfFilter bpf = options.filter() == null || options.filter().isBlank() ? null
                    : BpfFilter.compile(options.filter(), in.linkType(), snap);
            try {
                replay(in, bpf);
            } finally {
                if (bpf != null) {
                    bpf.close();
                }
            }
        }
    }

    private void replay(CaptureReader in, BpfFilter bpf) throws IOException {
        Packet p = new Packet();
        long firstTs = 0;
        long startWall = 0;
        while (!stopping && in.next(p)) {
            if (bpf != null && !bpf.matches(p)) {
                filtered++;
                continue;
            }
            if (!options.topspeed()) {
                if (packets == 0) {
                    firstTs = p.timestampNanos();
                    startWall = System.nanoTime();
                }
                pace(startWall + (p.timestampNanos() - firstTs));
            }
            frames.write(p, p.interfaceId());
            frames.publish(); // paced replay: each packet is due when it is written
            packets++;
        }
    }

    private void pace(long due) {
        long wait;
        while (!stopping && (wait = due - System.nanoTime()) > MIN_PARK_NANOS) {
            LockSupport.parkNanos(wait);
        }
    }

    public void stop() {
        stopping = true;
    }

    public long packets() {
        return packets;
    }

    /** Packets the -f filter rejected. */
    public long filtered() {
        return filtered;
    }
}
