package io.pushcap.bench;

import io.pushcap.config.Mode;
import io.pushcap.config.TargetConfig;
import io.pushcap.metrics.MetricsRegistry;
import io.pushcap.pcap.CaptureFiles;
import io.pushcap.pcap.CaptureReader;
import io.pushcap.pcap.Packet;
import io.pushcap.pcap.PcapWriter;
import io.pushcap.pcap.TimestampPrecision;
import io.pushcap.pipeline.compress.Compressor;
import io.pushcap.pipeline.compress.Compressors;
import io.pushcap.sink.Sink;
import io.pushcap.sink.SinkContext;
import io.pushcap.sink.SinkFactory;
import io.pushcap.sink.SplitOutput;
import io.pushcap.testsupport.Targets;

import java.io.OutputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A stand-in for {@code pushcap push} until the pipeline lands: reads a pcap, cuts it into
 * clock-aligned time splits, compresses each and publishes it through a real sink built by
 * {@link SinkFactory}. {@code SplitPush INPUT MODE PATH SPLIT_NS COMPRESS [Key=Value...]},
 * e.g. {@code SplitPush in.pcap S3 s3://bench/pushcap/ 60000000000 zstd:1 Endpoint=http://...}.
 * Prints "splits bytes_in bytes_out seconds".
 */
public final class SplitPush {
    private SplitPush() {
    }

    public static void main(String[] args) throws Exception {
        Path input = Path.of(args[0]);
        Mode mode = Mode.parse(args[1]);
        String prefix = args[2];
        long splitNs = (long) Double.parseDouble(args[3]);
        Compressor compressor = Compressors.parse(args[4]);
        Map<String, String> options = new HashMap<>();
        for (int i = 5; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            options.put(kv[0], kv[1]);
        }
        TargetConfig target = Targets.target("bench", mode, prefix, options, 0);
        MetricsRegistry registry = new MetricsRegistry();
        long t0 = System.nanoTime();
        long splits = 0;
        long t1 = 0;
        long in = 0;
        try (Sink sink = SinkFactory.standard(new SinkContext(registry, Path.of("."), System.getenv())).create(target);
             CaptureReader reader = CaptureFiles.open(input)) {
            sink.check();
            t1 = System.nanoTime();
            Packet p = new Packet();
            long current = Long.MIN_VALUE;
            SplitOutput split = null;
            PcapWriter writer = null;
            while (reader.next(p)) {
                long slot = Math.floorDiv(p.timestampNanos(), splitNs);
                if (slot != current) {
                    if (writer != null) {
                        in += finish(writer, split);
                        splits++;
                    }
                    current = slot;
                    long start = slot * splitNs / 1_000_000_000L;
                    long end = (slot + 1) * splitNs / 1_000_000_000L;
                    long o0 = System.nanoTime();
                    split = sink.open(prefix + start + "-" + end + ".pcap" + compressor.defaultSuffix());
                    openNanos += System.nanoTime() - o0;
                    OutputStream z = compressor.open(split.stream());
                    writer = new PcapWriter(z, reader.linkType(), reader.snaplen(), TimestampPrecision.NANO);
                }
                writer.write(p);
            }
            if (writer != null) {
                in += finish(writer, split);
                splits++;
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        long out = registry.snapshot().getOrDefault("pushcap_sink_bytes_total{target=\"bench\"}", -1L);
        System.out.printf("%d %d %d %.3f%n", splits, in, out, secs);
        System.err.printf("phases: start+check %.3f s, open %.3f s, finish %.3f s, commit %.3f s%n", (t1 - t0) / 1e9,
                openNanos / 1e9, finishNanos / 1e9, registry.snapshot().getOrDefault(
                        "pushcap_sink_commit_nanos_total{target=\"bench\"}", 0L) / 1e9);
    }

    private static long openNanos;
    private static long finishNanos;

    private static long finish(PcapWriter writer, SplitOutput split) throws Exception {
        long n = writer.bytesWritten();
        long f0 = System.nanoTime();
        writer.close(); // closes the compressor stream, which finishes into the sink stream
        finishNanos += System.nanoTime() - f0;
        split.commit();
        return n;
    }
}
