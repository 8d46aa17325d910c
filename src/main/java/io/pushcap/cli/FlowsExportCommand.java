package io.pushcap.cli;

import io.pushcap.PushcapException;
import io.pushcap.config.FlowExportConfig;
import io.pushcap.config.FlowMeterConfig;
import io.pushcap.flow.FlowMeter;
import io.pushcap.flow.ipfix.FlowExporter;
import io.pushcap.metrics.MetricsRegistry;
import io.pushcap.pcap.CaptureFiles;
import io.pushcap.pcap.CaptureReader;
import io.pushcap.pcap.Packet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code pushcap flows export --offline FILE... --collector HOST:PORT}: meters capture files on
 * their own packet time and exports every flow as IPFIX, like {@code softflowd -r}; flows still
 * open at the end of the input end with flowEndReason forced end.
 */
@Command(name = "export", mixinStandardHelpOptions = true, description = "Meter capture files and export the flows as IPFIX (like softflowd -r).")
final class FlowsExportCommand implements Callable<Integer> {
    @Option(names = "--offline", arity = "1..*", required = true, paramLabel = "SOURCE",
            description = "pcap or pcapng files, read in the order given")
    List<Path> sources;

    @Option(names = "--ifindex", paramLabel = "N",
            description = "ingress interface for every packet (default: the pcapng interface, 0 for pcap)")
    Long ifIndex;

    @Option(names = {"-q", "--quiet"}, description = "no summary on stderr")
    boolean quiet;

    @Option(names = "--stats", description = "print every counter (name{labels} value) on stderr at the end")
    boolean stats;

    @Mixin
    FlowOptions.Export export = new FlowOptions.Export();

    @Mixin
    FlowOptions.Meter meterOptions = new FlowOptions.Meter();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        FlowExportConfig config = export.config();
        FlowMeterConfig meterConfig = meterOptions.config(FlowMeterConfig.Clock.PACKET);
        if (ifIndex != null && (ifIndex < 0 || ifIndex > 0xffff_ffffL)) {
            throw new PushcapException("--ifindex " + ifIndex + " (expected 0..4294967295)");
        }
        for (Path s : sources) {
            if (!s.toString().equals("-") && !Files.isReadable(s)) {
                throw new PushcapException(s + ": no such capture file (or not readable)");
            }
        }
        MetricsRegistry metrics = new MetricsRegistry();
        long start = System.nanoTime();
        long packets = 0;
        try (FlowExporter exporter = new FlowExporter(config, FlowsExportCommand::wallNanos, systemInit(sources.get(0)),
                metrics, "")) {
            FlowMeter meter = new FlowMeter(meterConfig, exporter, metrics, "");
            Packet p = new Packet();
            for (Path s : sources) {
                try (CaptureReader r = CaptureFiles.open(s)) {
                    while (r.next(p)) {
                        if (ifIndex != null) {
                            p.set(p.segment(), p.offset(), p.caplen(), p.wirelen(), p.timestampNanos(), p.linkType(),
                                    (int) (long) ifIndex);
                        }
                        meter.meter(p);
                        packets++;
                    }
                }
            }
            meter.flushAll();
        }
        Map<String, Long> counters = metrics.snapshot();
        PrintWriter err = spec.commandLine().getErr();
        if (!quiet) {
            summary(err, counters, packets, System.nanoTime() - start);
        }
        if (stats) {
            counters.forEach((k, v) -> err.println(k + " " + v));
            err.flush();
        }
        return undelivered(err, counters);
    }

    /**
     * INCOMPLETE when a collector did not get every record: the export ran, but not everything
     * asked for was done (a collector that was down got nothing, yet the summary alone exited 0).
     */
    static int undelivered(PrintWriter err, Map<String, Long> m) {
        long dropped = sum(m, "pushcap_ipfix_records_dropped_total");
        long errors = sum(m, "pushcap_ipfix_send_errors_total");
        if (dropped == 0 && errors == 0) {
            return ExitCodes.OK;
        }
        err.printf("pushcap flows export: %d records not delivered (%d send errors): a collector did not get every flow"
                + " (see pushcap_ipfix_records_dropped_total{collector} with --stats)%n", dropped, errors);
        err.flush();
        return ExitCodes.INCOMPLETE;
    }

    /** A counter summed over its labels. */
    private static long sum(Map<String, Long> m, String name) {
        return m.entrySet().stream().filter(e -> e.getKey().equals(name) || e.getKey().startsWith(name + "{"))
                .mapToLong(Map.Entry::getValue).sum();
    }

    /**
     * The metering process "started" with the capture: flowStart/EndSysUpTime count from the first
     * packet of the first file (the wall clock would put every flow before the start).
     */
    private static long systemInit(Path first) throws java.io.IOException {
        if (first.toString().equals("-")) {
            return wallNanos();
        }
        try (CaptureReader r = CaptureFiles.open(first)) {
            Packet p = new Packet();
            return r.next(p) ? p.timestampNanos() : wallNanos();
        }
    }

    static long wallNanos() {
        return System.currentTimeMillis() * 1_000_000L;
    }

    private static void summary(PrintWriter err, Map<String, Long> m, long packets, long nanos) {
        long expired = sum(m, "pushcap_flow_expired_total");
        long messages = sum(m, "pushcap_ipfix_messages_total");
        long errors = sum(m, "pushcap_ipfix_send_errors_total");
        err.printf("pushcap flows export: %d packets read, %d metered (%d non-IP, %d malformed), %d flows exported "
                        + "as %d records in %d messages (all collectors), %d send errors, %.2f s%n",
                packets, m.getOrDefault("pushcap_flow_packets_total", 0L),
                m.getOrDefault("pushcap_flow_non_ip_packets_total", 0L),
                m.getOrDefault("pushcap_flow_malformed_packets_total", 0L), expired,
                m.getOrDefault("pushcap_ipfix_records_total", 0L), messages, errors, nanos / 1e9);
        err.flush();
    }
}
