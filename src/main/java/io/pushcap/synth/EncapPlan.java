package io.pushcap.synth;

import java.util.ArrayList;
import java.util.List;

import static io.pushcap.pipeline.decap.EncapDescriptor.*;

/**
 * The encapsulations one flow's packets travel through, innermost first, drawn from templates
 * weighted by the {@link Mix}: plain Ethernet, 802.1Q, QinQ (0x88a8 and 0x9100), MPLS (IP and
 * Ethernet pseudowire with or without control word), GRE (IP over IPv4/IPv6, with key, sequence
 * and checksum variants), GRETAP, ERSPAN I/II/III, VXLAN over IPv4/IPv6, and nested combinations.
 *
 * <p><b>Note:</b> not thread-safe; one plan per flow.
 */
final class EncapPlan {
    enum Template {
        PLAIN, VLAN, QINQ, QINQ_9100, TRIPLE_TAG, MPLS_IP, VLAN_MPLS_IP, QINQ_MPLS_IP, PW_CW, PW_NO_CW,
        GRE_IP, GRE_IP_OVER_V6, GRETAP, ERSPAN_I, ERSPAN_II, ERSPAN_III, VXLAN, VXLAN_V6, VXLAN_INNER_VLAN,
        VLAN_VXLAN, GRE_VXLAN, MPLS_OVER_GRE, VXLAN_GRETAP;

        /** Templates whose innermost packet must be IP (no inner Ethernet to carry ARP). */
        boolean ipOnly() {
            return switch (this) {
                case MPLS_IP, VLAN_MPLS_IP, QINQ_MPLS_IP, GRE_IP, GRE_IP_OVER_V6, MPLS_OVER_GRE -> true;
                default -> false;
            };
        }
    }

    private static final Template[] ALL = Template.values();
    /** Weights for MIXED/JUMBO, in {@link Template} order. */
    private static final int[] MIXED_WEIGHTS = {500, 120, 30, 10, 5, 40, 10, 5, 15, 5,
            40, 10, 20, 15, 15, 15, 40, 10, 10, 10, 5, 5, 5};
    private static final int[] TUNNEL_WEIGHTS = {30, 30, 20, 10, 5, 40, 10, 5, 20, 10,
            50, 20, 30, 25, 25, 25, 50, 20, 15, 15, 10, 10, 10};
    private static final int[] VLAN_IDS = {10, 20, 30, 100, 200, 300, 1000, 4000};

    final Template template;
    final Layer[] layers;
    final boolean tunnelled;
    final int overhead;

    private EncapPlan(Template template, Layer[] layers) {
        this.template = template;
        this.layers = layers;
        boolean t = false;
        int o = 0;
        for (int i = 0; i < layers.length; i++) {
            t |= layers[i].tunnel();
            if (i < layers.length - 1) {
                o += layers[i].overhead();
            }
        }
        this.tunnelled = t;
        this.overhead = o;
    }

    static Template pick(Mix mix, SynthRandom r, boolean needsEthernet, boolean multicast) {
        if (mix == Mix.PLAIN || mix == Mix.SMALL) {
            return Template.PLAIN;
        }
        int[] w = mix == Mix.TUNNELS ? TUNNEL_WEIGHTS : MIXED_WEIGHTS;
        int total = 0;
        for (int x : w) {
            total += x;
        }
        for (int attempt = 0; attempt < 16; attempt++) {
            int k = r.nextInt(total);
            int i = 0;
            while (k >= w[i]) {
                k -= w[i++];
            }
            Template t = ALL[i];
            if ((needsEthernet && t.ipOnly()) || (multicast && t == Template.PW_NO_CW)) {
                continue;
            }
            return t;
        }
        return Template.VLAN;
    }

