package io.pushcap.pipeline;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JobReportTest {
    @Test
    void shouldReadKafkaLagPerPartitionAndSkipMalformedEntriesWhenParsingAReport() {
        assertThat(JobReport.partitionLag("0=12,1=0, 2 = 7")).isEqualTo(new java.util.TreeMap<>(Map.of(0, 12L, 1, 0L, 2, 7L)));
        assertThat(JobReport.partitionLag("0=12,x=3,=4,5")).isEqualTo(Map.of(0, 12L));
        assertThat(JobReport.partitionLag("")).isEmpty();
    }
}
