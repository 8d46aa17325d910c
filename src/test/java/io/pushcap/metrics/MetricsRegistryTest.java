package io.pushcap.metrics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The registry's exposition through the Prometheus client: units, types, absent and infinite values, label escaping. */
class MetricsRegistryTest {
    @Test
    void shouldExposeSecondsWhenCounterKeepsNanoseconds() {
        MetricsRegistry r = new MetricsRegistry();
        r.counter("pushcap_t_seconds_total", "Time", MetricsRegistry.labels("target", "a"), MetricsRegistry.NANOS)
                .add(1_500_000_000L);
        assertThat(r.prometheus()).contains("# TYPE pushcap_t_seconds_total counter\n")
                .contains("\npushcap_t_seconds_total{target=\"a\"} 1.5\n");
        assertThat(r.snapshot()).containsEntry("pushcap_t_seconds_total{target=\"a\"}", 1_500_000_000L);
    }

    @Test
    void shouldDeclareGaugeWhenSettableCounterGoesDown() {
        MetricsRegistry r = new MetricsRegistry();
        Counter pending = r.settable("pushcap_p", "Pending", MetricsRegistry.labels("target", "a"));
        pending.set(7);
        pending.set(2);
        assertThat(r.prometheus()).contains("# TYPE pushcap_p gauge\n").contains("\npushcap_p{target=\"a\"} 2.0\n");
    }

    @Test
    void shouldLeaveSampleOutWhenGaugeIsAbsentAndWriteInfWhenInfinite() {
        MetricsRegistry r = new MetricsRegistry();
        r.gauge("pushcap_none", "Nothing now", "", () -> MetricsRegistry.ABSENT);
        r.gauge("pushcap_overtake_seconds", "Never", MetricsRegistry.labels("ring", "r"), () -> MetricsRegistry.INFINITY);
        String text = r.prometheus();
        assertThat(text).doesNotContain("\npushcap_none").contains("\npushcap_overtake_seconds{ring=\"r\"} +Inf\n");
    }

    @Test
    void shouldRoundTripEscapedLabelValuesWhenParsed() {
        String labels = MetricsRegistry.labels("store", "/a \"b\"\\c", "reason", "x\ny");
        assertThat(MetricsRegistry.parseLabels(labels).get("store")).isEqualTo("/a \"b\"\\c");
        assertThat(MetricsRegistry.parseLabels(labels).get("reason")).isEqualTo("x\ny");
        MetricsRegistry r = new MetricsRegistry();
        r.counter("pushcap_c_total", "C", labels).increment();
        assertThat(r.prometheus()).contains("pushcap_c_total{reason=\"x\\ny\",store=\"/a \\\"b\\\"\\\\c\"} 1.0");
    }

    @Test
    void shouldAddBuildInfoAndJvmMetricsWhenProcessMetricsEnabled() {
        MetricsRegistry r = new MetricsRegistry();
        r.enableProcessMetrics("9.9", "libpcap 1.10");
        assertThat(r.prometheus()).containsPattern("(?m)^pushcap_build_info\\{java=\"[^\"]+\",libpcap=\"libpcap 1.10\",version=\"9.9\"} 1$")
                .contains("# TYPE jvm_memory_used_bytes gauge").contains("# TYPE process_cpu_seconds_total counter");
    }
}
