package io.pushcap.synth;

import io.pushcap.PushcapException;
import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.PcapDescriptor;
import io.pushcap.pcap.PcapWriter;
import io.pushcap.pcap.TimestampPrecision;
import io.pushcap.pipeline.decap.EncapDescriptor;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Deterministic synthetic Ethernet traffic: the same options and seed always give the same
 * bytes. Packets come from many flows with a realistic skew (TCP with handshake, data and
 * FIN or RST; DNS, bulk and multicast UDP; ICMP echo; ARP), wrapped per flow in the
 * encapsulations of the chosen {@link Mix}, timestamped at a fixed rate with ns resolution.
 * Optionally writes a twin capture holding, for each packet, the innermost packet as an
 * Ethernet frame with the same timestamp: the reference for decapsulation tests.
 *
 * <pre>{@code
 * TrafficGenerator.builder().mix(Mix.TUNNELS).seed(7).packets(10_000).write(out, twin);
 * }</pre>
 *
 * <p><b>Note:</b> not thread-safe; each {@link #generate} or {@link #write} call starts afresh
 * from the seed. Files are written as {@code name.pending}, fsynced and renamed. With a snaplen
 * shorter than the encapsulation headers the twin is cut at the same wire position and is no
 * longer a faithful decapsulation reference.
 */
public final class TrafficGenerator {
    /** 2024-01-01T00:00:00Z: the default first timestamp, so output is reproducible. */
    public static final long DEFAULT_START_NANOS = 1_704_067_200_000_000_000L;
    public static final long DEFAULT_PPS = 100_000;
    public static final int DEFAULT_FLOWS = 10_000;
    public static final long DEFAULT_PACKETS = 100_000;

    /** Receives each generated packet. */
    @FunctionalInterface
    public interface Sink {
        void accept(SynthPacket packet) throws IOException;
    }

    /** What a run produced. */
    public record Stats(long packets, long bytes, long twinBytes, long firstNanos, long lastNanos, long elapsedNanos) {
    }

    private final Mix mix;
    private final long seed;
    private final long packets;
    private final long sizeBytes;
    private final long pps;
    private final long startNanos;
    private final int flows;
    private final int snaplen;

    private TrafficGenerator(Builder b) {
        this.mix = b.mix;
        this.seed = b.seed;
        this.packets = b.packets;
        this.sizeBytes = b.sizeBytes;
        this.pps = b.pps;
        this.startNanos = b.startNanos;
        this.flows = b.flows;
        this.snaplen = b.snaplen;
    }

    public static Builder builder() {
        return new Builder();
    }

    public int snaplen() {
        return snaplen;
    }

    /** Generates every packet and hands it to {@code sink}; stops at the packet count or the file size. */
    public Stats generate(Sink sink) throws IOException {
        long t0 = System.nanoTime();
        TrafficEngine engine = new TrafficEngine(mix, seed, flows);
        SynthPacket sp = new SynthPacket();
        byte[] twin = new byte[engine.frame.buf.length];
        MemorySegment frameSeg = MemorySegment.ofArray(engine.frame.buf);
        MemorySegment twinSeg = MemorySegment.ofArray(twin);
        long limitPackets = packets < 0 && sizeBytes < 0 ? DEFAULT_PACKETS : packets;
        long bytes = PcapDescriptor.FILE_HEADER_LENGTH;
        long twinBytes = PcapDescriptor.FILE_HEADER_LENGTH;
        long first = startNanos;
        long last = startNanos;
        long i = 0;
        for (; limitPackets < 0 || i < limitPackets; i++) {
            long ts = timestamp(i);
            engine.next(ts);
            FrameBuffer f = engine.frame;
            int wire = f.length();
            int cap = Math.min(wire, snaplen);
            if (sizeBytes >= 0 && bytes + PcapDescriptor.RECORD_HEADER_LENGTH + cap > sizeBytes) {
                break;
            }
            int twinWire = engine.twin(twin);
            int capturedEnd = f.start + cap;
            int twinCap = Math.min(twinWire, Math.max(0, Math.min(engine.twinEnd, capturedEnd) - engine.l3Pos)
                    + EncapDescriptor.ETH_HEADER_LENGTH);
            sp.index = i;
            sp.layers = engine.layersAdded;
            sp.captured.set(frameSeg, f.start, cap, wire, ts, LinkType.ETHERNET, 0);
            sp.twin.set(twinSeg, 0, twinCap, twinWire, ts, LinkType.ETHERNET, 0);
            sink.accept(sp);
            bytes += PcapDescriptor.RECORD_HEADER_LENGTH + cap;
            twinBytes += PcapDescriptor.RECORD_HEADER_LENGTH + twinCap;
            last = ts;
        }
        return new Stats(i, bytes, twinBytes, first, last, System.nanoTime() - t0);
    }

    /** Packet {@code i}'s time: {@code start + i / pps} seconds, exact to the ns, without overflow. */
    long timestamp(long i) {
        return startNanos + (i / pps) * 1_000_000_000L + (i % pps) * 1_000_000_000L / pps;
    }

    /** Writes the capture to {@code out}. */
    public Stats write(Path out) throws IOException {
        return write(out, null);
    }

    /** Writes the capture to {@code out} and, unless null, its decapsulated twin to {@code twin}. */
    public Stats write(Path out, Path twin) throws IOException {
        Path outPending = pending(out);
        Path twinPending = twin == null ? null : pending(twin);
        Stats stats;
        try (FileChannel outCh = open(outPending); FileChannel twinCh = twinPending == null ? null : open(twinPending);
             PcapWriter w = new PcapWriter(outCh, LinkType.ETHERNET, snaplen, TimestampPrecision.NANO);
             PcapWriter tw = twinCh == null ? null : new PcapWriter(twinCh, LinkType.ETHERNET, snaplen, TimestampPrecision.NANO)) {
            stats = generate(p -> {
                w.write(p.captured());
                if (tw != null) {
                    tw.write(p.twin());
                }
            });
            w.flush();
            outCh.force(true);
            if (tw != null) {
                tw.flush();
                twinCh.force(true);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(outPending);
            if (twinPending != null) {
                Files.deleteIfExists(twinPending);
            }
            throw e;
        }
        Files.move(outPending, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        if (twin != null) {
            Files.move(twinPending, twin, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        return stats;
    }

    private static Path pending(Path p) {
        return p.resolveSibling(p.getFileName() + ".pending");
    }

    private static FileChannel open(Path p) throws IOException {
        try {
            return FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new PushcapException(p + ": cannot create (" + e.getMessage() + ")", e);
        }
    }

    /** Options, validated by {@link #build()}. */
    public static final class Builder {
        private Mix mix = Mix.MIXED;
        private long seed = 1;
        private long packets = -1;
        private long sizeBytes = -1;
        private long pps = DEFAULT_PPS;
        private long startNanos = DEFAULT_START_NANOS;
        private int flows = DEFAULT_FLOWS;
        private int snaplen = PcapDescriptor.MAX_SNAPLEN;

        public Builder mix(Mix m) {
            this.mix = m;
            return this;
        }

        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** Exactly this many packets (default 100000 when neither count nor size is set). */
        public Builder packets(long n) {
            this.packets = n;
            return this;
        }

        /** Stop before the capture file would exceed this many bytes. */
        public Builder sizeBytes(long n) {
            this.sizeBytes = n;
            return this;
        }

        public Builder pps(long rate) {
            this.pps = rate;
            return this;
        }

        public Builder startNanos(long ns) {
            this.startNanos = ns;
            return this;
        }

        public Builder flows(int n) {
            this.flows = n;
            return this;
        }

        public Builder snaplen(int n) {
            this.snaplen = n;
            return this;
        }

        public TrafficGenerator build() {
            if (packets >= 0 && sizeBytes >= 0) {
                throw new PushcapException("--packets " + packets + " and --size " + sizeBytes + ": give one, not both");
            }
            if (packets < -1) {
                throw new PushcapException("--packets " + packets + " (expected 0 or more)");
            }
            if (sizeBytes != -1 && sizeBytes < PcapDescriptor.FILE_HEADER_LENGTH) {
                throw new PushcapException("--size " + sizeBytes + " (expected at least 24 bytes, the pcap header)");
            }
            if (pps < 1 || pps > 1_000_000_000L) {
                throw new PushcapException("--pps " + pps + " (expected 1 to 1000000000, so timestamps stay distinct)");
            }
            if (flows < 1 || flows > 10_000_000) {
                throw new PushcapException("--flows " + flows + " (expected 1 to 10000000)");
            }
            if (snaplen < 60 || snaplen > PcapDescriptor.MAX_SNAPLEN) {
                throw new PushcapException("--snaplen " + snaplen + " (expected 60 to " + PcapDescriptor.MAX_SNAPLEN + ")");
            }
            if (startNanos < 0) {
                throw new PushcapException("--start " + startNanos + " (expected ns since the epoch, 0 or more)");
            }
            return new TrafficGenerator(this);
        }

        public Stats write(Path out) throws IOException {
            return build().write(out);
        }

        public Stats write(Path out, Path twin) throws IOException {
            return build().write(out, twin);
        }
    }
}
