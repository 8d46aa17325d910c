package io.pushcap.testsupport;

import io.pushcap.capture.JavaProcess;
import io.pushcap.capture.VethPair;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Two network namespaces joined by a veth pair with addresses, for tunnel tests: {@link #IP_A} on
 * {@code ifA} in {@code nsA} (where tx runs), {@link #IP_B} on {@code ifB} in {@code nsB} (where
 * the receiver runs). Neighbours are permanent entries, so the first packets of a burst never
 * wait for (or get dropped behind) ARP. IPv6 is off and offloads are off (see {@link VethPair}).
 *
 * <p><b>Note:</b> unique names per instance; {@link #close()} deletes both namespaces, a shutdown
 * hook does so if the test dies first. Needs root: fails with a clear message otherwise.
 */
public final class TapNet implements AutoCloseable {
    public static final String IP_A = "10.99.0.1";
    public static final String IP_B = "10.99.0.2";

    public final VethPair veth;
    public final String nsA;
    public final String nsB;
    public final String ifA;
    public final String ifB;

    private TapNet(VethPair veth) {
        this.veth = veth;
        this.nsA = veth.nsA;
        this.nsB = veth.nsB;
        this.ifA = veth.vethA;
        this.ifB = veth.vethB;
    }

    /** A pair with addresses and MTU {@code mtu} on both ends. */
    public static TapNet create(int mtu) throws IOException, InterruptedException {
        VethPair v = VethPair.create();
        TapNet n = new TapNet(v);
        try {
            n.setUp(mtu);
        } catch (IOException | InterruptedException | RuntimeException e) {
            v.close();
            throw e;
        }
        return n;
    }

    private void setUp(int mtu) throws IOException, InterruptedException {
        VethPair.in(nsA, "ip", "link", "set", ifA, "mtu", Integer.toString(mtu));
        VethPair.in(nsB, "ip", "link", "set", ifB, "mtu", Integer.toString(mtu));
        VethPair.in(nsA, "ip", "addr", "add", IP_A + "/24", "dev", ifA);
        VethPair.in(nsB, "ip", "addr", "add", IP_B + "/24", "dev", ifB);
        VethPair.in(nsA, "ip", "neigh", "replace", IP_B, "lladdr", mac(nsB, ifB), "dev", ifA, "nud", "permanent");
        VethPair.in(nsB, "ip", "neigh", "replace", IP_A, "lladdr", mac(nsA, ifA), "dev", ifB, "nud", "permanent");
        VethPair.in(nsA, "ip", "link", "set", "lo", "up");
        VethPair.in(nsB, "ip", "link", "set", "lo", "up");
    }

    private static String mac(String ns, String iface) throws IOException, InterruptedException {
        return VethPair.in(ns, "cat", "/sys/class/net/" + iface + "/address").trim();
    }

    /** Runs a command in a namespace; fails with its output when it fails. */
    public static String in(String ns, String... cmd) throws IOException, InterruptedException {
        return VethPair.in(ns, cmd);
    }

    /** Starts {@code pushcap args} in namespace {@code ns}, stderr to {@code log}. */
    public static Process pushcap(String ns, Path log, String... args) throws IOException {
        return JavaProcess.pushcap(VethPair.prefix(ns), null, log, args);
    }

    public static List<String> prefix(String ns) {
        return VethPair.prefix(ns);
    }

    @Override
    public void close() {
        veth.close();
    }
}