    /**
     * Builds a plan. {@code hostA}/{@code hostB} are the innermost MACs (client side first).
     */
    static EncapPlan build(Template t, SynthRandom r, Topology topo, byte[] hostA, byte[] hostB) {
        List<Layer> l = new ArrayList<>(6);
        boolean v6Outer = t == Template.GRE_IP_OVER_V6 || t == Template.VXLAN_V6;
        switch (t) {
            case PLAIN -> l.add(eth(hostA, hostB));
            case VLAN -> l.add(eth(hostA, hostB, tag(ETHERTYPE_VLAN, vid(r))));
            case QINQ -> l.add(eth(hostA, hostB, tag(ETHERTYPE_QINQ, vid(r)), tag(ETHERTYPE_VLAN, vid(r))));
            case QINQ_9100 -> l.add(eth(hostA, hostB, tag(ETHERTYPE_QINQ_9100, vid(r)), tag(ETHERTYPE_VLAN, vid(r))));
            case TRIPLE_TAG -> l.add(eth(hostA, hostB, tag(ETHERTYPE_QINQ, vid(r)), tag(ETHERTYPE_VLAN, vid(r)),
                    tag(ETHERTYPE_VLAN, vid(r))));
            case MPLS_IP -> {
                l.add(mpls(r, false, false));
                l.add(router(topo));
            }
            case VLAN_MPLS_IP -> {
                l.add(mpls(r, false, false));
                l.add(router(topo, tag(ETHERTYPE_VLAN, vid(r))));
            }
            case QINQ_MPLS_IP -> {
                l.add(mpls(r, false, false));
                l.add(router(topo, tag(ETHERTYPE_QINQ, vid(r)), tag(ETHERTYPE_VLAN, vid(r))));
            }
            case PW_CW, PW_NO_CW -> {
                l.add(r.chance(0.3) ? eth(hostA, hostB, tag(ETHERTYPE_VLAN, vid(r))) : eth(hostA, hostB));
                l.add(mpls(r, true, t == Template.PW_CW));
                l.add(router(topo));
            }
            case GRE_IP, GRE_IP_OVER_V6 -> {
                l.add(gre(r, topo, v6Outer, 0));
                l.add(router(topo));
            }
            case GRETAP -> {
                l.add(maybeTagged(r, hostA, hostB));
                l.add(gre(r, topo, false, 0));
                l.add(router(topo));
            }
            case ERSPAN_I, ERSPAN_II, ERSPAN_III -> {
                l.add(maybeTagged(r, hostA, hostB));
                Layer g = gre(r, topo, false, t.ordinal() - Template.ERSPAN_I.ordinal() + 1);
                l.add(g);
                Layer rt = router(topo);
                rt.fixedDirection = true;
                l.add(rt);
            }
            case VXLAN, VXLAN_V6 -> {
                l.add(eth(hostA, hostB));
                l.add(vxlan(r, topo, v6Outer));
                l.add(router(topo));
            }
            case VXLAN_INNER_VLAN -> {
                l.add(eth(hostA, hostB, tag(ETHERTYPE_VLAN, vid(r))));
                l.add(vxlan(r, topo, false));
                l.add(router(topo));
            }
            case VLAN_VXLAN -> {
                l.add(eth(hostA, hostB));
                l.add(vxlan(r, topo, false));
                l.add(router(topo, tag(ETHERTYPE_VLAN, vid(r))));
            }
            case GRE_VXLAN -> {
                l.add(eth(hostA, hostB));
                l.add(vxlan(r, topo, false));
                l.add(gre(r, topo, false, 0));
                l.add(router(topo));
            }
            case MPLS_OVER_GRE -> {
                l.add(mpls(r, false, false));
                l.add(gre(r, topo, false, 0));
                l.add(router(topo));
            }
            case VXLAN_GRETAP -> {
                l.add(eth(hostA, hostB));
                l.add(gre(r, topo, false, 0));
                l.add(router(topo));
                l.add(vxlan(r, topo, false));
                l.add(router(topo));
            }
            default -> throw new IllegalStateException(t.name());
        }
        return new EncapPlan(t, l.toArray(new Layer[0]));
    }

    private static int vid(SynthRandom r) {
        return VLAN_IDS[r.nextInt(VLAN_IDS.length)];
    }

    private static int tag(int tpid, int vid) {
        return (tpid << 16) | vid;
    }

    private static Layer eth(byte[] a, byte[] b, int... tags) {
        Layer e = new Layer(Layer.ETH);
        e.macA = a;
        e.macB = b;
        e.tags = tags;
        return e;
    }

    private static Layer maybeTagged(SynthRandom r, byte[] a, byte[] b) {
        int k = r.nextInt(10);
        if (k < 3) {
            return eth(a, b, tag(ETHERTYPE_VLAN, vid(r)));
        } else if (k == 3) {
            return eth(a, b, tag(ETHERTYPE_QINQ, vid(r)), tag(ETHERTYPE_VLAN, vid(r)));
        }
        return eth(a, b);
    }

    private static Layer router(Topology topo, int... tags) {
        byte[] a = topo.routerMac();
        byte[] b = topo.routerMac();
        return eth(a, b, tags);
    }

    private static Layer mpls(SynthRandom r, boolean pseudowire, boolean controlWord) {
        Layer m = new Layer(Layer.MPLS);
        int n = 1 + r.nextInt(3);
        m.labels = new int[n];
        for (int i = 0; i < n; i++) {
            m.labels[i] = 16 + r.nextInt((1 << 20) - 16);
        }
        m.controlWord = pseudowire && controlWord;
        return m;
    }

    private static Layer tunnelEnds(Layer t, SynthRandom r, Topology topo, boolean v6) {
        t.ipA = topo.tunnelEndpoint(v6);
        do {
            t.ipB = topo.tunnelEndpoint(v6);
        } while (t.ipB == t.ipA);
        t.ttl = r.chance(0.5) ? 64 : 255;
        t.ipId = r.nextInt(0x10000);
        return t;
    }

    private static Layer gre(SynthRandom r, Topology topo, boolean v6, int erspan) {
        Layer g = tunnelEnds(new Layer(Layer.GRE), r, topo, v6);
        g.erspan = erspan;
        g.seq = r.nextInt(1 << 20);
        if (erspan == 0) {
            int variant = r.nextInt(6);
            g.hasKey = variant == 1 || variant == 4 || variant == 5;
            g.hasSeq = variant == 2 || variant == 4 || variant == 5;
            g.checksum = variant == 3 || variant == 5;
            g.key = r.nextInt();
        } else {
            g.hasSeq = erspan != 1;
            g.session = r.nextInt(1024);
            g.erspanSubheader = erspan == 3 && r.chance(0.5);
        }
        return g;
    }

    private static Layer vxlan(SynthRandom r, Topology topo, boolean v6) {
        Layer v = tunnelEnds(new Layer(Layer.VXLAN), r, topo, v6);
        v.vni = 1 + r.nextInt((1 << 24) - 1);
        v.udpSourcePort = 49152 + r.nextInt(16384);
        return v;
    }
}
