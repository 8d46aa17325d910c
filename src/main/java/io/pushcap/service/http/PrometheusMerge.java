package io.pushcap.service.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Merges Prometheus text from several processes into one exposition: the service's own
 * counters, and those of each push child (read from its report) with a label naming the
 * schedule added to every sample, so the same counter of two pushes stays two series. Families
 * keep one HELP and TYPE line each.
 *
 * <p><b>Note:</b> not thread-safe; one per request.
 */
final class PrometheusMerge {
    private record Family(String help, String type, List<String> samples) {
    }

    private final Map<String, Family> families = new TreeMap<>();

    /** Adds every family of {@code text}; with a label, {@code label="value"} goes first in each sample's labels. */
    PrometheusMerge add(String text, String label, String value) {
        Map<String, String> help = new LinkedHashMap<>();
        Map<String, String> type = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                String rest = line.substring(7);
                int sp = rest.indexOf(' ');
                if (sp > 0) {
                    (line.startsWith("# HELP ") ? help : type).put(rest.substring(0, sp), rest.substring(sp + 1));
                }
                continue;
            }
            if (line.startsWith("#")) {
                continue;
            }
            String name = metricName(line);
            Family f = families.computeIfAbsent(name, n -> new Family(help.getOrDefault(n, n),
                    type.getOrDefault(n, "untyped"), new ArrayList<>()));
            f.samples().add(label == null ? line : withLabel(line, name, label, value));
        }
        return this;
    }

    private static String metricName(String sample) {
        int end = 0;
        while (end < sample.length() && sample.charAt(end) != '{' && sample.charAt(end) != ' ') {
            end++;
        }
        return sample.substring(0, end);
    }

    static String withLabel(String sample, String name, String label, String value) {
        String pair = label + "=\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        String rest = sample.substring(name.length());
        if (rest.startsWith("{}")) {
            return name + "{" + pair + "}" + rest.substring(2);
        }
        if (rest.startsWith("{")) {
            return name + "{" + pair + "," + rest.substring(1);
        }
        return name + "{" + pair + "}" + rest;
    }

    String text() {
        StringBuilder b = new StringBuilder(16384);
        families.forEach((name, f) -> {
            b.append("# HELP ").append(name).append(' ').append(f.help()).append('\n');
            b.append("# TYPE ").append(name).append(' ').append(f.type()).append('\n');
            f.samples().forEach(s -> b.append(s).append('\n'));
        });
        return b.toString();
    }
}
