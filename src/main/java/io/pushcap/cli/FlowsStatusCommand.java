package io.pushcap.cli;

import io.pushcap.flow.control.FlowControlClient;
import io.pushcap.flow.control.MeterStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code pushcap flows status [-o normal|json]}: a running meter's status, as the seed's
 * {@code flowctl meter status}: source, cache size, flows in the cache, packets metered, records
 * exported and dropped, then one line per collector.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Print a running meter's status: cache size, flows, exported, dropped, per collector.")
final class FlowsStatusCommand implements Callable<Integer> {
    enum Format { normal, json }

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "normal", description = "normal or json")
    Format format;

    @Option(names = "--control", paramLabel = "PATH", defaultValue = FlowsCommand.DEFAULT_CONTROL,
            description = "the meter's control socket (default ${DEFAULT-VALUE})")
    Path control;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        MeterStatus s = new FlowControlClient(control).status();
        PrintWriter out = spec.commandLine().getOut();
        out.print(format == Format.json ? json(s) : text(s));
        out.flush();
        return 0;
    }

    static String text(MeterStatus s) {
        StringBuilder b = new StringBuilder();
        b.append("source: ").append(s.source()).append('\n');
        b.append("cache size: ").append(s.cacheSize()).append('\n');
        b.append("flows: ").append(s.flows()).append('\n');
        b.append("packets: ").append(s.packets()).append(" metered, ").append(s.notMetered())
                .append(" not metered (not IP or malformed), ").append(s.captureDropped())
                .append(" dropped by the capture\n");
        b.append("created: ").append(s.created()).append('\n');
        b.append("exported: ").append(s.exported()).append('\n');
        b.append("dropped: ").append(s.dropped()).append('\n');
        b.append("COLLECTOR MESSAGES RECORDS DROPPED ERRORS\n");
        for (MeterStatus.Collector c : s.collectors()) {
            b.append(c.label()).append(' ').append(c.messages()).append(' ').append(c.records()).append(' ')
                    .append(c.dropped()).append(' ').append(c.errors()).append('\n');
        }
        return b.toString();
    }

    static String json(MeterStatus s) {
        StringBuilder b = new StringBuilder("{\"source\": \"").append(s.source().replace("\\", "\\\\").replace("\"", "\\\""))
                .append("\", \"cache_size\": ").append(s.cacheSize()).append(", \"flows\": ").append(s.flows())
                .append(", \"packets\": ").append(s.packets()).append(", \"not_metered\": ").append(s.notMetered())
                .append(", \"capture_dropped\": ").append(s.captureDropped()).append(", \"created\": ")
                .append(s.created()).append(", \"exported\": ").append(s.exported()).append(", \"dropped\": ")
                .append(s.dropped()).append(", \"collectors\": [");
        for (int i = 0; i < s.collectors().size(); i++) {
            MeterStatus.Collector c = s.collectors().get(i);
            b.append(i == 0 ? "" : ", ").append("{\"collector\": \"").append(c.label()).append("\", \"messages\": ")
                    .append(c.messages()).append(", \"records\": ").append(c.records()).append(", \"dropped\": ")
                    .append(c.dropped()).append(", \"errors\": ").append(c.errors()).append('}');
        }
        return b.append("]}\n").toString();
    }
}
