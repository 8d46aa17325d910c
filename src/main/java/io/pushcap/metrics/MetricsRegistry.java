package io.pushcap.metrics;

import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Every counter and gauge of a pushcap process, by stable name and labels, exposed for
 * {@code /metrics} through the Prometheus Java client. The hot paths keep their lock-free
 * {@link Counter}s; the client reads them only at scrape time (see {@link #collect(List)}), so
 * counting never allocates or locks.
 *
 * <p>Names are the exposition names: counters end in {@code _total}, values are in base units
 * (seconds, bytes). A counter kept in nanoseconds or milliseconds on the hot path is registered
 * with a scale ({@link #counter(String, String, String, double)}) and exposed in seconds.
 *
 * <p><b>Note:</b> thread-safe. Registering the same name and labels twice returns the same
 * counter, so a restarted component keeps counting where it left off.
 */
public final class MetricsRegistry {
    /** Seconds per nanosecond, for counters kept in nanoseconds. */
    public static final double NANOS = 1e-9;
    /** Seconds per millisecond, for counters kept in milliseconds. */
    public static final double MILLIS = 1e-3;

    /**
     * What a gauge's supplier returns when it has no value now (e.g. seconds until a reader is
     * overtaken while it keeps up): the series is left out of the scrape rather than given a
     * magic number.
     */
    public static final long ABSENT = Long.MIN_VALUE;

    /** What a gauge's supplier returns for +Inf (e.g. seconds until a reader that keeps up is overtaken). */
    public static final long INFINITY = Long.MAX_VALUE;

    private static final MetricsRegistry GLOBAL = new MetricsRegistry();

    private record Key(String name, String labels) {
    }

    /** One sample from outside this registry (a push child's report), merged into its family at scrape. */
    public record Sample(String name, String type, String help, Labels labels, double value) {
    }

    private final Map<Key, Counter> counters = new ConcurrentHashMap<>();
    private final Map<Key, LongSupplier> gauges = new ConcurrentHashMap<>();
    private final Map<String, String> help = new ConcurrentHashMap<>();
    private final Map<String, String> types = new ConcurrentHashMap<>();
    private final Map<String, Double> scales = new ConcurrentHashMap<>();
    // JVM, process and build metrics: only a serving process registers them (a push child's report does not).
    private final PrometheusRegistry process = new PrometheusRegistry();
    private volatile boolean processMetrics;

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

    /**
     * The one label value of a ring in every family: its name (the ring file's name), never its
     * path, so {@code ring_reader} and {@code ring_sampler} series join.
     */
    public static String ringName(java.nio.file.Path ring) {
        java.nio.file.Path f = ring.getFileName();
        return f == null ? ring.toString() : f.toString();
    }

    public Counter counter(String name, String helpText, String labels) {
        return counter(name, helpText, labels, 1.0);
    }

    /** A counter whose hot-path unit is {@code scale} base units (e.g. {@link #NANOS} for a seconds family). */
    public Counter counter(String name, String helpText, String labels, double scale) {
        help.putIfAbsent(name, helpText);
        types.putIfAbsent(name, "counter");
        if (scale != 1.0) {
            scales.putIfAbsent(name, scale);
        }
        return counters.computeIfAbsent(new Key(name, labels), k -> new Counter(name, helpText));
    }

    /**
     * A gauge kept as a {@link Counter} by its single writer ({@link Counter#set(long)}), for a
     * value that goes up and down (packets pending in the open split, 1 while stuck).
     */
    public Counter settable(String name, String helpText, String labels) {
        help.putIfAbsent(name, helpText);
        types.putIfAbsent(name, "gauge");
        return counters.computeIfAbsent(new Key(name, labels), k -> new Counter(name, helpText));
    }

    public void gauge(String name, String helpText, String labels, LongSupplier value) {
        gauge(name, helpText, labels, 1.0, value);
    }

    /** A gauge whose supplier returns {@code scale} base units (e.g. milliseconds of a seconds gauge). */
    public void gauge(String name, String helpText, String labels, double scale, LongSupplier value) {
        help.putIfAbsent(name, helpText);
        types.putIfAbsent(name, "gauge");
        if (scale != 1.0) {
            scales.putIfAbsent(name, scale);
        }
        gauges.put(new Key(name, labels), value);
    }

    public void removeGauges(String labels) {
        gauges.keySet().removeIf(k -> k.labels().equals(labels));
    }

    /** A snapshot: name{labels} to raw value (hot-path units, unscaled), sorted. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counters.forEach((k, c) -> out.put(render(k), c.get()));
        gauges.forEach((k, g) -> out.put(render(k), g.getAsLong()));
        return out;
    }

    private static String render(Key k) {
        return k.labels().isEmpty() ? k.name() : k.name() + "{" + k.labels() + "}";
    }

    /**
     * Adds {@code pushcap_build_info} and the client's process and JVM metrics to this registry's
     * exposition; called once by a serving process.
     */
    public synchronized void enableProcessMetrics(String version, String libpcap) {
        if (processMetrics) {
            return;
        }
        JvmMetrics.builder().register(process);
        Info.builder().name("pushcap_build_info")
                .help("pushcap's version, the libpcap it loaded and the Java runtime; always 1")
                .labelNames("version", "libpcap", "java").register(process)
                .addLabelValues(version, libpcap, Runtime.version().toString());
        processMetrics = true;
    }

    /** Every family of this registry, plus {@code extra} samples merged into their families, as client snapshots. */
    public MetricSnapshots collect(List<Sample> extra) {
        Map<String, List<Sample>> byName = new TreeMap<>();
        counters.forEach((k, c) -> add(byName, k, c.get()));
        gauges.forEach((k, g) -> {
            long v = g.getAsLong();
            if (v != ABSENT) {
                add(byName, k, v);
            }
        });
        for (Sample s : extra) {
            byName.computeIfAbsent(s.name(), n -> new ArrayList<>()).add(s);
        }
        MetricSnapshots.Builder out = MetricSnapshots.builder();
        byName.forEach((name, samples) -> out.metricSnapshot(family(name, samples)));
        if (processMetrics) {
            for (MetricSnapshot s : process.scrape()) {
                out.metricSnapshot(s);
            }
        }
        return out.build();
    }

    private void add(Map<String, List<Sample>> byName, Key k, long raw) {
        double v = raw == INFINITY ? Double.POSITIVE_INFINITY : raw * scales.getOrDefault(k.name(), 1.0);
        byName.computeIfAbsent(k.name(), n -> new ArrayList<>()).add(new Sample(k.name(),
                types.getOrDefault(k.name(), "counter"), help.getOrDefault(k.name(), k.name()), parseLabels(k.labels()), v));
    }

    private static MetricSnapshot family(String name, List<Sample> samples) {
        Sample first = samples.get(0);
        Map<Labels, Double> unique = new java.util.LinkedHashMap<>();
        samples.forEach(s -> unique.putIfAbsent(s.labels(), s.value()));
        if (first.type().equals("counter")) {
            CounterSnapshot.Builder b = CounterSnapshot.builder()
                    .name(name.endsWith("_total") ? name.substring(0, name.length() - 6) : name).help(first.help());
            unique.forEach((l, v) -> b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(l).value(v).build()));
            return b.build();
        }
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(first.help());
        unique.forEach((l, v) -> b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(l).value(v).build()));
        return b.build();
    }

    /** Prometheus text exposition format 0.0.4, written by the client. */
    public String prometheus() {
        return prometheus(List.of());
    }

    /** As {@link #prometheus()}, with {@code extra} samples merged in. */
    public String prometheus(List<Sample> extra) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16384);
        try {
            PrometheusTextFormatWriter.create().write(out, collect(extra));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Parses {@link #labels(String...)}' form back: {@code a="x",b="y\"z"}. */
    public static Labels parseLabels(String s) {
        List<String> kv = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            int eq = s.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            kv.add(s.substring(i, eq).trim());
            StringBuilder v = new StringBuilder();
            int j = eq + 2;
            while (j < s.length() && s.charAt(j) != '"') {
                char c = s.charAt(j);
                if (c == '\\' && j + 1 < s.length()) {
                    char n = s.charAt(++j);
                    v.append(n == 'n' ? '\n' : n);
                } else {
                    v.append(c);
                }
                j++;
            }
            kv.add(v.toString());
            i = j + 1;
            if (i < s.length() && s.charAt(i) == ',') {
                i++;
            }
        }
        return Labels.of(kv.toArray(String[]::new));
    }
}
