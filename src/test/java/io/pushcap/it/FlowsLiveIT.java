package io.pushcap.it;

import io.pushcap.testsupport.Await;
import io.pushcap.testsupport.IpfixUdpCollector;
import io.pushcap.testsupport.PushcapCli;
import io.pushcap.testsupport.TapNet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11 item 7, a live meter as the flow-exporter seed's users run it: an interface inside a
 * network namespace metered from outside with {@code --netns} (the seed's {@code flowctl meter
 * attach --netns ns0 -n eth1}), and {@code flows status} of the running meter. Traffic is sent
 * inside the namespaces (nsA to nsB over a veth pair, random names), the flows are exported to a
 * UDP collector in the test and checked there record by record.
 */
class FlowsLiveIT {
    private static final int DATAGRAMS = 5;
    /** IANA ids: packetDeltaCount, sourceIPv4Address, destinationTransportPort, ingressInterface, protocolIdentifier. */
    private static final int PACKETS = 2;
    private static final int SRC4 = 8;
    private static final int DPORT = 11;
    private static final int INGRESS = 10;
    private static final int PROTO = 4;

    @TempDir
    Path dir;
    private TapNet net;
    private IpfixUdpCollector collector;
    private Process meter;
    private Path control;
    private Path log;
    private java.nio.channels.DatagramChannel sink;

