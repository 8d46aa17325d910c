package io.pushcap.pipeline;

import io.pushcap.config.PushConfigLoader;
import io.pushcap.config.TargetConfig;
import io.pushcap.metrics.MetricsRegistry;
import io.pushcap.pcap.LinkType;
import io.pushcap.pipeline.compress.Compressor;
import io.pushcap.pipeline.compress.Compressors;
import io.pushcap.pipeline.decap.DecapCounters;
import io.pushcap.pipeline.decap.DecapOptions;
import io.pushcap.pipeline.decap.DecapResult;
import io.pushcap.pipeline.decap.Decapsulator;
import io.pushcap.pipeline.filter.BpfFilter;
import io.pushcap.pipeline.naming.FileNameEncoder;
import io.pushcap.pipeline.retention.OutputRetention;
import io.pushcap.pipeline.split.Splitter;
import io.pushcap.sink.PacketSink;
import io.pushcap.sink.PacketSinkProvider;
import io.pushcap.sink.Sink;
import io.pushcap.sink.SinkContext;
import io.pushcap.sink.SinkFactory;
import io.pushcap.sink.ftp.FtpLocation;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a {@link TargetPlan} from a validated target and its source: compiles the filters for
 * the source's link type, builds the decapsulator, compressor and sink, checks the sink, opens the
 * manifest and the log. Anything that can fail does so here, before a packet is read.
 *
 * <p><b>Note:</b> not thread-safe; used once per run on the calling thread.
 */
final class PlanBuilder {
    private final PushJob.Options options;
    private final MetricsRegistry metrics;
    private final SinkFactory sinks;

    PlanBuilder(PushJob.Options options, MetricsRegistry metrics) {
        this.options = options;
        this.metrics = metrics;
        this.sinks = SinkFactory.standard(SinkContext.system());
    }

