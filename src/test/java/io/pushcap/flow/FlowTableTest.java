package io.pushcap.flow;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlowTableTest {

    private record Key(long sh, long sl, long dh, long dl, long ka, long kb) {
        int hash() {
            return FlowTable.hash(sh, sl, dh, dl, ka, kb);
        }
    }

    @Test
    void shouldAgreeWithHashMapWhenInsertingAndRemovingAtRandom() {
        FlowTable t = new FlowTable(500);
        Map<Key, Integer> model = new HashMap<>();
        List<Key> keys = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < 2000; i++) {
            // Few distinct values so that probe chains collide and wrap around.
            keys.add(new Key(0, r.nextInt(40), 0, r.nextInt(40), FlowTable.keyA(r.nextInt(3), 0, 0, 4),
                    FlowTable.keyB(6, r.nextInt(3), 80, 0)));
        }
        for (int step = 0; step < 200_000; step++) {
            Key k = keys.get(r.nextInt(keys.size()));
            int found = t.find(k.sh, k.sl, k.dh, k.dl, k.ka, k.kb, k.hash());
            Integer expected = model.get(k);
            assertEquals(expected == null ? -1 : expected, found, "find at step " + step);
            if (expected != null && r.nextInt(3) == 0) {
                t.remove(expected);
                model.remove(k);
            } else if (expected == null && t.size() < t.capacity()) {
                int f = t.insert(k.sh, k.sl, k.dh, k.dl, k.ka, k.kb, k.hash(), step);
                model.put(k, f);
            }
            assertEquals(model.size(), t.size());
        }
        for (Map.Entry<Key, Integer> e : model.entrySet()) {
            Key k = e.getKey();
            int f = e.getValue();
            assertEquals(f, t.find(k.sh, k.sl, k.dh, k.dl, k.ka, k.kb, k.hash()));
            assertEquals(k.sl, t.srcLo(f));
            assertEquals(k.dl, t.dstLo(f));
        }
    }

    @Test
    void shouldKeepRecencyAndCreationOrderWhenUpdated() {
        FlowTable t = new FlowTable(8);
        int a = t.insert(0, 1, 0, 2, 0, 0, 11, 100);
        int b = t.insert(0, 3, 0, 4, 0, 0, 22, 200);
        int c = t.insert(0, 5, 0, 6, 0, 0, 33, 300);
        assertEquals(a, t.openHead());
        t.update(a, 10, 400, 0, 64, 0);
        assertEquals(b, t.openHead(), "touching a moves it to the tail");
        assertEquals(a, t.oldest(), "creation order does not change");
        t.markFinished(b);
        assertEquals(c, t.openHead());
        assertEquals(b, t.finishedHead());
        assertTrue(t.finished(b));
        t.remove(c);
        assertEquals(a, t.openHead());
        assertEquals(b, t.newer(a));
        assertEquals(-1, t.newer(b));
    }

    @Test
    void shouldPackKeyFieldsWithoutOverlap() {
        FlowTable t = new FlowTable(1);
        long ka = FlowTable.keyA(0xfedcba98, 4095, 1234, 6);
        long kb = FlowTable.keyB(255, 65535, 1, 0xabcd);
        int f = t.insert(7, 8, 9, 10, ka, kb, 5, 0);
        assertEquals(0xfedcba98, t.ifIndex(f));
        assertEquals(4095, t.outerVlan(f));
        assertEquals(1234, t.innerVlan(f));
        assertEquals(6, t.ipVersion(f));
        assertEquals(255, t.protocol(f));
        assertEquals(65535, t.srcPort(f));
        assertEquals(1, t.dstPort(f));
        assertEquals(0xabcd, t.icmpTypeCode(f));
        t.update(f, 1, 0, 0x1ff, 30, 0xfc);
        t.update(f, 1, 0, 0, 200, 0);
        assertEquals(30, t.minTtl(f));
        assertEquals(200, t.maxTtl(f));
        assertEquals(0x1ff, t.tcpFlags(f));
        assertEquals(0xfc, t.tos(f), "TOS of the first packet");
    }
}
