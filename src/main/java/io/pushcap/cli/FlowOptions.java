package io.pushcap.cli;

import io.pushcap.PushcapException;
import io.pushcap.config.FlowExportConfig;
import io.pushcap.config.FlowExportFile;
import io.pushcap.config.FlowMeterConfig;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Options the {@code flows export} and {@code flows meter} commands share, as picocli mixins. */
final class FlowOptions {
    private FlowOptions() {
    }

    /** Seconds as a decimal number, to nanoseconds; {@code option} names the flag in errors. */
    static long seconds(String text, String option, boolean zeroAllowed) {
        double d;
        try {
            d = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new PushcapException(option + " '" + text + "' (expected seconds, e.g. 15 or 0.5)");
        }
        if (Double.isNaN(d) || d < 0 || (d == 0 && !zeroAllowed) || d > 1e9) {
            throw new PushcapException(option + " '" + text + "' (expected seconds " + (zeroAllowed ? ">= 0" : "> 0")
                    + " and at most 1e9)");
        }
        return Math.round(d * 1e9);
    }

    /** Flow cache options. */
    static final class Meter {
        @Option(names = "--idle-timeout", paramLabel = "S", description = "end a flow after S seconds without packets (default 15)")
        String idle;

        @Option(names = "--active-timeout", paramLabel = "S",
                description = "end a flow S seconds after its first packet (default 1800)")
        String active;

        @Option(names = "--fin-timeout", paramLabel = "S",
                description = "end a TCP flow S seconds after FIN/RST once idle (default 1, at most the idle timeout)")
        String fin;

        @Option(names = "--max-flows", paramLabel = "N",
                description = "flows in the cache; beyond it the least recently seen is exported (default 65536)")
        Integer maxFlows;

        FlowMeterConfig config(FlowMeterConfig.Clock clock) {
            long i = idle == null ? FlowMeterConfig.DEFAULT_IDLE_NANOS : seconds(idle, "--idle-timeout", false);
            long a = active == null ? FlowMeterConfig.DEFAULT_ACTIVE_NANOS : seconds(active, "--active-timeout", false);
            long f = fin == null ? Math.min(FlowMeterConfig.DEFAULT_FIN_NANOS, i) : seconds(fin, "--fin-timeout", true);
            if (f > i) {
                throw new PushcapException("--fin-timeout " + fin + " (expected at most the idle timeout, " + i / 1e9 + " s)");
            }
            int m = maxFlows == null ? FlowMeterConfig.DEFAULT_MAX_FLOWS : maxFlows;
            if (m < 1 || m > FlowMeterConfig.MAX_MAX_FLOWS) {
                throw new PushcapException("--max-flows " + m + " (expected 1.." + FlowMeterConfig.MAX_MAX_FLOWS + ")");
            }
            return new FlowMeterConfig(i, a, f, m, clock);
        }
    }

    /** Export options: collectors, template file, domain, MTU, template refresh. */
    static final class Export {
        @Option(names = "--collector", paramLabel = "HOST:PORT[/tcp]",
                description = "IPFIX collector (UDP unless /tcp); repeat for several")
        List<String> collectors = new ArrayList<>();

        @Option(names = "--template", paramLabel = "FILE",
                description = "YAML file of collectors, templates, enterprise elements (see docs/flows.md)")
        Path templateFile;

        @Option(names = "--domain", paramLabel = "ID", description = "observation domain id (default 0)")
        Long domain;

        @Option(names = "--mtu", paramLabel = "N", description = "largest IPFIX message in bytes (default 1400)")
        Integer mtu;

        @Option(names = "--template-refresh", paramLabel = "S",
                description = "UDP: re-send templates every S seconds (default 60; 0 = never by time)")
        String refresh;

        @Option(names = "--template-refresh-messages", paramLabel = "N",
                description = "UDP: re-send templates every N messages (default 100; 0 = never by count)")
        Integer refreshMessages;

        FlowExportConfig config() {
            FlowExportFile.Parsed file = templateFile == null ? null : FlowExportFile.read(templateFile);
            List<FlowExportConfig.Collector> all = new ArrayList<>();
            if (file != null) {
                all.addAll(file.collectors());
            }
            for (String c : collectors) {
                FlowExportConfig.Transport t = FlowExportConfig.Transport.UDP;
                String hp = c;
                if (c.endsWith("/tcp") || c.endsWith("/udp")) {
                    t = c.endsWith("/tcp") ? FlowExportConfig.Transport.TCP : FlowExportConfig.Transport.UDP;
                    hp = c.substring(0, c.length() - 4);
                }
                all.add(FlowExportFile.collector(hp, t, "--collector"));
            }
            String origin = templateFile == null ? "flows" : templateFile.toString();
            if (all.isEmpty()) {
                throw new PushcapException("no collector: give --collector HOST:PORT"
                        + (templateFile == null ? "" : " or 'collectors:' in " + templateFile));
            }
            long d = domain != null ? domain : file != null && file.domain() >= 0 ? file.domain() : 0;
            if (d < 0 || d > 0xffff_ffffL) {
                throw new PushcapException("--domain " + d + " (expected 0..4294967295)");
            }
            int m = mtu != null ? mtu : file != null && file.mtu() > 0 ? file.mtu() : FlowExportConfig.DEFAULT_MTU;
            if (mtu != null && (mtu < FlowExportConfig.MIN_MTU || mtu > FlowExportConfig.MAX_MTU)) {
                throw new PushcapException("--mtu " + mtu + " (expected " + FlowExportConfig.MIN_MTU + ".."
                        + FlowExportConfig.MAX_MTU + " bytes of IPFIX)");
            }
            long r = refresh != null ? seconds(refresh, "--template-refresh", true)
                    : file != null && file.refreshNanos() >= 0 ? file.refreshNanos()
                    : FlowExportConfig.DEFAULT_TEMPLATE_REFRESH_NANOS;
            if (refreshMessages != null && refreshMessages < 0) {
                throw new PushcapException("--template-refresh-messages " + refreshMessages + " (expected >= 0)");
            }
            int rm = refreshMessages != null ? refreshMessages
                    : file != null && file.refreshMessages() >= 0 ? file.refreshMessages()
                    : FlowExportConfig.DEFAULT_TEMPLATE_REFRESH_MESSAGES;
            return new FlowExportConfig(all, d, m, r, rm, file == null ? List.of() : file.templates(),
                    file == null ? List.of() : file.enterpriseElements(), origin);
        }
    }
}
