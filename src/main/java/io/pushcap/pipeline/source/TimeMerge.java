package io.pushcap.pipeline.source;

import java.util.Deque;
import java.util.Map;
import java.util.Set;

/**
 * The merge rule of a group source: which partition's head record goes to the splitter next, or
 * none yet. The oldest head by packet time goes first once every partition has one. A partition
 * without a buffered record holds the merge while it may still have older records to fetch (not
 * known to be read to its end); one known read to its end is passed over once the candidate has
 * waited {@code graceNanos} since it arrived, so a quiet partition does not stop the others.
 *
 * <p>Why the partition that is not caught up must hold the merge: its older packets would reach
 * the splitter after a later split was published, and a restarted worker would not reproduce the
 * same splits under the same names.
 *
 * <p><b>Note:</b> stateless and allocation-free; the caller owns the queues and the set.
 */
final class TimeMerge {
    /** A buffered record as the merge sees it. */
    interface Head {
        long timestampNanos();

        /** {@link System#nanoTime()} when the record was fetched. */
        long arrivalNanos();
    }

    private TimeMerge() {
    }

    /**
     * @return the partition whose head is next, or null when the merge must wait (no heads, an
     *         unread partition, or a caught-up empty partition still within the grace)
     */
    static <K> K pick(Map<K, ? extends Deque<? extends Head>> queues, Set<K> caughtUp, long nowNanos, long graceNanos) {
        K best = null;
        Head head = null;
        boolean allHaveHeads = true;
        for (Map.Entry<K, ? extends Deque<? extends Head>> e : queues.entrySet()) {
            Head h = e.getValue().peekFirst();
            if (h == null) {
                if (!caughtUp.contains(e.getKey())) {
                    return null;
                }
                allHaveHeads = false;
                continue;
            }
            if (head == null || h.timestampNanos() < head.timestampNanos()) {
                best = e.getKey();
                head = h;
            }
        }
        if (head == null || (!allHaveHeads && nowNanos - head.arrivalNanos() < graceNanos)) {
            return null;
        }
        return best;
    }
}
