package io.pushcap.service;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class StatusHistoryTest {

    @Test
    void shouldComputeRatesBetweenKeptReadingsWhenOfferedEverySecond() {
        StatusHistory h = new StatusHistory(5000, 180);
        // 1000 packets/s of 1250 bytes (10 Mbit/s), 2 drops/s, offered every second as the sampler does.
        for (int s = 0; s <= 10; s++) {
            h.offer("ring:a", 1_000_000L + s * 1000L, s * 1000L, s * 1_250_000L, s * 2L, s / 10.0);
        }
        List<StatusHistory.Sample> x = h.samples("ring:a");
        assertThat(x).extracting(StatusHistory.Sample::timeMillis).containsExactly(1_005_000L, 1_010_000L);
        assertThat(x.get(0).packetsPerSecond()).isCloseTo(1000, within(1e-9));
        assertThat(x.get(0).mbitPerSecond()).isCloseTo(10, within(1e-9));
        assertThat(x.get(0).dropsPerSecond()).isCloseTo(2, within(1e-9));
        assertThat(x.get(1).lagSeconds()).isEqualTo(1.0);
    }

    @Test
    void shouldKeepOnlyTheNewestSamplesInOrderWhenFull() {
        StatusHistory h = new StatusHistory(1000, 3);
        for (int s = 0; s <= 10; s++) {
            h.offer("t", s * 1000L, s * (long) s, 0, 0, 0);
        }
        List<StatusHistory.Sample> x = h.samples("t");
        assertThat(x).extracting(StatusHistory.Sample::timeMillis).containsExactly(8000L, 9000L, 10000L);
        // packets s^2: the rate over (s-1, s] is 2s-1
        assertThat(x).extracting(StatusHistory.Sample::packetsPerSecond).containsExactly(15.0, 17.0, 19.0);
    }

    @Test
    void shouldGiveZeroNotANegativeRateWhenACounterRestarts() {
        StatusHistory h = new StatusHistory(1000, 10);
        h.offer("t", 0, 500, 500, 5, 0);
        h.offer("t", 1000, 10, 10, 0, 0);
        h.offer("t", 2000, 30, 10, 0, 0);
        assertThat(h.samples("t")).extracting(StatusHistory.Sample::packetsPerSecond).containsExactly(0.0, 20.0);
    }

    @Test
    void shouldForgetSeriesThatAreGoneWhenRetained() {
        StatusHistory h = new StatusHistory(1000, 10);
        h.offer("a", 0, 0, 0, 0, 0);
        h.offer("a", 1000, 1, 0, 0, 0);
        h.offer("b", 0, 0, 0, 0, 0);
        h.offer("b", 1000, 1, 0, 0, 0);
        h.retain(Set.of("b"));
        assertThat(h.samples("a")).isEmpty();
        assertThat(h.samples("b")).hasSize(1);
    }

    @Test
    void shouldForgetOnlySeriesIdleForTheWholeDepthWhenAsked() {
        StatusHistory h = new StatusHistory(1000, 10);
        h.offer("gone", 0, 0, 0, 0, 0);
        h.offer("between-windows", 0, 0, 0, 0, 0);
        h.offer("between-windows", 5000, 5, 0, 0, 0);
        h.forgetIdle(10_001);
        assertThat(h.samples("between-windows")).hasSize(1);
        h.offer("gone", 10_001, 1, 0, 0, 0);
        assertThat(h.samples("gone")).as("forgotten: a new baseline, no sample yet").isEmpty();
    }

    @Test
    void shouldRefuseANonPositiveIntervalOrCapacity() {
        assertThatThrownBy(() -> new StatusHistory(0, 10)).hasMessageContaining("must be positive");
        assertThatThrownBy(() -> new StatusHistory(1000, 0)).hasMessageContaining("must be positive");
    }
}
