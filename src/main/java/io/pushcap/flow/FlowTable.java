package io.pushcap.flow;

/**
 * The flow cache: a bounded open-addressing hash table over flat primitive arrays, with no object
 * per flow. Each flow is a row of {@link #STRIDE} longs in one array (key, counters, times,
 * attributes), found through a linear-probing index of ints that holds the row number and the
 * key's hash (deletion shifts entries back, so there are no tombstones). Three intrusive lists
 * over int arrays give expiry its order in O(1): open flows and finished (FIN/RST) flows each in
 * least-recently-seen order, and all flows in creation order.
 *
 * <p>A flow is identified by its row number ({@code flow}), valid until it is removed.
 *
 * <p><b>Note:</b> not thread-safe: the meter thread owns it. Readers on other threads ask the
 * meter thread for a snapshot (see {@code FlowMeter#snapshot}).
 */
public final class FlowTable {
    static final int STRIDE = 12;
    static final int SRC_HI = 0;
    static final int SRC_LO = 1;
    static final int DST_HI = 2;
    static final int DST_LO = 3;
    /** ifIndex(32) | outer VLAN(12) | inner VLAN(12) | ip version(8). */
    static final int KEY_A = 4;
    /** protocol(8) at bit 48 | source port(16) at 32 | destination port(16) at 16 | ICMP type/code(16). */
    static final int KEY_B = 5;
    static final int PACKETS = 6;
    static final int OCTETS = 7;
    static final int FIRST = 8;
    static final int LAST = 9;
    /** tcp flags(16) | min TTL(8) at 16 | max TTL(8) at 24 | TOS(8) at 32 | finished at 40. */
    static final int ATTRS = 10;
    static final int HASH = 11;

    static final long FINISHED_BIT = 1L << 40;
    private static final int NONE = -1;

    private final long[] rows;
    private final int[] slots;
    private final int[] slotHash;
    private final int mask;
    private final int[] free;
    private int freeTop;
    private final int capacity;
    private int size;

    private final int[] lruPrev;
    private final int[] lruNext;
    private final int[] fifoPrev;
    private final int[] fifoNext;
    private int openHead = NONE;
    private int openTail = NONE;
    private int finHead = NONE;
    private int finTail = NONE;
    private int fifoHead = NONE;
    private int fifoTail = NONE;

