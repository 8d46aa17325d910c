package io.pushcap.cli;

import io.pushcap.config.FlowExportConfig;
import io.pushcap.config.FlowMeterConfig;
import io.pushcap.flow.FlowMeter;
import io.pushcap.flow.FlowMeterLoop;
import io.pushcap.flow.control.FlowControlServer;
import io.pushcap.flow.ipfix.FlowExporter;
import io.pushcap.metrics.MetricsRegistry;
import io.pushcap.pipeline.PacketSource;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code pushcap flows meter --interface DEV | --ring RING ...}: meters a live source on the wall
 * clock and exports IPFIX until SIGINT/SIGTERM, then ends every flow (forced end) and sends
 * them. Serves {@code flows dump} and {@code flows flush} on the control socket meanwhile.
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
        try (PacketSource src = source.ring != null ? FlowSources.ring(source.ring) : FlowSources.device(source.device)) {
            FlowExporter exporter = new FlowExporter(config, FlowsExportCommand::wallNanos,
                    FlowsExportCommand.wallNanos(), metrics, "");
            FlowMeter meter = new FlowMeter(meterConfig, exporter, metrics, "");
            FlowMeterLoop loop = new FlowMeterLoop(src, meter, exporter, FlowsExportCommand::wallNanos);
            try (FlowControlServer server = FlowControlServer.start(control, loop)) {
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
}
