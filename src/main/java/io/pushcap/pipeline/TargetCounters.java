package io.pushcap.pipeline;

import io.pushcap.metrics.Counter;
import io.pushcap.metrics.MetricsRegistry;

/**
 * A target's counters, under stable names labelled {@code target="<Desc>"}. Outcomes are added
 * when the region of the source they belong to is committed (file published, cursor saved), so
 * a split that is retried is never counted twice; {@code packets_read} counts each packet once,
 * however often a retry re-reads it. At every commit:
 * {@code read = published + filtered + dropped + pending}, where pending is the open split's
 * packets (see docs/operations.md).
 *
 * <p><b>Note:</b> written by the target's thread only; read from anywhere.
 */
public final class TargetCounters {
    public final Counter read;
    public final Counter published;
    public final Counter filtered;
    public final Counter droppedLinkType;
    public final Counter lost;
    public final Counter bytesIn;
    public final Counter bytesOut;
    public final Counter files;
    public final Counter failures;
    public final Counter retries;
    public final Counter retryWaitMillis;
    public final Counter scriptFailures;
    public final Counter pending;
    public final Counter budgetSpent;
    public final Counter stuck;
    public final Counter pipeTimeouts;
    public final Counter scriptTimeouts;
    public final Counter sinkCheckFailures;

    public final Counter damagedInputs;

    public TargetCounters(MetricsRegistry r, String desc) {
        String l = MetricsRegistry.labels("target", desc);
        read = r.counter("pushcap_target_packets_read_total", "Packets the target read from its source (each once)", l);
        published = r.counter("pushcap_target_packets_published_total", "Packets in files published under their final name", l);
        filtered = r.counter("pushcap_target_packets_filtered_total", "Packets rejected by FilterFrame/FilterBPF", l);
        droppedLinkType = r.counter("pushcap_target_packets_dropped_total",
                "Packets dropped, by cause", MetricsRegistry.labels("target", desc, "cause", "linktype"));
        lost = r.counter("pushcap_target_packets_lost_total",
                "Packets overwritten in the ring or store before the target read them", l);
        bytesIn = r.counter("pushcap_target_bytes_in_total", "Uncompressed pcap bytes of published files", l);
        bytesOut = r.counter("pushcap_target_bytes_out_total", "Published bytes (after compression)", l);
        files = r.counter("pushcap_target_files_published_total", "Files published", l);
        failures = r.counter("pushcap_target_split_failures_total", "Split attempts that failed (then retried)", l);
        retries = r.counter("pushcap_target_retries_total", "Retries of failed splits", l);
        retryWaitMillis = r.counter("pushcap_target_retry_wait_seconds_total", "Time spent backing off before retries", l,
                MetricsRegistry.MILLIS);
        scriptFailures = r.counter("pushcap_target_script_failures_total", "ScriptNew runs that failed", l);
        budgetSpent = r.counter("pushcap_target_retry_budget_spent_total",
                "Offline: times the target gave up because RetryMax/RetryFor was spent (it then FAILED)", l);
        stuck = r.settable("pushcap_target_stuck", "1 while the target has been retrying longer than --stuck-after", l);
        pipeTimeouts = r.counter("pushcap_target_pipe_timeouts_total", "PipeCmd runs killed after PipeTimeout without progress", l);
        scriptTimeouts = r.counter("pushcap_target_script_timeouts_total", "ScriptNew runs killed after ScriptTimeout", l);
        sinkCheckFailures = r.counter("pushcap_target_sink_check_failures_total",
                "Sink checks at start that could not reach the server (the target then retries)", l);

        damagedInputs = r.counter("pushcap_target_damaged_inputs_total",
                "Input captures found damaged; reading stopped at the damage after its whole packets", l);
        pending = r.settable("pushcap_target_packets_pending", "Packets in the open (unpublished) split", l);
    }
}
