package io.pushcap.service.http;

import io.pushcap.metrics.MetricsRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the counters of a push child (the Prometheus text its report holds, written by the
 * client) back as samples with a label naming the schedule, so the service merges them into its
 * own families and the same counter of two pushes stays two series. Only counters and gauges are
 * read: a child writes nothing else.
 *
 * <p><b>Note:</b> stateless and thread-safe; a line it cannot read is skipped (a report being
 * rewritten is read again at the next scrape).
 */
final class ChildMetrics {
    private ChildMetrics() {
    }

    static List<MetricsRegistry.Sample> parse(String text, String label, String value) {
        Map<String, String> help = new HashMap<>();
        Map<String, String> type = new HashMap<>();
        List<MetricsRegistry.Sample> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                String rest = line.substring(7);
                int sp = rest.indexOf(' ');
                if (sp > 0) {
                    String v = rest.substring(sp + 1);
                    (line.startsWith("# HELP ") ? help : type).put(rest.substring(0, sp),
                            line.startsWith("# HELP ") ? v.replace("\\n", "\n").replace("\\\\", "\\") : v);
                }
                continue;
            }
            if (line.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            String name = line.substring(0, end);
            String base = name.endsWith("_total") ? name.substring(0, name.length() - 6) : name;
            String t = type.getOrDefault(base, type.getOrDefault(name, "gauge"));
            if (!t.equals("counter") && !t.equals("gauge")) {
                continue;
            }
            int close = line.startsWith("{", end) ? line.lastIndexOf('}') : end - 1;
            Labels labels = close > end ? MetricsRegistry.parseLabels(line.substring(end + 1, close)) : Labels.EMPTY;
            try {
                double v = Double.parseDouble(line.substring(close + 1).trim().split(" ")[0]);
                out.add(new MetricsRegistry.Sample(t.equals("counter") ? base + "_total" : name, t,
                        help.getOrDefault(base, help.getOrDefault(name, name)), labels.add(label, value), v));
            } catch (NumberFormatException e) {
                // a torn line of a report being rewritten: next scrape
            }
        }
        return out;
    }
}
