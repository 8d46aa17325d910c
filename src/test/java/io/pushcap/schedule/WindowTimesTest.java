package io.pushcap.schedule;

import io.pushcap.config.ServiceConfig;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Window arithmetic on Quartz crons: open or not at a moment (no history needed), and runs missed while down. */
class WindowTimesTest {
    private static final ServiceConfig.Window DAY = new ServiceConfig.Window("0 0 6 * * ?", "0 0 1 * * ?", "06:00-01:00");

    private static Instant at(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(ZoneId.systemDefault()).toInstant();
    }

    @Test
    void shouldBeOpenBetweenStartAndStopWhenTheWindowCrossesMidnight() {
        assertThat(WindowTimes.isOpen(DAY, at("2025-03-10T07:00:00"))).isTrue();
        assertThat(WindowTimes.isOpen(DAY, at("2025-03-10T23:59:59"))).isTrue();
        assertThat(WindowTimes.isOpen(DAY, at("2025-03-11T00:30:00"))).isTrue();
        assertThat(WindowTimes.isOpen(DAY, at("2025-03-11T01:00:00"))).as("at the stop time itself").isFalse();
        assertThat(WindowTimes.isOpen(DAY, at("2025-03-11T03:00:00"))).isFalse();
        assertThat(WindowTimes.isOpen(DAY, at("2025-03-11T05:59:59"))).isFalse();
    }

    @Test
    void shouldAlwaysBeOpenWhenTheWindowIsAlways() {
        assertThat(WindowTimes.isOpen(ServiceConfig.Window.ALWAYS, at("2025-03-11T03:00:00"))).isTrue();
    }

    @Test
    void shouldCountMissedRunsAndNameTheLatestWhenTheServiceWasDown() {
        WindowTimes.Missed m = WindowTimes.missed("0 5 0 * * ?", at("2025-03-01T00:10:00"), at("2025-03-04T08:00:00"));
        assertThat(m).isEqualTo(new WindowTimes.Missed(3, at("2025-03-04T00:05:00")));
        assertThat(WindowTimes.missed("0 5 0 * * ?", at("2025-03-04T00:05:00"), at("2025-03-04T08:00:00")))
                .as("the run at the remembered time itself is not missed").isNull();
    }

    @Test
    void shouldExpandDayAndFireWhenAOneShotFires() {
        Instant fire = at("2025-03-04T00:05:00");
        assertThat(OfflineSources.expand(List.of("store/${DAY}", "x-${FIRE}"), fire, ZoneId.systemDefault()))
                .containsExactly("store/20250303", "x-" + fire.getEpochSecond());
        assertThat(OfflineSources.expand(List.of("day", "extra.pcap"), fire, ZoneId.systemDefault()))
                .containsExactly("extra.pcap");
        assertThat(OfflineSources.day(List.of("day"), fire, ZoneId.systemDefault())).isEqualTo("2025-03-03");
        assertThat(OfflineSources.day(List.of("store/${DAY}"), fire, ZoneId.systemDefault())).isNull();
        assertThat(OfflineSources.problem(List.of("store/${DAY}"))).isNull();
    }
}