    /** A table for at most {@code capacity} flows; the index is sized for a load of at most 1/2. */
    public FlowTable(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity " + capacity);
        }
        this.capacity = capacity;
        this.rows = new long[Math.multiplyExact(capacity, STRIDE)];
        int indexSize = Integer.highestOneBit(Math.max(16, capacity) * 2 - 1) << 1;
        this.slots = new int[indexSize];
        this.slotHash = new int[indexSize];
        this.mask = indexSize - 1;
        this.free = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            free[i] = capacity - 1 - i;
        }
        this.freeTop = capacity;
        this.lruPrev = new int[capacity];
        this.lruNext = new int[capacity];
        this.fifoPrev = new int[capacity];
        this.fifoNext = new int[capacity];
    }

    /** Packs interface, VLANs and IP version into key word A. */
    static long keyA(int ifIndex, int outerVlan, int innerVlan, int ipVersion) {
        return ((long) ifIndex << 32) | ((long) (outerVlan & 0xfff) << 20) | ((innerVlan & 0xfff) << 8) | (ipVersion & 0xff);
    }

    /** Packs protocol, ports and ICMP type/code into key word B. */
    static long keyB(int protocol, int srcPort, int dstPort, int icmpTypeCode) {
        return ((long) (protocol & 0xff) << 48) | ((long) (srcPort & 0xffff) << 32) | ((long) (dstPort & 0xffff) << 16)
                | (icmpTypeCode & 0xffff);
    }

    /** A well-mixed 32-bit hash of the six key words. */
    static int hash(long sh, long sl, long dh, long dl, long ka, long kb) {
        long h = 0x9E3779B97F4A7C15L;
        h = mix(h, sh);
        h = mix(h, sl);
        h = mix(h, dh);
        h = mix(h, dl);
        h = mix(h, ka);
        h = mix(h, kb);
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return (int) h;
    }

    private static long mix(long h, long v) {
        return Long.rotateLeft(h ^ (v * 0xC2B2AE3D27D4EB4FL), 31) * 0x9E3779B97F4A7C15L;
    }

    /** The flow with this key, or -1. */
    int find(long sh, long sl, long dh, long dl, long ka, long kb, int hash) {
        int i = hash & mask;
        while (true) {
            int v = slots[i];
            if (v == 0) {
                return NONE;
            }
            if (slotHash[i] == hash) {
                int b = (v - 1) * STRIDE;
                if (rows[b + SRC_LO] == sl && rows[b + DST_LO] == dl && rows[b + KEY_B] == kb && rows[b + KEY_A] == ka
                        && rows[b + SRC_HI] == sh && rows[b + DST_HI] == dh) {
                    return v - 1;
                }
            }
            i = (i + 1) & mask;
        }
    }

    /** Adds a flow with zero counters first seen at {@code ts}; the caller made sure it is not full. */
    int insert(long sh, long sl, long dh, long dl, long ka, long kb, int hash, long ts) {
        if (freeTop == 0) {
            throw new IllegalStateException("flow table full (" + capacity + ")");
        }
        int f = free[--freeTop];
        int b = f * STRIDE;
        rows[b + SRC_HI] = sh;
        rows[b + SRC_LO] = sl;
        rows[b + DST_HI] = dh;
        rows[b + DST_LO] = dl;
        rows[b + KEY_A] = ka;
        rows[b + KEY_B] = kb;
        rows[b + PACKETS] = 0;
        rows[b + OCTETS] = 0;
        rows[b + FIRST] = ts;
        rows[b + LAST] = ts;
        rows[b + ATTRS] = 0xffL << 16; // min TTL starts at 255, max at 0
        rows[b + HASH] = hash;
        int i = hash & mask;
        while (slots[i] != 0) {
            i = (i + 1) & mask;
        }
        slots[i] = f + 1;
        slotHash[i] = hash;
        size++;
        appendOpen(f);
        fifoPrev[f] = fifoTail;
        fifoNext[f] = NONE;
        if (fifoTail != NONE) {
            fifoNext[fifoTail] = f;
        } else {
            fifoHead = f;
        }
        fifoTail = f;
        return f;
    }

    /** Adds one packet's measurements and moves the flow to the tail of its recency list. */
    void update(int f, long octets, long ts, int tcpFlags, int ttl, int tos) {
        int b = f * STRIDE;
        rows[b + PACKETS]++;
        rows[b + OCTETS] += octets;
        if (ts > rows[b + LAST]) {
            rows[b + LAST] = ts;
        }
        if (ts < rows[b + FIRST]) {
            rows[b + FIRST] = ts;
        }
        long a = rows[b + ATTRS] | tcpFlags;
        if (ttl < ((int) (a >>> 16) & 0xff)) {
            a = (a & ~(0xffL << 16)) | ((long) ttl << 16);
        }
        if (ttl > ((int) (a >>> 24) & 0xff)) {
            a = (a & ~(0xffL << 24)) | ((long) ttl << 24);
        }
        if (rows[b + PACKETS] == 1) {
            a = (a & ~(0xffL << 32)) | ((long) tos << 32);
        }
        rows[b + ATTRS] = a;
        if ((a & FINISHED_BIT) != 0) {
            if (finTail != f) {
                unlinkFinished(f);
                appendFinished(f);
            }
        } else if (openTail != f) {
            unlinkOpen(f);
            appendOpen(f);
        }
    }

    /** Marks the flow finished (FIN/RST seen) and moves it to the finished list. */
    void markFinished(int f) {
        int b = f * STRIDE;
        if ((rows[b + ATTRS] & FINISHED_BIT) != 0) {
            return;
        }
        rows[b + ATTRS] |= FINISHED_BIT;
        unlinkOpen(f);
        appendFinished(f);
    }

    /** Removes the flow; its row is free for reuse. */
    void remove(int f) {
        int b = f * STRIDE;
        int hash = (int) rows[b + HASH];
        int i = hash & mask;
        while (slots[i] != f + 1) {
            if (slots[i] == 0) {
                throw new IllegalStateException("flow " + f + " not in the index");
            }
            i = (i + 1) & mask;
        }
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            int v = slots[j];
            if (v == 0) {
                break;
            }
            int home = slotHash[j] & mask;
            // The entry at j may move back to the hole at i unless its home lies in (i, j].
            if (((j - home) & mask) >= ((j - i) & mask)) {
                slots[i] = v;
                slotHash[i] = slotHash[j];
                i = j;
            }
        }
        slots[i] = 0;
        slotHash[i] = 0;
        if ((rows[b + ATTRS] & FINISHED_BIT) != 0) {
            unlinkFinished(f);
        } else {
            unlinkOpen(f);
        }
        int p = fifoPrev[f];
        int n = fifoNext[f];
        if (p != NONE) {
            fifoNext[p] = n;
        } else {
            fifoHead = n;
        }
        if (n != NONE) {
            fifoPrev[n] = p;
        } else {
            fifoTail = p;
        }
        free[freeTop++] = f;
        size--;
    }

    private void appendOpen(int f) {
        lruPrev[f] = openTail;
        lruNext[f] = NONE;
        if (openTail != NONE) {
            lruNext[openTail] = f;
        } else {
            openHead = f;
        }
        openTail = f;
    }

    private void unlinkOpen(int f) {
        int p = lruPrev[f];
        int n = lruNext[f];
        if (p != NONE) {
            lruNext[p] = n;
        } else {
            openHead = n;
        }
        if (n != NONE) {
            lruPrev[n] = p;
        } else {
            openTail = p;
        }
    }

    private void appendFinished(int f) {
        lruPrev[f] = finTail;
        lruNext[f] = NONE;
        if (finTail != NONE) {
            lruNext[finTail] = f;
        } else {
            finHead = f;
        }
        finTail = f;
    }

    private void unlinkFinished(int f) {
        int p = lruPrev[f];
        int n = lruNext[f];
        if (p != NONE) {
            lruNext[p] = n;
        } else {
            finHead = n;
        }
        if (n != NONE) {
            lruPrev[n] = p;
        } else {
            finTail = p;
        }
    }

    /** Least recently seen open flow, or -1. */
    int openHead() {
        return openHead;
    }

    /** Least recently seen finished flow, or -1. */
    int finishedHead() {
        return finHead;
    }

    /** Oldest flow by creation, or -1. */
    int oldest() {
        return fifoHead;
    }

    /** The flow created after {@code f}, or -1. */
    int newer(int f) {
        return fifoNext[f];
    }

    public int size() {
        return size;
    }

    public int capacity() {
        return capacity;
    }

    public long srcHi(int f) {
        return rows[f * STRIDE + SRC_HI];
    }

    public long srcLo(int f) {
        return rows[f * STRIDE + SRC_LO];
    }

    public long dstHi(int f) {
        return rows[f * STRIDE + DST_HI];
    }

    public long dstLo(int f) {
        return rows[f * STRIDE + DST_LO];
    }

    public int ifIndex(int f) {
        return (int) (rows[f * STRIDE + KEY_A] >>> 32);
    }

    public int outerVlan(int f) {
        return (int) (rows[f * STRIDE + KEY_A] >>> 20) & 0xfff;
    }

    public int innerVlan(int f) {
        return (int) (rows[f * STRIDE + KEY_A] >>> 8) & 0xfff;
    }

    public int ipVersion(int f) {
        return (int) rows[f * STRIDE + KEY_A] & 0xff;
    }

    public int protocol(int f) {
        return (int) (rows[f * STRIDE + KEY_B] >>> 48) & 0xff;
    }

    public int srcPort(int f) {
        return (int) (rows[f * STRIDE + KEY_B] >>> 32) & 0xffff;
    }

    public int dstPort(int f) {
        return (int) (rows[f * STRIDE + KEY_B] >>> 16) & 0xffff;
    }

    public int icmpTypeCode(int f) {
        return (int) rows[f * STRIDE + KEY_B] & 0xffff;
    }

    public long packets(int f) {
        return rows[f * STRIDE + PACKETS];
    }

    public long octets(int f) {
        return rows[f * STRIDE + OCTETS];
    }

    /** First packet's timestamp, ns since the epoch. */
    public long firstNanos(int f) {
        return rows[f * STRIDE + FIRST];
    }

    /** Last packet's timestamp, ns since the epoch. */
    public long lastNanos(int f) {
        return rows[f * STRIDE + LAST];
    }

    /** TCP flags OR'ed over the flow's packets (tcpControlBits). */
    public int tcpFlags(int f) {
        return (int) rows[f * STRIDE + ATTRS] & 0xffff;
    }

    public int minTtl(int f) {
        return (int) (rows[f * STRIDE + ATTRS] >>> 16) & 0xff;
    }

    public int maxTtl(int f) {
        return (int) (rows[f * STRIDE + ATTRS] >>> 24) & 0xff;
    }

    /** TOS / traffic class of the flow's first packet. */
    public int tos(int f) {
        return (int) (rows[f * STRIDE + ATTRS] >>> 32) & 0xff;
    }

    /** A TCP FIN or RST was seen. */
    public boolean finished(int f) {
        return (rows[f * STRIDE + ATTRS] & FINISHED_BIT) != 0;
    }
}
