package io.pushcap.flow;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real nfdump collector for tests: {@code nfcapd} on 127.0.0.1 writing into a temp directory
 * with a 32 MiB socket buffer, and {@code nfdump -o json} to read back what it stored.
 */
public final class Nfcapd implements AutoCloseable {
    private static final Pattern FIELD = Pattern.compile("^\\s*\"(\\w+)\" : \"?(.*?)\"?,?$");
    private final Process process;
    private final Path dir;
    private final Path log;
    private final int port;

    private Nfcapd(Process process, Path dir, Path log, int port) {
        this.process = process;
        this.dir = dir;
        this.log = log;
        this.port = port;
    }

    /** Starts nfcapd and waits until it listens; fails with the reason when it cannot. */
    public static Nfcapd start(Path dir) throws IOException, InterruptedException {
        Tools.require("nfcapd", "nfdump");
        Tools.require("nfdump", "nfdump");
        raiseReceiveBufferLimit();
        Path data = Files.createDirectories(dir.resolve("nfcapd"));
        Path log = dir.resolve("nfcapd.log");
        int port;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Process p = new ProcessBuilder("nfcapd", "-b", "127.0.0.1", "-p", String.valueOf(port), "-w", data.toString(),
                "-B", "33554432", "-t", "3600").redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Nfcapd n = new Nfcapd(p, data, log, port);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!Files.readString(log).contains("Startup nfcapd")) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new AssertionError("nfcapd did not start: " + Files.readString(log));
            }
            Thread.sleep(5);
        }
        return n;
    }

    /** nfcapd -B needs net.core.rmem_max at least as large, or the kernel silently caps the buffer. */
    private static void raiseReceiveBufferLimit() throws IOException, InterruptedException {
        Path rmem = Path.of("/proc/sys/net/core/rmem_max");
        if (Long.parseLong(Files.readString(rmem).trim()) < 33_554_432L) {
            Process p = new ProcessBuilder("sysctl", "-w", "net.core.rmem_max=33554432").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new AssertionError("cannot raise net.core.rmem_max for nfcapd -B (run the tests as root): " + out);
            }
        }
    }

    public int port() {
        return port;
    }

    /** Waits until nfcapd has read every datagram queued on its socket (/proc/net/udp rx_queue = 0). */
    public void awaitDrained() throws IOException, InterruptedException {
        String local = String.format("0100007F:%04X", port);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            boolean empty = true;
            for (String l : Files.readAllLines(Path.of("/proc/net/udp"))) {
                String[] w = l.trim().split("\\s+");
                if (w.length > 4 && w[1].equals(local)) {
                    empty = Long.parseLong(w[4].split(":")[1], 16) == 0;
                }
            }
            if (empty) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("nfcapd did not drain its socket");
            }
            Thread.sleep(5);
        }
    }

    /** Stops nfcapd (SIGTERM: it closes its file) and returns nfdump's records, one map per flow. */
    public List<Map<String, String>> stopAndRead() throws IOException, InterruptedException {
        awaitDrained();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("nfcapd did not stop on SIGTERM");
        }
        Process p = new ProcessBuilder("nfdump", "-R", dir.toString(), "-o", "json").redirectErrorStream(false).start();
        String json = new String(p.getInputStream().readAllBytes());
        String err = new String(p.getErrorStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new AssertionError("nfdump failed: " + err);
        }
        List<Map<String, String>> records = new ArrayList<>();
        Map<String, String> cur = null;
        for (String line : json.split("\n")) {
            if (line.trim().startsWith("{")) {
                cur = new HashMap<>();
            } else if (line.trim().startsWith("}")) {
                records.add(cur);
                cur = null;
            } else if (cur != null) {
                Matcher m = FIELD.matcher(line);
                if (m.matches()) {
                    cur.put(m.group(1), m.group(2));
                }
            }
        }
        return records;
    }

    /** nfcapd's own log, including its per-exporter "Sequence Errors" and "Bad Packets" counts. */
    public String log() throws IOException {
        return Files.readString(log);
    }

    /** The key nfdump gives a record, in {@link TrafficScript}'s form. */
    public static String key(Map<String, String> r) {
        String src = r.containsKey("src4_addr") ? r.get("src4_addr") : r.get("src6_addr");
        String dst = r.containsKey("dst4_addr") ? r.get("dst4_addr") : r.get("dst6_addr");
        String proto = r.get("proto");
        boolean icmp = r.containsKey("icmp_type");
        String sport = icmp ? r.get("icmp_type") : r.get("src_port");
        String dport = icmp ? r.get("icmp_code") : r.get("dst_port");
        return proto + " " + canonical(src) + " " + sport + " " + canonical(dst) + " " + dport + " "
                + r.getOrDefault("src_vlan", "0");
    }

    private static String canonical(String addr) {
        return addr.indexOf(':') < 0 ? addr : FlowAddress.parse(addr, "nfdump").toString();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
