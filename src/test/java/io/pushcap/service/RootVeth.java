package io.pushcap.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A veth pair whose capture end stays in this (root) network namespace, where a service started
 * by the test listens on 127.0.0.1, and whose sending end is in a namespace of its own for
 * tcpreplay. IPv6 is off on both ends and no address is set, so the kernel sends nothing of its
 * own; offloads are off so frames arrive as sent.
 *
 * <p><b>Note:</b> names are unique per instance; {@link #close()} deletes the namespace (which
 * deletes the pair), and a shutdown hook does it if the test JVM dies first. Needs root.
 */
final class RootVeth implements AutoCloseable {
    final String ns;
    final String capture;
    final String peer;
    private final Thread cleanup;

    private RootVeth(String id) {
        this.ns = "pushcap-s" + id;
        this.capture = "ps" + id;
        this.peer = "pp" + id;
        this.cleanup = new Thread(this::deleteQuietly, "veth-cleanup-" + id);
    }

    static RootVeth create() throws IOException, InterruptedException {
        if (!"0".equals(run(List.of("id", "-u")).strip())) {
            throw new IllegalStateException("this test needs root (network namespaces, veth, ramfs); CI runs it as root");
        }
        RootVeth v = new RootVeth(String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24)));
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
        run(List.of("ip", "netns", "add", ns));
        run(List.of("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
                "net.ipv6.conf.default.disable_ipv6=1"));
        run(List.of("ip", "link", "add", capture, "type", "veth", "peer", "name", peer));
        run(List.of("ip", "link", "set", peer, "netns", ns));
        run(List.of("sysctl", "-qw", "net.ipv6.conf." + capture + ".disable_ipv6=1"));
        for (List<String> prefix : List.of(List.<String>of(), List.of("ip", "netns", "exec", ns))) {
            String dev = prefix.isEmpty() ? capture : peer;
            List<String> off = new ArrayList<>(prefix);
            off.addAll(List.of("ethtool", "-K", dev, "tso", "off", "gso", "off", "gro", "off", "tx", "off", "rx", "off",
                    "rxvlan", "off", "txvlan", "off"));
            run(off);
            List<String> up = new ArrayList<>(prefix);
            up.addAll(List.of("ip", "link", "set", dev, "up"));
            run(up);
        }
    }

    void link(String state) throws IOException, InterruptedException {
        run(List.of("ip", "link", "set", "dev", capture, state));
    }

    /** Replays {@code pcap} into the peer at {@code pps} packets per second; returns tcpreplay's summary. */
    String replay(java.nio.file.Path pcap, int pps) throws IOException, InterruptedException {
        return run(List.of("ip", "netns", "exec", ns, "tcpreplay", "-q", "-i", peer, "--pps", Integer.toString(pps),
                pcap.toString()));
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
        for (List<String> cmd : List.of(List.of("ip", "netns", "del", ns), List.of("ip", "link", "del", capture))) {
            try {
                new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                        .waitFor(30, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                // best effort: the names are unique and harmless if left
            }
        }
    }

    @Override
    public void close() {
        deleteQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // shutting down: the hook runs
        }
    }
}
