package io.pushcap.cli;

import io.pushcap.PushcapException;
import io.pushcap.config.FlowExportConfig;
import io.pushcap.config.FlowMeterConfig;
import io.pushcap.flow.FlowMeter;
import io.pushcap.flow.FlowMeterLoop;
import io.pushcap.flow.control.FlowControlServer;
import io.pushcap.flow.control.MeterStatus;
import io.pushcap.flow.ipfix.CollectorTransport;
import io.pushcap.flow.ipfix.FlowExporter;
import io.pushcap.metrics.MetricsRegistry;
import io.pushcap.pipeline.PacketSource;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code pushcap flows meter --interface DEV | --ring RING ...}: meters a live source on the wall
 * clock and exports IPFIX until SIGINT/SIGTERM, then ends every flow (forced end) and sends
 * them. Serves {@code flows dump}, {@code flows status} and {@code flows flush} on the control socket meanwhile.
 */
@Command(name = "meter", mixinStandardHelpOptions = true, description = "Meter a live source and export IPFIX; serves flows dump/flush.")
final class FlowsMeterCommand implements Callable<Integer> {

    static final class Source {
        @Option(names = "--ring", paramLabel = "RING", description = "a pushcap RAM ring")
        String ring;

        @Option(names = "--interface", paramLabel = "DEV", description = "a network interface (libpcap live capture)")
        String device;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--netns", paramLabel = "NAME",
            description = "open --interface inside this network namespace (a name from 'ip netns list', or a path)")
    String netns;

    @Option(names = "--control", paramLabel = "PATH", defaultValue = FlowsCommand.DEFAULT_CONTROL,
            description = "control socket for flows dump/flush (default ${DEFAULT-VALUE})")
    Path control;

    @Mixin
    FlowOptions.Export export = new FlowOptions.Export();

    @Mixin
    FlowOptions.Meter meterOptions = new FlowOptions.Meter();

    @Override
    public Integer call() throws Exception {
        FlowExportConfig config = export.config();
        FlowMeterConfig meterConfig = meterOptions.config(FlowMeterConfig.Clock.WALL);
        MetricsRegistry metrics = MetricsRegistry.global();
        if (netns != null && source.ring != null) {
            throw new PushcapException("--netns " + netns + " applies to --interface, not to --ring (a ring is a file)");
        }
        try (PacketSource src = source.ring != null ? FlowSources.ring(source.ring) : FlowSources.device(source.device, netns)) {
            FlowExporter exporter = new FlowExporter(config, FlowsExportCommand::wallNanos,
                    FlowsExportCommand.wallNanos(), metrics, "");
            FlowMeter meter = new FlowMeter(meterConfig, exporter, metrics, "");
            FlowMeterLoop loop = new FlowMeterLoop(src, meter, exporter, FlowsExportCommand::wallNanos);
            try (FlowControlServer server = FlowControlServer.start(control, loop,
                    m -> status(src, meterConfig, m, exporter, metrics))) {
                Thread hook = new Thread(() -> {
                    loop.stop();
                    try {
                        loop.done().get(30, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        LoggerFactory.getLogger(FlowsMeterCommand.class).debug("stopping the meter", e);
                    }
                }, "flows-shutdown");
                Runtime.getRuntime().addShutdownHook(hook);
                LoggerFactory.getLogger(FlowsMeterCommand.class).info("metering {} to {}; control socket {}",
                        src.describe(), config.collectors().stream().map(FlowExportConfig.Collector::label).toList(),
                        server.path());
                loop.run();
            }
        }
        return ExitCodes.OK;
    }

    /** The meter's status for {@code flows status}; runs on the meter thread. */
    static MeterStatus status(PacketSource src, FlowMeterConfig config, FlowMeter meter, FlowExporter exporter,
                              MetricsRegistry metrics) {
        Map<String, Long> m = metrics.snapshot();
        List<MeterStatus.Collector> cs = new ArrayList<>();
        long dropped = 0;
        for (CollectorTransport t : exporter.transports()) {
            CollectorTransport.Stats s = t.stats();
            cs.add(new MeterStatus.Collector(t.label(), s.messages(), s.records(), s.dropped(), s.errors()));
            dropped += s.dropped();
        }
        return new MeterStatus(src.describe(), config.maxFlows(), meter.activeFlows(),
                m.getOrDefault("pushcap_flow_packets_total", 0L),
                m.getOrDefault("pushcap_flow_non_ip_packets_total", 0L)
                        + m.getOrDefault("pushcap_flow_malformed_packets_total", 0L),
                src.lostPackets(), m.getOrDefault("pushcap_flow_flows_created_total", 0L),
                m.getOrDefault("pushcap_ipfix_records_total", 0L), dropped, cs);
    }
}
