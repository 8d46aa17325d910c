package io.pushcap.service;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The lag gauge of a reader whose sequence is not known yet (it started at the newest record and
 * has read nothing): estimated from its byte lag, never RingInfo's -1 for "unknown". MetricsIT
 * caught a scrape in that window showing {@code pushcap_target_lag_packets -1.0}.
 */
class RingSamplerLagTest {
    @Test
    void shouldEstimateFromMeanRecordSizeWhenSequenceIsUnknown() {
        // 1000 packets in 100,000 bytes: 100 bytes a record; 2,550 bytes behind is ~26 packets.
        assertEquals(26, RingSampler.estimatedLag(1000, 100_000, 2_550));
    }

    @Test
    void shouldSayAtLeastOnePacketWhenBehindByLessThanARecord() {
        assertEquals(1, RingSampler.estimatedLag(1000, 100_000, 10));
        assertEquals(1, RingSampler.estimatedLag(0, 0, 64));
    }

    @Test
    void shouldSayZeroWhenNotBehind() {
        assertEquals(0, RingSampler.estimatedLag(1000, 100_000, 0));
        assertEquals(0, RingSampler.estimatedLag(0, 0, 0));
    }
}
