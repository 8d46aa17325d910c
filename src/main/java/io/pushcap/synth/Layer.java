package io.pushcap.synth;

/**
 * One encapsulation a flow's packets pass through, as a mutable record of its parameters; a
 * flow's {@link EncapPlan} lists them from the innermost out.
 *
 * <p><b>Note:</b> not thread-safe; owned by one flow (GRE sequence numbers advance per packet).
 */
final class Layer {
    static final int ETH = 0;
    static final int MPLS = 1;
    static final int GRE = 2;
    static final int VXLAN = 3;

    static final int ERSPAN_NONE = 0;

    final int kind;
    /** Ethernet: tags, outermost first (TPID<<16 | TCI). */
    int[] tags = new int[0];
    /** Ethernet: the A side (client or tunnel source) and B side MACs. */
    byte[] macA;
    byte[] macB;
    /** MPLS: labels, outermost first; {@code pseudowire} when the payload is Ethernet. */
    int[] labels;
    boolean controlWord;
    /** Tunnels: outer addresses A and B (4 or 16 bytes), TTL. */
    byte[] ipA;
    byte[] ipB;
    int ttl = 64;
    int ipId;
    /** GRE options and ERSPAN type (0 none, 1, 2, 3). */
    boolean checksum;
    boolean hasKey;
    int key;
    boolean hasSeq;
    int seq;
    int erspan;
    boolean erspanSubheader;
    int session;
    /** VXLAN. */
    int vni;
    int udpSourcePort;
    /** True when the outer direction does not follow the packet's (ERSPAN mirrors to one collector). */
    boolean fixedDirection;

    Layer(int kind) {
        this.kind = kind;
    }

    boolean tunnel() {
        return kind == GRE || kind == VXLAN;
    }

    /** Bytes this layer adds in front of its payload. */
    int overhead() {
        return switch (kind) {
            case ETH -> 14 + 4 * tags.length;
            case MPLS -> 4 * labels.length + (controlWord ? 4 : 0);
            case GRE -> ipHeader() + 4 + (checksum ? 4 : 0) + (hasKey ? 4 : 0) + (hasSeq ? 4 : 0)
                    + (erspan == 2 ? 8 : erspan == 3 ? 12 + (erspanSubheader ? 8 : 0) : 0);
            case VXLAN -> ipHeader() + 16;
            default -> throw new IllegalStateException();
        };
    }

    private int ipHeader() {
        return ipA.length == 16 ? 40 : 20;
    }
}
