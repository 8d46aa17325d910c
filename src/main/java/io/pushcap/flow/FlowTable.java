package io.pushcap.flow;

/**
 * The flow cache: a bounded open-addressing hash table over flat primitive arrays, with no object
 * per flow. Each flow is a row of {@link #STRIDE} longs in one array (key, counters, times,
 * attributes), found through a linear-probing index of longs that holds the row number and the
 * key's hash (deletion shifts entries back, so there are no tombstones). Three intrusive lists
 * over one int array give expiry its order in O(1): open flows and finished (FIN/RST) flows each in
 * least-recently-seen order, and all flows in creation order.
 *
 * <p>A flow is identified by its row number ({@code flow}), valid until it is removed.
 *
 * <p><b>Note:</b> not thread-safe: the meter thread owns it. Readers on other threads ask the
 * meter thread for a snapshot (see {@code FlowMeter#snapshot}).
 */
public final class FlowTable {
    // A row is two cache lines. The first holds everything an IPv4 packet reads and writes (the
    // key words it compares, counters, last time, attributes), so a hit costs one line; the
    // second holds the IPv6 upper address halves, the first time and the hash.
    static final int STRIDE = 16;
    /**
     * Rows start this many longs into the array: with the usual 16-byte array header and a
     * 64-byte aligned array (large arrays start on a G1 region boundary), rows then start on a
     * cache line. Elsewhere it costs nothing but 48 bytes.
     */
    static final int ROW_BASE = 6;
    static final int SRC_LO = 0;
    static final int DST_LO = 1;
    /** protocol(8) at bit 48 | source port(16) at 32 | destination port(16) at 16 | ICMP type/code(16). */
    static final int KEY_B = 2;
    /** ifIndex(32) | outer VLAN(12) | inner VLAN(12) | ip version(8). */
    static final int KEY_A = 3;
    static final int PACKETS = 4;
    static final int OCTETS = 5;
    static final int LAST = 6;
    /** tcp flags(16) | min TTL(8) at 16 | max TTL(8) at 24 | TOS(8) at 32 | finished at 40. */
    static final int ATTRS = 7;
    static final int SRC_HI = 8;
    static final int DST_HI = 9;
    static final int FIRST = 10;
    static final int HASH = 11;

    static final long FINISHED_BIT = 1L << 40;
    private static final int NONE = -1;

    private final long[] rows;
    /** Index entries: key hash in the upper 32 bits, row + 1 in the lower (0 = empty slot). */
    private final long[] index;
    private final int mask;
    private final int[] free;
    private int freeTop;
    private final int capacity;
    private int size;

