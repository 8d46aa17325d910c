package io.pushcap.service.http;

import io.pushcap.metrics.MetricsRegistry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Push children's counters join the service's families, each sample labelled with its schedule
 * (the client sorts samples by their labels). */
class ChildMetricsTest {
    @Test
    void shouldLabelChildSamplesAndKeepOneFamilyWhenMerged() {
        MetricsRegistry own = new MetricsRegistry();
        own.counter("pushcap_target_packets_read_total", "Packets", MetricsRegistry.labels("target", "own")).add(3);
        MetricsRegistry child = new MetricsRegistry();
        child.counter("pushcap_target_packets_read_total", "Packets", MetricsRegistry.labels("target", "a")).add(5);
        child.settable("pushcap_target_packets_pending", "Pending", MetricsRegistry.labels("target", "a")).set(2);
        List<MetricsRegistry.Sample> samples = new ArrayList<>(ChildMetrics.parse(child.prometheus(), "schedule", "s1"));
        samples.addAll(ChildMetrics.parse(child.prometheus().replace("} 5.0", "} 9.0"), "schedule", "s\"2"));
        assertThat(own.prometheus(samples)).isEqualTo("""
                # HELP pushcap_target_packets_pending Pending
                # TYPE pushcap_target_packets_pending gauge
                pushcap_target_packets_pending{schedule="s\\"2",target="a"} 2.0
                pushcap_target_packets_pending{schedule="s1",target="a"} 2.0
                # HELP pushcap_target_packets_read_total Packets
                # TYPE pushcap_target_packets_read_total counter
                pushcap_target_packets_read_total{schedule="s\\"2",target="a"} 9.0
                pushcap_target_packets_read_total{schedule="s1",target="a"} 5.0
                pushcap_target_packets_read_total{target="own"} 3.0
                """);
    }

    @Test
    void shouldSkipTornLineWhenReportIsBeingRewritten() {
        String text = "# TYPE x_total counter\nx_total{a=\"1\"} 4.0\nx_total{a=\"2\"} 4.";
        assertThat(ChildMetrics.parse(text + "\ny_total{a=\"3\"} ", "schedule", "s")).hasSize(2);
    }
}
