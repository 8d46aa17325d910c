package io.pushcap.pipeline.source;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class TimeMergeTest {
    private static final long GRACE = 200_000_000L;
    private static final long NOW = 10_000_000_000L;

    private record H(long timestampNanos, long arrivalNanos) implements TimeMerge.Head {
    }

    private static ArrayDeque<H> queue(H... heads) {
        ArrayDeque<H> q = new ArrayDeque<>();
        for (H h : heads) {
            q.addLast(h);
        }
        return q;
    }

    private static Map<String, ArrayDeque<H>> parts(Object... kv) {
        Map<String, ArrayDeque<H>> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            @SuppressWarnings("unchecked") ArrayDeque<H> q = (ArrayDeque<H>) kv[i + 1];
            m.put((String) kv[i], q);
        }
        return m;
    }

    @Test
    void shouldPickOldestPacketWhenEveryPartitionHasAHead() {
        var q = parts("p0", queue(new H(300, NOW), new H(100, NOW)), "p1", queue(new H(200, NOW)),
                "p2", queue(new H(250, NOW)));
        assertEquals("p1", TimeMerge.pick(q, Set.of(), NOW, GRACE));
    }

    @Test
    void shouldHoldMergeWhenAnEmptyPartitionIsNotKnownReadToItsEnd() {
        // p1 has not been fetched yet (just assigned after a restart): however long p0's head has
        // waited, p1 may hold older packets, so nothing may go out.
        var q = parts("p0", queue(new H(100, 0)), "p1", queue());
        assertNull(TimeMerge.pick(q, Set.of("p0"), NOW, GRACE));
        assertNull(TimeMerge.pick(q, Set.of("p0"), Long.MAX_VALUE / 2, GRACE));
    }

    @Test
    void shouldWaitOutGraceWhenAnEmptyPartitionIsReadToItsEnd() {
        var q = parts("p0", queue(new H(100, NOW - GRACE + 1)), "p1", queue());
        assertNull(TimeMerge.pick(q, Set.of("p1"), NOW, GRACE));
    }

    @Test
    void shouldPassOverAQuietPartitionAfterGraceWhenItIsReadToItsEnd() {
        var q = parts("p0", queue(new H(100, NOW - GRACE)), "p1", queue(), "p2", queue(new H(50, NOW - GRACE)));
        assertEquals("p2", TimeMerge.pick(q, Set.of("p1"), NOW, GRACE));
    }

    @Test
    void shouldNotWaitForGraceWhenEveryPartitionHasAHead() {
        var q = parts("p0", queue(new H(100, NOW)), "p1", queue(new H(90, NOW)));
        assertEquals("p1", TimeMerge.pick(q, Set.of(), NOW, GRACE));
    }

    @Test
    void shouldWaitWhenNoPartitionHasARecord() {
        assertNull(TimeMerge.pick(parts("p0", queue(), "p1", queue()), Set.of("p0", "p1"), NOW, GRACE));
        assertNull(TimeMerge.pick(parts(), Set.<String>of(), NOW, GRACE));
    }

    @Test
    void shouldPreferFirstPartitionWhenTimestampsTie() {
        // Ties keep the assignment order, so a restart that sees the same records merges them the same way.
        var q = parts("p0", queue(new H(100, NOW)), "p1", queue(new H(100, NOW)));
        assertEquals("p0", TimeMerge.pick(q, Set.of(), NOW, GRACE));
    }
}
