package io.pushcap.service;

import io.pushcap.service.doctor.DoctorCheck;
import io.pushcap.service.doctor.Offloads;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Small pieces of the service with fixed inputs: offload parsing and advice, restart backoff. */
class StatusPartsTest {
    private static final String ETHTOOL = """
            Features for eth0:
            rx-checksumming: on
            tcp-segmentation-offload: on
            	tx-tcp-segmentation: on
            generic-segmentation-offload: on
            generic-receive-offload: off
            large-receive-offload: on [fixed]
            rx-vlan-offload: on
            """;

    @Test
    void shouldGiveTheExactEthtoolCommandWhenOffloadsAreOn() {
        List<Offloads.Feature> f = Offloads.parse(ETHTOOL);
        assertThat(f).containsExactly(new Offloads.Feature("tso", true, false), new Offloads.Feature("gso", true, false),
                new Offloads.Feature("gro", false, false), new Offloads.Feature("lro", true, true));
        DoctorCheck c = Offloads.check("eth0", f);
        assertThat(c.valid()).isFalse();
        assertThat(c.toString()).isEqualTo("NIC eth0 offloads (expect gro, lro, gso, tso off): tso, gso, lro on -> ethtool -K"
                + " eth0 tso off gso off (captures otherwise hold merged frames larger than the MTU); lro fixed on by the"
                + " driver: expect frames larger than the MTU");
    }

    @Test
    void shouldBeValidWhenEveryOffloadIsOff() {
        DoctorCheck c = Offloads.check("veth1", Offloads.parse(ETHTOOL.replace(": on", ": off")));
        assertThat(c.toString()).isEqualTo("NIC veth1 offloads (expect gro, lro, gso, tso off): all off (VALID)");
    }

    @Test
    void shouldDoubleTheDelayAndStartOverWhenARunWasHealthy() {
        Backoff b = new Backoff(1000, 8000, 60_000);
        assertThat(List.of(b.delayAfter(10), b.delayAfter(10), b.delayAfter(10), b.delayAfter(10), b.delayAfter(10)))
                .containsExactly(1000L, 2000L, 4000L, 8000L, 8000L);
        assertThat(b.delayAfter(60_000)).isEqualTo(1000);
    }
}
