package io.pushcap.service.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Children's counters join the service's, each sample labelled with its schedule, one HELP/TYPE per family. */
class PrometheusMergeTest {
    @Test
    void shouldLabelChildSamplesAndKeepOneHeaderPerFamilyWhenMerged() {
        String own = "# HELP up Whether up\n# TYPE up gauge\nup 1\n";
        String child = "# HELP t_total Packets\n# TYPE t_total counter\nt_total{target=\"a\"} 5\nplain_total 7\n";
        String text = new PrometheusMerge().add(own, null, null).add(child, "schedule", "s1")
                .add(child.replace("5", "9"), "schedule", "s\"2").text();
        assertThat(text).isEqualTo("""
                # HELP plain_total plain_total
                # TYPE plain_total untyped
                plain_total{schedule="s1"} 7
                plain_total{schedule="s\\"2"} 7
                # HELP t_total Packets
                # TYPE t_total counter
                t_total{schedule="s1",target="a"} 5
                t_total{schedule="s\\"2",target="a"} 9
                # HELP up Whether up
                # TYPE up gauge
                up 1
                """);
    }
}
