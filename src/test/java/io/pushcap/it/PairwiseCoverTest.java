package io.pushcap.it;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class PairwiseCoverTest {
    /** The push matrix's shape: sink (5 = LXC gates 1, 3-6), split, ring, name, path, codec, suffix, filter, decap. */
    private static final int[] LEVELS = {6, 3, 2, 6, 2, 6, 3, 4, 2};
    private static final Set<Integer> GATED = Set.of(1, 3, 4, 5, 6);

    @Test
    void shouldCoverEveryRequiredPairWhenGeneratedWithAGate() {
        PairwiseCover cover = new PairwiseCover(LEVELS, 0, 5, GATED);
        List<int[]> rows = cover.generate(11);
        assertThat(cover.missingPairs(rows)).isEmpty();
        // At least the product of the two largest factors; far fewer than the full product.
        assertThat(rows.size()).isBetween(36, 60);
        for (int[] r : rows) {
            for (int g : GATED) {
                assertThat(r[g] == PairwiseCover.NA).as("gated factor %d of a row", g).isEqualTo(r[0] == 5);
            }
        }
    }

    @Test
    void shouldGiveSameRowsWhenSeedIsSame() {
        PairwiseCover cover = new PairwiseCover(LEVELS, 0, 5, GATED);
        List<int[]> a = cover.generate(11);
        List<int[]> b = cover.generate(11);
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i)).containsExactly(b.get(i));
        }
    }

    @Test
    void shouldNameMissingPairsWhenTableLacksThem() {
        PairwiseCover cover = new PairwiseCover(new int[] {2, 2, 2}, 0, -1, Set.of());
        assertThat(cover.requiredPairs()).hasSize(12);
        assertThat(cover.missingPairs(List.of(new int[] {0, 0, 0}, new int[] {1, 1, 1})))
                .containsExactlyInAnyOrder("0=0,1=1", "0=1,1=0", "0=0,2=1", "0=1,2=0", "1=0,2=1", "1=1,2=0");
        assertThat(cover.missingPairs(cover.generate(3))).isEmpty();
    }
}
