package io.pushcap.service;

import io.pushcap.config.FlowExportConfig;
import io.pushcap.config.FlowExportFile;
import io.pushcap.config.FlowMeterConfig;
import io.pushcap.config.ServiceConfig;
import io.pushcap.flow.FlowMeter;
import io.pushcap.flow.FlowMeterLoop;
import io.pushcap.flow.control.FlowControlServer;
import io.pushcap.flow.ipfix.FlowExporter;
import io.pushcap.metrics.MetricsRegistry;
import io.pushcap.pipeline.PacketSource;
import io.pushcap.ring.RingReader;
import io.pushcap.ring.RingSource;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Flow metering and IPFIX export of a ring ({@code Service.FlowExport}), as
 * {@code pushcap flows meter --ring RING --collector ...}: a ring reader named
 * {@code flows:<name>} starting at the current position, the flow meter on the wall clock, the
 * exporter to every collector, and the control socket for {@code pushcap flows dump/flush}.
 * Stopping ends every flow (forced end) and sends them.
 *
 * <p><b>Note:</b> {@link #run()} on the component's thread (the meter thread); {@link #stop()}
 * from any thread. Counters carry the label {@code flows="<name>"}.
 */
public final class FlowExportComponent extends WorkerComponent<FlowMeterLoop> {
    private final ServiceConfig.FlowExport spec;
    private final Path ring;
    private final Path control;
    private final String origin;

    /**
     * @param control the control socket path
     * @param origin  the service config file, for messages
     */
    public FlowExportComponent(ServiceConfig.FlowExport spec, Path ring, Path control, String origin) {
        super(spec);
        this.spec = spec;
        this.ring = ring;
        this.control = control;
        this.origin = origin;
    }

    /** The exporter settings of a flow export entry: its template file, then its own keys over it. */
    static FlowExportConfig exportConfig(ServiceConfig.FlowExport f, String origin) {
        FlowExportFile.Parsed file = f.template() == null ? null : FlowExportFile.read(f.template());
        List<FlowExportConfig.Collector> collectors = new ArrayList<>();
        if (file != null) {
            collectors.addAll(file.collectors());
        }
        String where = origin + ": flow export '" + f.name() + "': Collector";
        for (String c : f.collectors()) {
            boolean tcp = c.endsWith("/tcp");
            String hp = c.endsWith("/tcp") || c.endsWith("/udp") ? c.substring(0, c.length() - 4) : c;
            collectors.add(FlowExportFile.collector(hp, tcp ? FlowExportConfig.Transport.TCP : FlowExportConfig.Transport.UDP,
                    where));
        }
        long domain = f.domain() >= 0 ? f.domain() : file != null && file.domain() >= 0 ? file.domain() : 0;
        int mtu = f.mtu() > 0 ? f.mtu() : file != null && file.mtu() > 0 ? file.mtu() : FlowExportConfig.DEFAULT_MTU;
        long refresh = file != null && file.refreshNanos() >= 0 ? file.refreshNanos()
                : FlowExportConfig.DEFAULT_TEMPLATE_REFRESH_NANOS;
        int refreshMessages = file != null && file.refreshMessages() >= 0 ? file.refreshMessages()
                : FlowExportConfig.DEFAULT_TEMPLATE_REFRESH_MESSAGES;
        return new FlowExportConfig(collectors, domain, mtu, refresh, refreshMessages,
                file == null ? List.of() : file.templates(), file == null ? List.of() : file.enterpriseElements(),
                f.template() == null ? origin : f.template().toString());
    }

    static FlowMeterConfig meterConfig(ServiceConfig.FlowExport f) {
        long idle = f.idleSeconds() > 0 ? Math.round(f.idleSeconds() * 1e9) : FlowMeterConfig.DEFAULT_IDLE_NANOS;
        long active = f.activeSeconds() > 0 ? Math.round(f.activeSeconds() * 1e9) : FlowMeterConfig.DEFAULT_ACTIVE_NANOS;
        return new FlowMeterConfig(idle, active, Math.min(FlowMeterConfig.DEFAULT_FIN_NANOS, idle),
                f.maxFlows() > 0 ? f.maxFlows() : FlowMeterConfig.DEFAULT_MAX_FLOWS, FlowMeterConfig.Clock.WALL);
    }

    private static long wallNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }



    @Override
    public void run() throws Exception {
        FlowExportConfig config = exportConfig(spec, origin);
        MetricsRegistry metrics = MetricsRegistry.global();
        String labels = MetricsRegistry.labels("flows", spec.name());
        try (PacketSource src = RingSource.open(ring, RingReader.Options.latest(readerName(spec.name())))) {
            FlowExporter exporter = new FlowExporter(config, FlowExportComponent::wallNanos, wallNanos(), metrics, labels);
            FlowMeter meter = new FlowMeter(meterConfig(spec), exporter, metrics, labels);
            FlowMeterLoop l = new FlowMeterLoop(src, meter, exporter, FlowExportComponent::wallNanos);
            try (FlowControlServer server = FlowControlServer.start(control, l)) {
                runWorker(l, FlowMeterLoop::run);
            }
        }
    }

    /** Ring reader slots hold 31 bytes. */
    static String readerName(String name) {
        return readerName("flows", name);
    }

    @Override
    protected void stopWorker(FlowMeterLoop l) {
        l.stop();
    }

    @Override
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ring", spec.ring());
        m.put("collectors", String.join(", ", spec.collectors()));
        m.put("control", control.toString());
        return m;
    }
}
