package io.pushcap.sink;

import io.pushcap.metrics.Counter;
import io.pushcap.metrics.MetricsRegistry;

/**
 * The counters of one target's sink, under stable names with label {@code target}
 * (docs/sinks.md lists them).
 *
 * <p><b>Note:</b> the counters are written by the target's thread, except {@link #parts()} and
 * {@link #staleUploadsAborted()}, which S3 upload threads update with atomic adds.
 */
public record SinkMetrics(Counter bytes, Counter parts, Counter commits, Counter commitFailures, Counter aborts,
                          Counter commitNanos, Counter throttledNanos, Counter staleUploadsAborted) {

    public static SinkMetrics register(MetricsRegistry r, String target) {
        String l = MetricsRegistry.labels("target", target);
        return new SinkMetrics(
                r.counter("pushcap_sink_bytes_total", "Bytes written to the sink (after compression), committed or not", l),
                r.counter("pushcap_sink_parts_total", "Parts (S3 multipart parts or single PutObjects) uploaded", l),
                r.counter("pushcap_sink_commits_total", "Splits published under their final name", l),
                r.counter("pushcap_sink_commit_failures_total", "Commits that failed (the split is retried)", l),
                r.counter("pushcap_sink_aborts_total", "Splits discarded (failure, retry or shutdown)", l),
                r.counter("pushcap_sink_commit_seconds_total", "Time spent in commit (flush, fsync, upload tail, rename)", l, MetricsRegistry.NANOS),
                r.counter("pushcap_sink_throttled_seconds_total", "Time writes waited for the bandwidth cap", l, MetricsRegistry.NANOS),
                r.counter("pushcap_sink_stale_uploads_aborted_total", "Stale S3 multipart uploads aborted for a reused key", l));
    }

    /** Counters that nothing reads, for sinks built outside a pipeline (tests, tools). */
    public static SinkMetrics detached(String target) {
        return register(new MetricsRegistry(), target);
    }
}