    /**
     * List links, four ints per flow side by side (one cache line holds a flow's links):
     * recency list previous/next, creation list previous/next.
     */
    private final int[] links;
    private static final int LRU_PREV = 0;
    private static final int LRU_NEXT = 1;
    private static final int FIFO_PREV = 2;
    private static final int FIFO_NEXT = 3;
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
        this.rows = new long[ROW_BASE + Math.multiplyExact(capacity, STRIDE)];
        int indexSize = Integer.highestOneBit(Math.max(16, capacity) * 2 - 1) << 1;
        this.index = new long[indexSize];
        this.mask = indexSize - 1;
        this.free = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            free[i] = capacity - 1 - i;
        }
        this.freeTop = capacity;
        this.links = new int[Math.multiplyExact(capacity, 4)];
    }

    private static int row(int f) {
        return ROW_BASE + f * STRIDE;
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
            long e = index[i];
            if (e == 0) {
                return NONE;
            }
            if ((int) (e >>> 32) == hash) {
                int f = (int) e - 1;
                int b = row(f);
                // IPv4 keys have zero upper halves on both sides (the version is in KEY_A): skip line two.
                if (rows[b + SRC_LO] == sl && rows[b + DST_LO] == dl && rows[b + KEY_B] == kb && rows[b + KEY_A] == ka
                        && ((ka & 0xff) != 6 || (rows[b + SRC_HI] == sh && rows[b + DST_HI] == dh))) {
                    return f;
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
        int b = row(f);
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
        while (index[i] != 0) {
            i = (i + 1) & mask;
        }
        index[i] = ((long) hash << 32) | (f + 1);
        size++;
        appendOpen(f);
        links[4 * f + FIFO_PREV] = fifoTail;
        links[4 * f + FIFO_NEXT] = NONE;
        if (fifoTail != NONE) {
            links[4 * fifoTail + FIFO_NEXT] = f;
        } else {
            fifoHead = f;
        }
        fifoTail = f;
        return f;
    }

    /** Adds one packet's measurements and moves the flow to the tail of its recency list. */
    void update(int f, long octets, long ts, int tcpFlags, int ttl, int tos) {
        int b = row(f);
        rows[b + PACKETS]++;
        rows[b + OCTETS] += octets;
        if (ts > rows[b + LAST]) {
            rows[b + LAST] = ts;
        } else if (ts < rows[b + FIRST]) { // out of order: only then look at line two
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
        int b = row(f);
        if ((rows[b + ATTRS] & FINISHED_BIT) != 0) {
            return;
        }
        rows[b + ATTRS] |= FINISHED_BIT;
        unlinkOpen(f);
        appendFinished(f);
    }

    /** Removes the flow; its row is free for reuse. */
    void remove(int f) {
        int b = row(f);
        int hash = (int) rows[b + HASH];
        int i = hash & mask;
        while ((int) index[i] != f + 1) {
            if (index[i] == 0) {
                throw new IllegalStateException("flow " + f + " not in the index");
            }
            i = (i + 1) & mask;
        }
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            long e = index[j];
            if (e == 0) {
                break;
            }
            int home = (int) (e >>> 32) & mask;
            // The entry at j may move back to the hole at i unless its home lies in (i, j].
            if (((j - home) & mask) >= ((j - i) & mask)) {
                index[i] = e;
                i = j;
            }
        }
        index[i] = 0;
        if ((rows[b + ATTRS] & FINISHED_BIT) != 0) {
            unlinkFinished(f);
        } else {
            unlinkOpen(f);
        }
        int p = links[4 * f + FIFO_PREV];
        int n = links[4 * f + FIFO_NEXT];
        if (p != NONE) {
            links[4 * p + FIFO_NEXT] = n;
        } else {
            fifoHead = n;
        }
        if (n != NONE) {
            links[4 * n + FIFO_PREV] = p;
        } else {
            fifoTail = p;
        }
        free[freeTop++] = f;
        size--;
    }

    private void appendOpen(int f) {
        links[4 * f + LRU_PREV] = openTail;
        links[4 * f + LRU_NEXT] = NONE;
        if (openTail != NONE) {
            links[4 * openTail + LRU_NEXT] = f;
        } else {
            openHead = f;
        }
        openTail = f;
    }

    private void unlinkOpen(int f) {
        int p = links[4 * f + LRU_PREV];
        int n = links[4 * f + LRU_NEXT];
        if (p != NONE) {
            links[4 * p + LRU_NEXT] = n;
        } else {
            openHead = n;
        }
        if (n != NONE) {
            links[4 * n + LRU_PREV] = p;
        } else {
            openTail = p;
        }
    }

    private void appendFinished(int f) {
        links[4 * f + LRU_PREV] = finTail;
        links[4 * f + LRU_NEXT] = NONE;
        if (finTail != NONE) {
            links[4 * finTail + LRU_NEXT] = f;
        } else {
            finHead = f;
        }
        finTail = f;
    }

    private void unlinkFinished(int f) {
        int p = links[4 * f + LRU_PREV];
        int n = links[4 * f + LRU_NEXT];
        if (p != NONE) {
            links[4 * p + LRU_NEXT] = n;
        } else {
            finHead = n;
        }
        if (n != NONE) {
            links[4 * n + LRU_PREV] = p;
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
        return links[4 * f + FIFO_NEXT];
    }

    public int size() {
        return size;
    }

    public int capacity() {
        return capacity;
    }

    public long srcHi(int f) {
        return rows[row(f) + SRC_HI];
    }

    public long srcLo(int f) {
        return rows[row(f) + SRC_LO];
    }

    public long dstHi(int f) {
        return rows[row(f) + DST_HI];
    }

    public long dstLo(int f) {
        return rows[row(f) + DST_LO];
    }

    public int ifIndex(int f) {
        return (int) (rows[row(f) + KEY_A] >>> 32);
    }

    public int outerVlan(int f) {
        return (int) (rows[row(f) + KEY_A] >>> 20) & 0xfff;
    }

    public int innerVlan(int f) {
        return (int) (rows[row(f) + KEY_A] >>> 8) & 0xfff;
    }

    public int ipVersion(int f) {
        return (int) rows[row(f) + KEY_A] & 0xff;
    }

    public int protocol(int f) {
        return (int) (rows[row(f) + KEY_B] >>> 48) & 0xff;
    }

    public int srcPort(int f) {
        return (int) (rows[row(f) + KEY_B] >>> 32) & 0xffff;
    }

    public int dstPort(int f) {
        return (int) (rows[row(f) + KEY_B] >>> 16) & 0xffff;
    }

    public int icmpTypeCode(int f) {
        return (int) rows[row(f) + KEY_B] & 0xffff;
    }

    public long packets(int f) {
        return rows[row(f) + PACKETS];
    }

    public long octets(int f) {
        return rows[row(f) + OCTETS];
    }

    /** First packet's timestamp, ns since the epoch. */
    public long firstNanos(int f) {
        return rows[row(f) + FIRST];
    }

    /** Last packet's timestamp, ns since the epoch. */
    public long lastNanos(int f) {
        return rows[row(f) + LAST];
    }

    /** TCP flags OR'ed over the flow's packets (tcpControlBits). */
    public int tcpFlags(int f) {
        return (int) rows[row(f) + ATTRS] & 0xffff;
    }

    public int minTtl(int f) {
        return (int) (rows[row(f) + ATTRS] >>> 16) & 0xff;
    }

    public int maxTtl(int f) {
        return (int) (rows[row(f) + ATTRS] >>> 24) & 0xff;
    }

    /** TOS / traffic class of the flow's first packet. */
    public int tos(int f) {
        return (int) (rows[row(f) + ATTRS] >>> 32) & 0xff;
    }

    /** A TCP FIN or RST was seen. */
    public boolean finished(int f) {
        return (rows[row(f) + ATTRS] & FINISHED_BIT) != 0;
    }
}
