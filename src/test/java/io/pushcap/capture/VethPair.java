package io.pushcap.capture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Two network namespaces joined by a veth pair, for capture tests: {@code vethA} in {@code nsA}
 * (where tcpreplay sends), {@code vethB} in {@code nsB} (where rx captures). IPv6 is disabled in
 * both so the kernel sends nothing of its own (no router solicitations, no DAD), offloads are off
 * so frames arrive as sent, and no addresses are assigned (no ARP).
 *
 * <p><b>Note:</b> names are unique per instance. {@link #close()} deletes both namespaces (and with
 * them the veth pair); a JVM shutdown hook does the same if a test dies before closing. Needs
 * root (CAP_NET_ADMIN): {@link #create()} fails with a clear message otherwise.
 */
public final class VethPair implements AutoCloseable {
    public final String nsA;
    public final String nsB;
    public final String vethA;
    public final String vethB;
    private final Thread cleanup;

    private VethPair(String id) {
        this.nsA = "pushcap-t" + id + "-a";
        this.nsB = "pushcap-t" + id + "-b";
        this.vethA = "pa" + id;
        this.vethB = "pb" + id;
        this.cleanup = new Thread(this::deleteQuietly, "veth-cleanup-" + id);
    }

    public static VethPair create() throws IOException, InterruptedException {
        if (!"0".equals(run(List.of("id", "-u")).trim())) {
            throw new IllegalStateException("network namespace tests need root (CAP_NET_ADMIN); CI runs them as root");
        }
        VethPair v = new VethPair(String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24)));
        Runtime.getRuntime().addShutdownHook(v.cleanup);
        try {
            v.setUp();
        } catch (IOException | InterruptedException | RuntimeException e) {
            v.close();
            throw e;
        }
        return v;
    }

    private void setUp() throws IOException, InterruptedException {
        for (String ns : List.of(nsA, nsB)) {
            run(List.of("ip", "netns", "add", ns));
            in(ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
        }
        run(List.of("ip", "link", "add", vethA, "type", "veth", "peer", "name", vethB));
        run(List.of("ip", "link", "set", vethA, "netns", nsA));
        run(List.of("ip", "link", "set", vethB, "netns", nsB));
        for (String[] nv : new String[][] {{nsA, vethA}, {nsB, vethB}}) {
            in(nv[0], "ethtool", "-K", nv[1], "tso", "off", "gso", "off", "gro", "off", "tx", "off", "rx", "off",
                    "rxvlan", "off", "txvlan", "off");
            in(nv[0], "ip", "link", "set", nv[1], "up");
        }
    }

    /** Runs a command inside a namespace; fails with its output when it fails. */
    public static String in(String ns, String... cmd) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(cmd));
        return run(c);
    }

    public static List<String> prefix(String ns) {
        return List.of("ip", "netns", "exec", ns);
    }

    static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + ": timed out");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + ": exit " + p.exitValue() + ": " + out);
        }
        return out;
    }

    private void deleteQuietly() {
        for (String ns : List.of(nsA, nsB)) {
            try {
                new ProcessBuilder("ip", "netns", "del", ns).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                // best effort: the namespace name is unique and harmless if left
            }
        }
    }

    @Override
    public void close() {
        deleteQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // already shutting down; the hook runs
        }
    }
}
