package io.pushcap.pcap;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LinkTypeTest {

    @Test
    void shouldMapLinktypesToLinuxDltsWhenTheirNumbersDiffer() {
        assertThat(LinkType.toDlt(LinkType.RAW)).isEqualTo(12);
        assertThat(LinkType.toDlt(LinkType.ATM_RFC1483)).isEqualTo(11);
        assertThat(LinkType.toDlt(LinkType.SLIP_BSDOS)).isEqualTo(15);
        assertThat(LinkType.toDlt(LinkType.PPP_BSDOS)).isEqualTo(16);
    }

    @Test
    void shouldKeepTheNumberWhenLinktypeAndDltAgree() {
        assertThat(LinkType.toDlt(LinkType.ETHERNET)).isEqualTo(1);
        assertThat(LinkType.toDlt(LinkType.NULL)).isEqualTo(0);
        assertThat(LinkType.toDlt(LinkType.LINUX_SLL)).isEqualTo(113);
        assertThat(LinkType.toDlt(LinkType.LINUX_SLL2)).isEqualTo(276);
        assertThat(LinkType.toDlt(104)).isEqualTo(104);
        assertThat(LinkType.toDlt(LinkType.PFSYNC)).isEqualTo(246);
        assertThat(LinkType.toDlt(LinkType.PKTAP)).isEqualTo(258);
        // A DLT value handed over by a live capture passes unchanged.
        assertThat(LinkType.toDlt(12)).isEqualTo(12);
    }

    @Test
    void shouldStoreLinktypeRawWhenLiveCaptureReportsDltRaw() {
        assertThat(LinkType.fromDlt(12)).isEqualTo(LinkType.RAW);
        assertThat(LinkType.fromDlt(1)).isEqualTo(LinkType.ETHERNET);
        assertThat(LinkType.fromDlt(113)).isEqualTo(LinkType.LINUX_SLL);
        for (int dlt : new int[] {0, 1, 11, 12, 15, 16, 113, 276}) {
            assertThat(LinkType.toDlt(LinkType.fromDlt(dlt))).as("DLT %d", dlt).isEqualTo(dlt);
        }
    }

    @Test
    void shouldUseLibpcapMaximumWhenHeaderSnaplenIsZeroOrTooLarge() {
        assertThat(LinkType.effectiveSnaplen(LinkType.ETHERNET, 0)).isEqualTo(262_144);
        assertThat(LinkType.effectiveSnaplen(LinkType.ETHERNET, -1)).isEqualTo(262_144);
        assertThat(LinkType.effectiveSnaplen(LinkType.ETHERNET, 1 << 20)).isEqualTo(262_144);
        assertThat(LinkType.effectiveSnaplen(LinkType.ETHERNET, 96)).isEqualTo(96);
        assertThat(LinkType.maxSnaplen(231)).isEqualTo(128 << 20);
        assertThat(LinkType.maxSnaplen(249)).isEqualTo(1 << 20);
    }
}
