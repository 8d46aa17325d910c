package io.pushcap.testsupport;

import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.Packet;
import io.pushcap.pcap.PcapWriter;
import io.pushcap.pcap.TimestampPrecision;
import io.pushcap.ring.RingFile;
import io.pushcap.ring.RingInfo;
import io.pushcap.ring.RingReader;
import io.pushcap.ring.RingWriter;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Rings and pcap files of given frames for the tap tests, and what a ring holds. */
public final class TapRings {
    public static final long START_NANOS = 1_700_000_000_000_000_000L;

    private TapRings() {
    }

    /** Creates a ring holding {@code frames} (Ethernet, 1 us apart). */
    public static Path ring(Path path, long size, List<byte[]> frames) {
        try (RingFile r = RingFile.create(path, new RingFile.CreateOptions(size, false));
             RingWriter w = r.writer("test")) {
            w.declare(LinkType.ETHERNET, 262_144);
            long ts = START_NANOS;
            for (byte[] f : frames) {
                w.write(ts, f.length, LinkType.ETHERNET, 0, MemorySegment.ofArray(f), 0, f.length);
                ts += 1000;
            }
        }
        return path;
    }

    /** An empty ring. */
    public static Path ring(Path path, long size) {
        RingFile.create(path, new RingFile.CreateOptions(size, false)).close();
        return path;
    }

    /** Every packet still in the ring, oldest first. */
    public static List<byte[]> read(Path path) {
        List<byte[]> out = new ArrayList<>();
        try (RingFile r = RingFile.open(path);
             RingReader reader = r.reader(new RingReader.Options("test-read", RingReader.Start.OLDEST))) {
            Packet p = new Packet();
            while (reader.next(p)) {
                out.add(p.toByteArray());
            }
        }
        return out;
    }

    public static RingInfo info(Path path) {
        try (RingFile r = RingFile.openReadOnly(path)) {
            return r.info();
        }
    }

    /** A ns pcap of {@code frames} (link type Ethernet), 1 us apart. */
    public static Path pcap(Path file, List<byte[]> frames) throws IOException {
        try (PcapWriter w = PcapWriter.create(file, LinkType.ETHERNET, 262_144, TimestampPrecision.NANO)) {
            long ts = START_NANOS;
            for (byte[] f : frames) {
                w.write(ts, f.length, MemorySegment.ofArray(f), 0, f.length);
                ts += 1000;
            }
        }
        return file;
    }
}
