package io.pushcap.synth;

/**
 * The hosts, servers, routers and tunnel endpoints of the synthetic network, drawn once from
 * the seed. Popular servers are picked far more often than others (a power-law skew), as in
 * real traffic.
 *
 * <p><b>Note:</b> not thread-safe; arrays handed out are shared and must not be modified.
 */
final class Topology {
    /** First bytes of host MACs; none has first nibble 4 or 6, so pseudowires stay unambiguous. */
    private static final int[] HOST_OUI = {0x00, 0x3c, 0x52, 0xa4, 0xf8, 0x90, 0xb8, 0xd4, 0x18, 0x2c, 0x02, 0xe8};
    /** Host MAC prefixes safe for a pseudowire without control word (first nibble not 0, 1, 4 or 6). */
    private static final int[] PW_SAFE_OUI = {0x3c, 0x52, 0xa4, 0xf8, 0x90, 0xb8, 0xd4, 0x2c, 0xe8};

    final byte[][] serversV4;
    final byte[][] serversV6;
    final byte[][] dnsV4 = {Frames.ip("10.200.0.53"), Frames.ip("198.51.100.53")};
    final byte[][] dnsV6 = {Frames.ip("2001:db8:100::53")};
    final byte[][] tunnelV4;
    final byte[][] tunnelV6;
    final byte[][] routerMacs;
    final byte[][] groupsV4;
    final byte[][] groupsV6;
    private final SynthRandom r;

    Topology(SynthRandom r) {
        this.r = r;
        serversV4 = new byte[256][];
        for (int i = 0; i < serversV4.length; i++) {
            serversV4[i] = switch (i % 4) {
                case 0 -> v4(10, 200, i / 256, 1 + i % 250);
                case 1 -> v4(198, 51, 100, 1 + i / 4);
                case 2 -> v4(203, 0, 113, 1 + i / 4);
                default -> v4(93, 184, 216, 1 + i / 4);
            };
        }
        serversV6 = new byte[128][];
        for (int i = 0; i < serversV6.length; i++) {
            serversV6[i] = v6(0x2001, 0x0db8, 0x0100, 0, 0, 0, 0, 1 + i);
        }
        tunnelV4 = new byte[16][];
        tunnelV6 = new byte[16][];
        routerMacs = new byte[16][];
        for (int i = 0; i < 16; i++) {
            tunnelV4[i] = v4(192, 0, 2, 1 + i);
            tunnelV6[i] = v6(0x2001, 0x0db8, 0xffff, 0, 0, 0, 0, 1 + i);
            routerMacs[i] = new byte[]{0x00, 0x1c, 0x73, 0x00, 0x00, (byte) (1 + i)};
        }
        groupsV4 = new byte[16][];
        groupsV6 = new byte[16][];
        for (int i = 0; i < 16; i++) {
            groupsV4[i] = v4(239, 1, 1 + i / 8, 1 + i);
            groupsV6[i] = v6(0xff05, 0, 0, 0, 0, 0, 1, 0x1000 + i);
        }
    }

    static byte[] v4(int a, int b, int c, int d) {
        return new byte[]{(byte) a, (byte) b, (byte) c, (byte) d};
    }

    static byte[] v6(int... words) {
        byte[] out = new byte[16];
        for (int i = 0; i < 8; i++) {
            out[2 * i] = (byte) (words[i] >>> 8);
            out[2 * i + 1] = (byte) words[i];
        }
        return out;
    }

    /** Index in [0, n) with a power-law skew towards 0. */
    int skewed(int n) {
        double u = r.nextDouble();
        return Math.min(n - 1, (int) (n * u * u * u));
    }

    byte[] clientV4() {
        int k = r.nextInt(100);
        if (k < 70) {
            return v4(10, r.nextInt(16), r.nextInt(256), 1 + r.nextInt(254));
        } else if (k < 85) {
            return v4(172, 16 + r.nextInt(16), r.nextInt(256), 1 + r.nextInt(254));
        }
        return v4(192, 168, r.nextInt(256), 1 + r.nextInt(254));
    }

    byte[] clientV6() {
        return v6(0x2001, 0x0db8, 1, r.nextInt(0x10000), r.nextInt(0x10000), r.nextInt(0x10000),
                r.nextInt(0x10000), r.nextInt(0x10000));
    }

    byte[] server(boolean v6) {
        return v6 ? serversV6[skewed(serversV6.length)] : serversV4[skewed(serversV4.length)];
    }

    byte[] hostMac(boolean pwSafe) {
        int[] ouis = pwSafe ? PW_SAFE_OUI : HOST_OUI;
        byte[] m = new byte[6];
        r.fill(m, 1, 5);
        m[0] = (byte) ouis[r.nextInt(ouis.length)];
        return m;
    }

    byte[] routerMac() {
        return routerMacs[r.nextInt(routerMacs.length)];
    }

    byte[] tunnelEndpoint(boolean v6) {
        return v6 ? tunnelV6[r.nextInt(16)] : tunnelV4[r.nextInt(16)];
    }

    byte[] group(boolean v6) {
        return v6 ? groupsV6[skewed(16)] : groupsV4[skewed(16)];
    }

    /** The Ethernet multicast MAC of an IPv4 (01:00:5e + 23 bits) or IPv6 (33:33 + 32 bits) group. */
    static byte[] multicastMac(byte[] group) {
        if (group.length == 4) {
            return new byte[]{0x01, 0x00, 0x5e, (byte) (group[1] & 0x7f), group[2], group[3]};
        }
        return new byte[]{0x33, 0x33, group[12], group[13], group[14], group[15]};
    }
}
