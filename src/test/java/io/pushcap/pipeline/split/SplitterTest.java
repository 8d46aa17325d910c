package io.pushcap.pipeline.split;

import io.pushcap.config.SplitRule;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SplitterTest {
    static final long S = 1_000_000_000L;

    @Test
    void shouldAlignTimeSplitsToTheClockWhenFirstPacketIsMidInterval() {
        Splitter s = Splitter.of(SplitRule.time(60 * S));
        s.open(1_621_849_875L * S + 123);
        assertThat(s.intervalStart()).isEqualTo(1_621_849_860L * S);
        assertThat(s.intervalEnd()).isEqualTo(1_621_849_920L * S);
        assertThat(s.startsNewSplit(1_621_849_919L * S + 999_999_999L, 100, 1000, 10)).isFalse();
        assertThat(s.startsNewSplit(1_621_849_920L * S, 100, 1000, 10)).isTrue();
    }

    @Test
    void shouldKeepLatePacketInOpenSplitWhenTimestampGoesBack() {
        Splitter s = Splitter.of(SplitRule.time(60 * S));
        s.open(120 * S);
        assertThat(s.startsNewSplit(119 * S, 10, 100, 1)).isFalse();
    }

    @Test
    void shouldNeverExceedSizeUnlessOnePacketAloneDoes() {
        Splitter s = Splitter.of(SplitRule.bytes(1000));
        s.open(0);
        assertThat(s.startsNewSplit(1, 5000, 24, 0)).isFalse();   // a lone giant packet still gets written
        assertThat(s.startsNewSplit(1, 100, 900, 3)).isFalse();   // exactly 1000
        assertThat(s.startsNewSplit(1, 101, 900, 3)).isTrue();    // would be 1001
    }
}
