package io.pushcap.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Every counter and gauge of a pushcap process, by stable name and labels, rendered in the
 * Prometheus text format for {@code /metrics}.
 *
 * <p><b>Note:</b> thread-safe. Registering the same name and labels twice returns the same
 * counter, so a restarted component keeps counting where it left off.
 */
public final class MetricsRegistry {
    private static final MetricsRegistry GLOBAL = new MetricsRegistry();

    private record Key(String name, String labels) {
    }

    private final Map<Key, Counter> counters = new ConcurrentHashMap<>();
    private final Map<Key, LongSupplier> gauges = new ConcurrentHashMap<>();
    private final Map<String, String> help = new ConcurrentHashMap<>();
    private final Map<String, String> types = new ConcurrentHashMap<>();

    public static MetricsRegistry global() {
        return GLOBAL;
    }

    /** Labels as Prometheus renders them: {@code labels("target", "nfs-tcp")} gives {@code target="nfs-tcp"}. */
    public static String labels(String... kv) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            if (!b.isEmpty()) {
                b.append(',');
            }
            b.append(kv[i]).append("=\"").append(kv[i + 1].replace("\\", "\\\\").replace("\"", "\\\"")
                    .replace("\n", "\\n")).append('"');
        }
        return b.toString();
    }

    public Counter counter(String name, String helpText, String labels) {
        help.putIfAbsent(name, helpText);
        types.putIfAbsent(name, "counter");
        return counters.computeIfAbsent(new Key(name, labels), k -> new Counter(name, helpText));
    }

    public void gauge(String name, String helpText, String labels, LongSupplier value) {
        help.putIfAbsent(name, helpText);
        types.putIfAbsent(name, "gauge");
        gauges.put(new Key(name, labels), value);
    }

    public void removeGauges(String labels) {
        gauges.keySet().removeIf(k -> k.labels().equals(labels));
    }

    /** A snapshot: name{labels} to value, sorted. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counters.forEach((k, c) -> out.put(render(k), c.get()));
        gauges.forEach((k, g) -> out.put(render(k), g.getAsLong()));
        return out;
    }

    private static String render(Key k) {
        return k.labels().isEmpty() ? k.name() : k.name() + "{" + k.labels() + "}";
    }

    /** Prometheus text exposition format 0.0.4. */
    public String prometheus() {
        Map<String, List<String>> byName = new TreeMap<>();
        counters.forEach((k, c) -> byName.computeIfAbsent(k.name(), n -> new ArrayList<>()).add(render(k) + " " + c.get()));
        gauges.forEach((k, g) -> byName.computeIfAbsent(k.name(), n -> new ArrayList<>()).add(render(k) + " " + g.getAsLong()));
        StringBuilder b = new StringBuilder();
        byName.forEach((name, lines) -> {
            b.append("# HELP ").append(name).append(' ').append(help.getOrDefault(name, name)).append('\n');
            b.append("# TYPE ").append(name).append(' ').append(types.getOrDefault(name, "counter")).append('\n');
            Collections.sort(lines);
            lines.forEach(l -> b.append(l).append('\n'));
        });
        return b.toString();
    }
}