    @BeforeEach
    void setUp() throws Exception {
        net = TapNet.create(1500);
        collector = new IpfixUdpCollector();
        control = dir.resolve("flows.sock");
        log = dir.resolve("meter.log");
        // A socket in nsB takes the datagrams, so nsB answers no port unreachable (which would make
        // the sender's next write fail and send nothing).
        sink = io.pushcap.internal.ffm.NetNs.call(net.nsB, () -> {
            try {
                return java.nio.channels.DatagramChannel.open()
                        .bind(new java.net.InetSocketAddress(TapNet.IP_B, 9999));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @AfterEach
    void tearDown() throws Exception {
        if (meter != null && meter.isAlive()) {
            meter.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        collector.close();
        if (sink != null) {
            sink.close();
        }
        net.close();
    }

    @Test
    void shouldMeterInterfaceInsideNamespaceWhenNetnsIsGiven() throws Exception {
        startMeter("--netns", net.nsB, "--interface", net.ifB);
        sendUdp();
        List<String> flows = awaitUdpFlow();
        int ifIndex = Integer.parseInt(TapNet.in(net.nsB, "cat", "/sys/class/net/" + net.ifB + "/ifindex").trim());
        assertThat(flows).anySatisfy(l -> assertThat(l).matches(ifIndex + " 17 " + TapNet.IP_A.replace(".", "\\.")
                + ":\\d+ " + TapNet.IP_B.replace(".", "\\.") + ":9999 " + DATAGRAMS + " \\d+"));

        stopMeter();
        collector.receiveUntil(() -> collector.records() >= flows.size(), Duration.ofMillis(300), Duration.ofSeconds(20));
        assertThat(collector.records()).as("records at the collector = flows the meter held").isEqualTo(flows.size());
        assertThat(collector.dataRecords()).anySatisfy(r -> {
            assertThat(r.get(SRC4)).isEqualTo(ipv4(TapNet.IP_A));
            assertThat(r.get(DPORT)).isEqualTo(9999L);
            assertThat(r.get(PROTO)).isEqualTo(17L);
            assertThat(r.get(PACKETS)).isEqualTo(DATAGRAMS);
            assertThat(r.get(INGRESS)).isEqualTo(ifIndex);
        });
        assertThat(Files.readString(log)).contains("in netns " + net.nsB);
    }

    @Test
    void shouldRefuseUnknownNamespaceWhenNetnsNamesNone() throws Exception {
        PushcapCli.Result r = PushcapCli.run(dir, "flows", "meter", "--netns", "pushcap-none-" + ProcessHandle.current().pid(),
                "--interface", "eth0", "--collector", "127.0.0.1:" + collector.port(), "--control", control.toString());
        assertThat(r.exit()).isNotZero();
        assertThat(r.all()).contains("no network namespace at /var/run/netns/pushcap-none-").doesNotContain("Exception");
    }

    @Test
    void shouldReportCacheFlowsExportedAndCollectorsWhenStatusIsAsked() throws Exception {
        startMeter("--netns", net.nsB, "--interface", net.ifB, "--max-flows", "4096");
        sendUdp();
        List<String> flows = awaitUdpFlow();

        Map<String, String> before = status();
        assertThat(before.get("cache size")).isEqualTo("4096");
        assertThat(before.get("flows")).isEqualTo(Integer.toString(flows.size()));
        assertThat(before.get("source")).contains(net.ifB).contains("in netns " + net.nsB);
        assertThat(before.get("packets")).matches("\\d+ metered, \\d+ not metered \\(not IP or malformed\\), 0 dropped by the capture");
        assertThat(Long.parseLong(before.get("packets").split(" ")[0])).isGreaterThanOrEqualTo(DATAGRAMS);
        assertThat(before.get("exported")).isEqualTo("0");
        assertThat(before.get("dropped")).isEqualTo("0");
        String label = "127.0.0.1:" + collector.port() + "/udp";
        assertThat(before.get(label)).isEqualTo("0 0 0 0");

        PushcapCli.run(dir, "flows", "flush", "--all", "--control", control.toString()).ok();
        collector.receiveUntil(() -> collector.records() >= flows.size(), Duration.ofMillis(300), Duration.ofSeconds(20));
        Map<String, String> after = status();
        assertThat(after.get("flows")).isEqualTo("0");
        assertThat(after.get("exported")).isEqualTo(Integer.toString(flows.size()));
        assertThat(after.get("dropped")).isEqualTo("0");
        assertThat(after.get(label)).as("messages records dropped errors")
                .isEqualTo(collector.messages() + " " + flows.size() + " 0 0");
        assertThat(collector.records()).isEqualTo(flows.size());

        String json = PushcapCli.run(dir, "flows", "status", "-o", "json", "--control", control.toString()).ok().stdout();
        assertThat(json).contains("\"cache_size\": 4096").contains("\"exported\": " + flows.size())
                .contains("\"collector\": \"" + label + "\"");
        stopMeter();
    }

    /** {@code flows status} through the launcher, as "key: value" lines and collector rows by label. */
    private Map<String, String> status() throws Exception {
        String out = PushcapCli.run(dir, "flows", "status", "--control", control.toString()).ok().stdout();
        Map<String, String> m = new java.util.HashMap<>();
        boolean table = false;
        for (String l : out.split("\n")) {
            if (l.startsWith("COLLECTOR ")) {
                assertThat(l).isEqualTo("COLLECTOR MESSAGES RECORDS DROPPED ERRORS");
                table = true;
            } else if (table) {
                int sp = l.indexOf(' ');
                m.put(l.substring(0, sp), l.substring(sp + 1));
            } else {
                int c = l.indexOf(": ");
                m.put(l.substring(0, c), l.substring(c + 2));
            }
        }
        return m;
    }

    private void startMeter(String... source) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(PushcapCli.launcher().toString(), "flows", "meter"));
        cmd.addAll(Arrays.asList(source));
        cmd.addAll(List.of("--collector", "127.0.0.1:" + collector.port(), "--control", control.toString(),
                "--idle-timeout", "600"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(log.toFile()).redirectErrorStream(true);
        pb.environment().putIfAbsent("PUSHCAP_NO_BUILD", "1");
        meter = pb.start();
        Await.until("the meter's control socket answers (log: " + log + ")", Duration.ofSeconds(60), () -> {
            if (!meter.isAlive()) {
                throw new AssertionError("flows meter exited " + meter.exitValue() + ":\n" + read(log));
            }
            return read(log).contains("control socket");
        });
    }

    /** Datagrams from nsA to nsB on one socket (one source port), so they make one flow. */
    private void sendUdp() throws Exception {
        TapNet.in(net.nsA, "bash", "-c", "exec 3>/dev/udp/" + TapNet.IP_B + "/9999; for i in $(seq " + DATAGRAMS
                + "); do printf x >&3; done");
    }

    /** Dumps the meter's cache through the launcher until the UDP flow holds every datagram. */
    private List<String> awaitUdpFlow() {
        List<List<String>> last = new ArrayList<>(List.of(List.of()));
        Await.until("the UDP flow in flows dump", Duration.ofSeconds(30), () -> {
            try {
                String out = PushcapCli.run(dir, "flows", "dump", "--control", control.toString()).ok().stdout();
                List<String> lines = out.lines().skip(1).toList();
                last.set(0, lines);
                return lines.stream().anyMatch(l -> l.contains(":9999 " + DATAGRAMS + " "));
            } catch (IOException | InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        return last.get(0);
    }

    private void stopMeter() throws InterruptedException {
        meter.destroy(); // SIGTERM: the meter ends every flow (forced end) and sends them
        assertThat(meter.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }

    private static long ipv4(String a) {
        long v = 0;
        for (String p : a.split("\\.")) {
            v = (v << 8) | Integer.parseInt(p);
        }
        return v;
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