    TargetPlan build(TargetConfig t, PacketSource source, boolean live) throws IOException {
        List<AutoCloseable> opened = new ArrayList<>();
        opened.add(source);
        try {
            int linkType = source.linkType();
            int snaplen = source.snaplen();
            BpfFilter frame = compile(t, "FilterFrame", t.filterFrame(), linkType, snaplen, opened);
            BpfFilter bpf = compile(t, "FilterBPF", t.filterBpf(), linkType, snaplen, opened);
            FilterStage.Decap decap = t.decap() && linkType == LinkType.ETHERNET ? decap(t) : null;
            // A filter on encapsulation headers (vlan 1) is matched before Decap removes them.
            FilterStage stage = new FilterStage(frame, decap, bpf, t.writeDecapsulated(), snaplen, t.filterOnCapturedFrame());
            PacketSinkProvider packetMode = PacketSinkProvider.forMode(t.mode());
            Compressor compressor = null;
            Sink sink = null;
            PacketSink packetSink = null;
            IOException unreachable = null;
            if (packetMode != null) {
                packetSink = packetMode.create(t, linkType, SinkContext.system());
                opened.add(packetSink);
                if (t.maxMbps() > 0 && t.mode() != io.pushcap.config.Mode.TAP) {
                    packetSink = new io.pushcap.sink.ThrottledPacketSink(packetSink,
                            io.pushcap.sink.RateLimiter.megabitsPerSecond(t.maxMbps()),
                            io.pushcap.sink.SinkMetrics.register(metrics, t.desc()).throttledNanos());
                }
            } else {
                compressor = Compressors.forTarget(t);
                sink = sinks.create(t);
                opened.add(sink);
                try {
                    sink.check();
                } catch (io.pushcap.PushcapException e) {
                    // A configuration problem the sink found (no credentials, no such bucket or remote).
                    throw e.getMessage().startsWith(t.label()) ? e
                            : new io.pushcap.PushcapException(t.label() + ": " + e.getMessage(), e);
                } catch (IOException e) {
                    // A server that is down is this target's failure alone, not a config error:
                    // the target retries when it opens its first split (within its retry budget
                    // offline, for ever live) while every other target runs on.
                    unreachable = e;
                }
            }
            String safe = TargetLog.fileSafe(t.desc());
            Manifest manifest = new Manifest(options.stateDir().resolve("manifest").resolve(safe + ".jsonl"));
            opened.add(manifest);
            CursorStore cursors = live ? new CursorStore(options.stateDir().resolve("cursors").resolve(safe + ".json")) : null;
            TargetLog log = TargetLog.open(options.logDir(), t);
            List<String> notes = PushConfigLoader.notes(t);
            log.header("push_" + System.currentTimeMillis() * 1_000_000L, t, notes);
            log.line("source " + source.describe() + (live ? " (live)" : " (offline)"));
            TargetCounters counters = new TargetCounters(metrics, t.desc());
            if (unreachable != null) {
                counters.sinkCheckFailures.increment();
                log.line("sink check failed: " + unreachable.getMessage() + "; the target retries when it opens its"
                        + " first split" + (live ? "" : " (retry budget " + t.retry().describe() + ")"));
                org.slf4j.LoggerFactory.getLogger(PlanBuilder.class).warn("{}: sink unreachable at start: {}; retrying",
                        t.label(), unreachable.getMessage());
            }
            FileNameEncoder names = t.fileName() == null ? null
                    : new FileNameEncoder(t.fileName(), FtpLocation.withoutPassword(t.path()), t.fileSuffix());
            OutputRetention retention = null;
            if (t.keep().active() && sink != null && names != null) {
                retention = new OutputRetention(t.label(), t.desc(), t.keep(), sink, names.directory(), names.ownNames(),
                        names.oldestFirst(), log::line, metrics);
                log.line("retention: " + t.keep().describe() + " of this target's files in "
                        + (names.directory().isEmpty() ? "the working directory" : names.directory())
                        + ", enforced after each published split");
            }
            return new TargetPlan(t, source, stage, Splitter.of(t.split()), names, compressor, sink,
                    packetSink, manifest, cursors,
                    log, counters, notes, live, options.retry(), options.stuckAfterMillis(),
                    options.workDir(), retention);
        } catch (IOException | RuntimeException e) {
            for (AutoCloseable c : opened.reversed()) {
                try {
                    c.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private static BpfFilter compile(TargetConfig t, String key, String expr, int linkType, int snaplen,
                                     List<AutoCloseable> opened) {
        if (expr == null || expr.isBlank()) {
            return null;
        }
        BpfFilter f;
        try {
            f = BpfFilter.compile(expr, linkType, snaplen);
        } catch (io.pushcap.pipeline.filter.BpfSyntaxException e) {
            // The config check compiled it for Ethernet; here it meets the input's link type, which
            // libpcap may not filter at all ("802.15.4 link-layer type filtering not implemented").
            throw new io.pushcap.PushcapException(t.label() + ": " + key + ": " + e.getMessage() + " (the input's link"
                    + " type is " + LinkType.name(linkType) + ", " + linkType + ")", e);
        }
        opened.add(f);
        return f;
    }

    private FilterStage.Decap decap(TargetConfig t) {
        Decapsulator d = new Decapsulator(DecapOptions.of(t.writeDecapsulated()),
                new DecapCounters(metrics, MetricsRegistry.labels("target", t.desc())));
        return (outer, inner) -> {
            if (outer.linkType() != LinkType.ETHERNET) {
                return outer; // a non-Ethernet interface of a mixed pcapng: nothing to decapsulate
            }
            DecapResult r = d.decapsulate(outer);
            return r.packet();
        };
    }

    static void closeQuietly(TargetPlan p) {
        for (AutoCloseable c : new AutoCloseable[] {p.stage(), p.source(), p.sink(), p.packetSink(), p.manifest(), p.log()}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // closing at the end of a run: nothing useful to do with a failure here
            }
        }
    }
}
