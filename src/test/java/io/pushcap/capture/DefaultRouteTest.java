package io.pushcap.capture;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** "default" is the interface of the lowest-metric default route in /proc/net/route. */
class DefaultRouteTest {
    private static final String HEADER = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT";

    @Test
    void shouldPickTheLowestMetricDefaultRouteWhenThereAreSeveral() {
        List<String> table = List.of(HEADER,
                "eth0\t00000000\t010200C0\t0003\t0\t0\t600\t00000000\t0\t0\t0",
                "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0",
                "wlan0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0");
        assertThat(DefaultRoute.parse(table)).contains("wlan0");
    }

    @Test
    void shouldFindNoneWhenThereIsNoDefaultRoute() {
        assertThat(DefaultRoute.parse(List.of(HEADER, "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0")))
                .isEqualTo(Optional.empty());
    }
}
