package io.pushcap.pipeline;

import io.pushcap.config.TargetConfig;
import io.pushcap.pipeline.compress.Compressor;
import io.pushcap.pipeline.naming.FileNameEncoder;
import io.pushcap.pipeline.split.Splitter;
import io.pushcap.sink.PacketSink;
import io.pushcap.sink.Sink;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything one target's thread needs, built and validated before any packet is read.
 *
 * @param config      the resolved target
 * @param source      its own packet source
 * @param stage       frame filter, decap and BPF filter
 * @param splitter    where files end
 * @param names       file name encoder
 * @param compressor  in-process, pipe command, or none
 * @param sink        where files go (null for packet modes)
 * @param packetSink  where packets go in LXC and TAP modes (null for file modes)
 * @param manifest    the target's manifest (one line per published file)
 * @param cursors     cursor store for live pushes, or null offline
 * @param log         the target's log
 * @param counters    its counters
 * @param notes       config notes to print once in the log
 * @param live        true when following a growing source
 * @param retry       backoff for failed splits
 * @param stuckAfterMillis report the target as stuck after retrying this long
 * @param scriptDir   working directory for ScriptNew
 * @param retention   KeepFiles/KeepBytes enforcement after each published split, or null to keep all
 */
public record TargetPlan(TargetConfig config, PacketSource source, FilterStage stage, Splitter splitter,
                         FileNameEncoder names, Compressor compressor, Sink sink, PacketSink packetSink, Manifest manifest,
                         CursorStore cursors, TargetLog log, TargetCounters counters, List<String> notes,
                         boolean live, RetryPolicy retry, long stuckAfterMillis, Path scriptDir,
                         io.pushcap.pipeline.retention.OutputRetention retention) {
}
