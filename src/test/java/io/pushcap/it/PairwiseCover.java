package io.pushcap.it;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A small deterministic pairwise (strength 2) covering-array generator, greedy in the manner of
 * AETG: each new row starts from a not yet covered pair and takes, factor by factor, the value that
 * covers most pairs still missing; of several candidate rows (a seeded {@link Random} orders the
 * factors and breaks ties) the one covering most is kept. Same seed, same rows.
 *
 * <p>One constraint is supported, the one the push matrix needs: when the <em>gating</em> factor
 * has the gating value (the sink is LXC, a stream), the <em>gated</em> factors do not apply (a
 * stream has no Split, FileName, Path form, compressor or suffix); such a row holds {@link #NA}
 * there, and pairs of the gating value with a gated factor are not required.
 *
 * <p><b>Note:</b> not thread-safe; {@link #missingPairs} checks any table independently of how it
 * was made.
 */
final class PairwiseCover {
    static final int NA = -1;
    private static final int UNSET = -2;
    private static final int CANDIDATES = 40;

    private final int[] levels;
    private final int gatingFactor;
    private final int gatingValue;
    private final Set<Integer> gated;

    PairwiseCover(int[] levels, int gatingFactor, int gatingValue, Set<Integer> gated) {
        this.levels = levels.clone();
        this.gatingFactor = gatingFactor;
        this.gatingValue = gatingValue;
        this.gated = Set.copyOf(gated);
    }

    /** True when the pair (factor i = a, factor j = b) must appear in some row. */
    boolean required(int i, int a, int j, int b) {
        if (i == j) {
            return false;
        }
        if (i == gatingFactor && a == gatingValue && gated.contains(j)) {
            return false;
        }
        return !(j == gatingFactor && b == gatingValue && gated.contains(i));
    }

    /** Every required pair, as "i=a,j=b" with i < j. */
    Set<String> requiredPairs() {
        Set<String> all = new LinkedHashSet<>();
        for (int i = 0; i < levels.length; i++) {
            for (int j = i + 1; j < levels.length; j++) {
                for (int a = 0; a < levels[i]; a++) {
                    for (int b = 0; b < levels[j]; b++) {
                        if (required(i, a, j, b)) {
                            all.add(key(i, a, j, b));
                        }
                    }
                }
            }
        }
        return all;
    }

    /** The required pairs no row of {@code rows} holds (empty: the table covers every pair). */
    List<String> missingPairs(List<int[]> rows) {
        Set<String> missing = requiredPairs();
        for (int[] r : rows) {
            missing.removeAll(pairsOf(r));
        }
        return List.copyOf(missing);
    }

    List<int[]> generate(long seed) {
        Random rnd = new Random(seed);
        Set<String> uncovered = requiredPairs();
        List<int[]> rows = new ArrayList<>();
        while (!uncovered.isEmpty()) {
            List<String> open = new ArrayList<>(uncovered);
            int[] best = null;
            int bestGain = -1;
            for (int c = 0; c < CANDIDATES; c++) {
                int[] row = candidate(open.get(rnd.nextInt(open.size())), uncovered, rnd);
                Set<String> covered = pairsOf(row);
                covered.retainAll(uncovered);
                if (covered.size() > bestGain) {
                    bestGain = covered.size();
                    best = row;
                }
            }
            rows.add(best);
            uncovered.removeAll(pairsOf(best));
        }
        return rows;
    }

    private int[] candidate(String seedPair, Set<String> uncovered, Random rnd) {
        int[] row = new int[levels.length];
        java.util.Arrays.fill(row, UNSET);
        String[] p = seedPair.split("[=,]");
        row[Integer.parseInt(p[0])] = Integer.parseInt(p[1]);
        row[Integer.parseInt(p[2])] = Integer.parseInt(p[3]);
        applyGate(row);
        List<Integer> order = new ArrayList<>();
        for (int f = 0; f < levels.length; f++) {
            order.add(f);
        }
        Collections.shuffle(order, rnd);
        for (int f : order) {
            if (row[f] != UNSET) {
                continue;
            }
            int bestValue = -1;
            int bestGain = -1;
            int offset = rnd.nextInt(levels[f]);
            for (int k = 0; k < levels[f]; k++) {
                int v = (k + offset) % levels[f];
                if (f == gatingFactor && v == gatingValue && anyGatedSet(row)) {
                    continue;
                }
                int gain = 0;
                for (int g = 0; g < levels.length; g++) {
                    if (row[g] >= 0 && required(f, v, g, row[g]) && uncovered.contains(ordered(f, v, g, row[g]))) {
                        gain++;
                    }
                }
                if (gain > bestGain) {
                    bestGain = gain;
                    bestValue = v;
                }
            }
            row[f] = bestValue;
            applyGate(row);
        }
        return row;
    }

    private boolean anyGatedSet(int[] row) {
        return gated.stream().anyMatch(g -> row[g] >= 0);
    }

    private void applyGate(int[] row) {
        if (row[gatingFactor] == gatingValue) {
            gated.forEach(g -> row[g] = NA);
        }
    }

    private Set<String> pairsOf(int[] r) {
        Set<String> s = new LinkedHashSet<>();
        for (int i = 0; i < r.length; i++) {
            for (int j = i + 1; j < r.length; j++) {
                if (r[i] >= 0 && r[j] >= 0 && required(i, r[i], j, r[j])) {
                    s.add(key(i, r[i], j, r[j]));
                }
            }
        }
        return s;
    }

    private static String ordered(int f, int v, int g, int w) {
        return f < g ? key(f, v, g, w) : key(g, w, f, v);
    }

    private static String key(int i, int a, int j, int b) {
        return i + "=" + a + "," + j + "=" + b;
    }
}
