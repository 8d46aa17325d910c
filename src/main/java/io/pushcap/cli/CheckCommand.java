package io.pushcap.cli;

import io.pushcap.config.ConfigException;
import io.pushcap.config.LuaValues;
import io.pushcap.config.PushConfig;
import io.pushcap.config.PushConfigLoader;
import io.pushcap.config.SplitRule;
import io.pushcap.config.TargetConfig;
import io.pushcap.internal.Redact;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code pushcap check FILE}: validates a push_pcap.lua as {@code push} would before reading a
 * packet, then prints every resolved target (all fields, defaults included, and pushcap's notes)
 * and exits 0; or prints every problem, one per line, and exits 2.
 *
 * <p><b>Note:</b> reads the file system and compiles filters, creates nothing.
 */
@Command(name = "check", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, description = "Validate a push_pcap.lua and print the resolved targets.")
final class CheckCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "push configuration, e.g. etc/push_pcap.lua")
    Path file;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PushConfig config;
        try {
            config = new PushConfigLoader().load(file);
        } catch (ConfigException e) {
            e.problems().forEach(problem -> err.println(Redact.text(problem)));
            err.println(file + ": " + e.problems().size() + (e.problems().size() == 1 ? " problem" : " problems")
                    + ", nothing would be pushed");
            err.flush();
            return ExitCodes.USAGE;
        }
        out.print(Redact.text(TargetReport.of(config)));
        out.flush();
        return ExitCodes.OK;
    }

    /** The text of a valid configuration, one block per target. */
    static final class TargetReport {
        private TargetReport() {
        }

        static String of(PushConfig c) {
            StringBuilder b = new StringBuilder();
            b.append(c.file()).append(": valid, ").append(c.targets().size())
                    .append(c.targets().size() == 1 ? " target" : " targets").append('\n');
            b.append("Config.TimeoutRing = ").append(nanos(c.timeoutRingNanos())).append('\n');
            b.append("Config.FollowStart = ").append(c.followStart()).append('\n');
            b.append("Config.Decap       = ").append(c.decap()).append('\n');
            b.append("Config.Source      = ").append(or(c.source(), "(default source)")).append('\n');
            for (TargetConfig t : c.targets()) {
                b.append('\n').append(t.label()).append(t.line() > 0 ? " (" + t.sourceFile() + ":" + t.line() + ")" : "").append('\n');
                fields(t).forEach(f -> b.append("  ").append(f).append('\n'));
                List<String> notes = PushConfigLoader.notes(t);
                for (String n : notes) {
                    b.append("  note: ").append(n).append('\n');
                }
            }
            return b.toString();
        }

        private static List<String> fields(TargetConfig t) {
            return List.of(
                    field("Desc", t.desc()),
                    field("Mode", t.mode().name()),
                    field("Path", t.path()),
                    field("Split", split(t.split())),
                    field("FileName", t.fileName() == null ? "none (stream)" : t.fileName().option()),
                    field("FileSuffix", t.fileSuffix()),
                    field("FilterBPF", or(t.filterBpf(), "none (every packet)")),
                    field("FilterFrame", or(t.filterFrame(), "none")),
                    field("Decap", String.valueOf(t.decap())),
                    field("WriteDecap", String.valueOf(t.writeDecapsulated())),
                    field("PipeCmd", or(t.pipeCmd(), "none")),
                    field("Compress", or(t.compress(), "none")),
                    field("Chunked", String.valueOf(t.chunked())),
                    field("FollowStart", String.valueOf(t.followStart())),
                    field("CPU", t.cpu() < 0 ? "any" : String.valueOf(t.cpu())),
                    field("StreamCat", t.ringTimeoutExit() ? "--ring-timeout-exit " : "none"),
                    field("ScriptNew", or(t.scriptNew(), "none")),
                    field("SplitCmd", or(t.splitCmd(), "none")),
                    field("Source", or(t.source(), "(default source)")),
                    field("TimeoutRing", nanos(t.timeoutRingNanos())),
                    field("MaxMbps", t.maxMbps() == 0 ? "0 (no cap)" : LuaValues.number(t.maxMbps())),
                    field("Retry", retry(t.retry())),
                    field("Keep", t.keep().active() ? t.keep().describe() + " (older files are deleted)" : "everything"),
                    field("options", t.options().isEmpty() ? "none" : Redact.options(t.options()).toString()));
        }

        /** "RetryMax 0 (no limit), RetryFor 2m (offline; live retries for ever), PipeTimeout 1m, ScriptTimeout 5m". */
        private static String retry(io.pushcap.config.RetryBudget b) {
            return "RetryMax " + (b.maxAttempts() == 0 ? "0 (no limit)" : b.maxAttempts()) + ", RetryFor "
                    + (b.forMillis() == 0 ? "0 (no limit)" : io.pushcap.config.RetryBudget.human(b.forMillis()))
                    + " (offline; live retries for ever), PipeTimeout " + io.pushcap.config.RetryBudget.human(b.pipeMillis())
                    + ", ScriptTimeout " + io.pushcap.config.RetryBudget.human(b.scriptMillis());
        }

        private static String field(String name, String value) {
            return String.format("%-12s= %s", name, value);
        }

        private static String split(SplitRule split) {
            return switch (split.kind()) {
                case TIME -> split + " (" + seconds(split.value()) + ")";
                case BYTES -> split + " (" + (split.value() >= 1e9 ? LuaValues.number(split.value() / 1e9) + " GB"
                        : LuaValues.number(split.value() / 1e6) + " MB") + ")";
                case NONE -> "none (one continuous stream)";
            };
        }

        private static String nanos(long ns) {
            return ns == 0 ? "0 (none)" : ns + " ns (" + seconds(ns) + ")";
        }

        private static String seconds(long ns) {
            return LuaValues.number(ns / 1e9) + " s";
        }

        private static String or(String v, String fallback) {
            return v == null ? fallback : v;
        }
    }
}
