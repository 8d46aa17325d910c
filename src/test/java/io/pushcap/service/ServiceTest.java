package io.pushcap.service;

import io.pushcap.PushcapException;
import io.pushcap.config.ConfigException;
import io.pushcap.config.ServiceConfig;
import io.pushcap.config.ServiceConfigLoader;
import io.pushcap.metrics.MetricsRegistry;
import io.pushcap.ring.RingFile;
import io.pushcap.testsupport.Await;
import io.pushcap.ring.RingStorage;
import io.pushcap.testsupport.ServiceFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The service in this JVM with shell loaders: /, /status and /metrics (the children's counters
 * included), SIGHUP reloads that refuse a bad config and apply a good one by difference, and the
 * checks that happen before anything starts (port in use, a ring of another size).
 */
class ServiceTest {
    private static final Path HOME = Path.of(System.getProperty("pushcap.home", ".")).toAbsolutePath();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;
    ServiceFiles files;
    Service service;

    @BeforeEach
    void setUp() {
        files = new ServiceFiles(dir);
    }

    @AfterEach
    void tearDown() {
        if (service != null) {
            service.stop();
        }
    }

    /** A loader that reports like a push (metrics and targets in $PUSHCAP_STATUS_DIR), records its pid, and waits. */
    private void reportingLoader(String name, String marker) throws IOException {
        files.loader(name, "# " + marker + "\nmkdir -p \"$PUSHCAP_STATUS_DIR\"\n"
                + "printf '# HELP pushcap_target_packets_published_total Packets\\n# TYPE pushcap_target_packets_published_total"
                + " counter\\npushcap_target_packets_published_total{target=\"t-" + name + "\"} 42\\n' > \"$PUSHCAP_STATUS_DIR/metrics.prom\"\n"
                + "printf 'pid=%s\\nupdated_ms=1\\ntargets=1\\ntarget.0.desc=t-" + name + "\\ntarget.0.state=RUNNING\\n"
                + "target.0.files=3\\ntarget.0.last_file=out/x.pcap\\n' $$ > \"$PUSHCAP_STATUS_DIR/targets.properties\"\n"
                + "echo $$ > " + dir.resolve(name + ".pid") + "\nexec sleep 1000");
    }

    private static String schedule(String name) {
        return "table.insert(Service.Schedule, { Name = \"" + name + "\", Loader = \"" + name + "\", Window = \"always\" })\n";
    }

    private Path config(String body) throws IOException {
        return files.service("svc.lua", "Service.Ring = {}\ntable.insert(Service.Ring, { Name = \"r\", Size = \"2m\" })\n"
                + "Service.Schedule = {}\n" + body);
    }

    private Service start(Path config) {
        ServiceConfig c = new ServiceConfigLoader(HOME).load(config);
        service = Service.prepare(config, HOME, c, new MetricsRegistry());
        service.start();
        return service;
    }

    private String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + service.httpAddress() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }

    private String pid(String name) {
        try {
            Path p = dir.resolve(name + ".pid");
            return Files.exists(p) ? Files.readString(p).strip() : "";
        } catch (IOException e) {
            return "";
        }
    }

    private Map<String, Object> pids() {
        return service.loaders().stream().collect(Collectors.toMap(LoaderComponent::name,
                l -> String.valueOf(l.status().get("pid")), (a, b) -> a, java.util.TreeMap::new));
    }

    @Test
    void shouldServeThePageStatusAndMetricsWithTheChildrensCountersWhenRunning() throws Exception {
        reportingLoader("a", "v1");
        start(config(schedule("a")));
        Await.until("the loader reported", Duration.ofSeconds(10), () -> !pid("a").isEmpty()
                && service.loaders().getFirst().report() != null);
        Await.until("the ring sampled", Duration.ofSeconds(10), () -> service.ringRates().containsKey("r"));
        String status = get("/status");
        assertThat(status).startsWith("200 {\"service\":{\"pid\":" + ProcessHandle.current().pid())
                .contains("\"rings\":[{\"name\":\"r\",\"path\":\"" + dir.resolve("ram/r") + "\",\"readable\":true")
                .contains("\"name\":\"a\",\"state\":\"running\"").contains("\"phase\":\"running\"")
                .contains("\"pid\":" + pid("a"))
                .contains("{\"schedule\":\"a\",\"desc\":\"t-a\",\"state\":\"running\",\"files\":3")
                .contains("\"last_file\":\"out/x.pcap\"");
        String metrics = get("/metrics");
        assertThat(metrics).startsWith("200 # HELP ")
                .contains("\npushcap_target_packets_published_total{schedule=\"a\",target=\"t-a\"} 42.0\n")
                .contains("\npushcap_ring_packets_total{ring=\"r\"} 0.0\n")
                .contains("\npushcap_schedule_running{schedule=\"a\"} 1.0\n")
                .contains("\npushcap_service_task_up{kind=\"schedule\",name=\"a\"} 1.0\n");
        assertThat(get("/")).startsWith("200 <!DOCTYPE html>").contains("fetch(\"/status\"").doesNotContain("http://")
                .doesNotContain("https://");
        assertThat(get("/nope")).startsWith("404 ");
    }

    @Test
    void shouldRefuseABadConfigOnReloadAndKeepRunningTheOldOne() throws Exception {
        reportingLoader("a", "v1");
        Path config = config(schedule("a"));
        start(config);
        Await.until("a runs", Duration.ofSeconds(10), () -> !pid("a").isEmpty());
        String before = pid("a");
        Files.writeString(config, Files.readString(config).replace("Window = \"always\"", "Window = { Start = \"0 6 * * *\" }"));
        String refused = service.reload();
        assertThat(refused).contains("schedule 'a': Window: Start: '0 6 * * *' has 5 fields")
                .contains("schedule 'a': Window: Stop: nil");
        assertThat(service.reloadsRefused()).isEqualTo(1);
        assertThat(service.lastReloadError()).isEqualTo(refused);
        assertThat(pids()).isEqualTo(Map.of("a", before));
        assertThat(get("/status")).contains("\"reloads_refused\":1").contains("\"pid\":" + before);
    }

    @Test
    void shouldApplyOnlyTheDifferenceWhenAGoodConfigIsReloaded() throws Exception {
        for (String n : new String[] {"keep", "edit", "drop"}) {
            reportingLoader(n, "v1");
        }
        Path config = config(schedule("keep") + schedule("edit") + schedule("drop"));
        start(config);
        Await.until("three loaders run", Duration.ofSeconds(10), () -> !pid("keep").isEmpty() && !pid("edit").isEmpty()
                && !pid("drop").isEmpty());
        String keep = pid("keep");
        String edit = pid("edit");
        reportingLoader("edit", "v2");
        reportingLoader("new", "v1");
        Files.writeString(config, Files.readString(config).replace(schedule("drop"), schedule("new")));
        assertThat(service.reload()).isNull();
        Await.until("the new loader and the edited one run", Duration.ofSeconds(10),
                () -> !pid("new").isEmpty() && !pid("edit").equals(edit));
        Map<String, Object> now = pids();
        assertThat(now.keySet()).containsExactly("edit", "keep", "new");
        assertThat(now.get("keep")).as("unchanged: not restarted").isEqualTo(keep);
        assertThat(now.get("edit")).as("its loader changed on disk: restarted").isEqualTo(pid("edit")).isNotEqualTo(edit);
        assertThat(service.reloadsApplied()).isEqualTo(1);
        assertThat(Files.readString(dir.resolve("logs/serve.log"))).contains("reload applied: 2 stopped, 2 started, 1 unchanged");
    }

    @Test
    void shouldMeterTheRingAndExportIpfixWhenAFlowExportIsConfigured() throws Exception {
        try (java.net.DatagramSocket collector = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            collector.setSoTimeout(10_000);
            Path sock = dir.resolve("flows.sock");
            start(config("Service.FlowExport = {}\ntable.insert(Service.FlowExport, { Name = \"f\", Ring = \"r\","
                    + " Collector = \"127.0.0.1:" + collector.getLocalPort() + "\", Control = \"" + sock + "\" })\n"));
            try (RingFile ring = RingFile.open(dir.resolve("ram/r"))) {
                Await.until("the meter reads the ring", Duration.ofSeconds(10), () -> ring.info().readers().stream()
                        .anyMatch(r -> r.name().equals("flows:f") && r.alive()));
                try (io.pushcap.ring.RingWriter w = ring.writer("test")) {
                    w.declare(1, 262_144);
                    long now = System.currentTimeMillis() * 1_000_000L;
                    for (int i = 0; i < 10; i++) {
                        byte[] f = io.pushcap.testing.Frames.udp(0x0a000001, 0x0a000002, 1000, 53, 64, i);
                        w.write(new io.pushcap.pcap.Packet().set(java.lang.foreign.MemorySegment.ofArray(f), 0, f.length,
                                f.length, now + i, 1, 0));
                    }
                }
            }
            java.io.StringWriter out = new java.io.StringWriter();
            picocli.CommandLine cl = io.pushcap.cli.Main.commandLine();
            cl.setOut(new java.io.PrintWriter(out, true));
            Await.until("flows dump shows the flow", Duration.ofSeconds(10), () -> {
                out.getBuffer().setLength(0);
                return cl.execute("flows", "dump", "--control", sock.toString()) == 0
                        && out.toString().contains("10.0.0.1:1000") && out.toString().contains(" 10 ");
            });
            service.stop();
            service = null;
            byte[] buf = new byte[65_535];
            java.net.DatagramPacket d = new java.net.DatagramPacket(buf, buf.length);
            collector.receive(d);
            assertThat(java.nio.ByteBuffer.wrap(buf, 0, d.getLength()).getShort(0)).as("IPFIX version").isEqualTo((short) 10);
        }
    }

    @Test
    void shouldCarryARingThroughAVxlanTunnelWhenATransmitAndATunnelAreConfigured() throws Exception {
        int port;
        try (java.net.DatagramSocket free = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        start(files.service("svc.lua", "Service.Ring = {}\n"
                + "table.insert(Service.Ring, { Name = \"src\", Size = \"2m\" })\n"
                + "table.insert(Service.Ring, { Name = \"dst\", Size = \"2m\" })\n"
                + "Service.Tunnel = {}\ntable.insert(Service.Tunnel, { Name = \"vx\", Encap = \"vxlan:127.0.0.1:" + port
                + "\", Key = 42, Ring = \"dst\" })\n"
                + "Service.Transmit = {}\ntable.insert(Service.Transmit, { Name = \"out\", Ring = \"src\", Encap = \"vxlan:127.0.0.1:"
                + port + "\", Key = 42 })\n"));
        try (RingFile src = RingFile.open(dir.resolve("ram/src")); RingFile dst = RingFile.open(dir.resolve("ram/dst"))) {
            // The tunnel declares dst's link type only once its socket is bound; the writer slot is
            // taken before that, and a datagram sent to an unbound port is gone.
            Await.until("the transmitter reads src and the tunnel's socket is bound", Duration.ofSeconds(10),
                    () -> src.info().readers().stream().anyMatch(r -> r.name().equals("tx:out") && r.alive())
                            && dst.info().writerAlive() && dst.info().linkType() == 1);
            try (io.pushcap.ring.RingWriter w = src.writer("test")) {
                w.declare(1, 262_144);
                long now = System.currentTimeMillis() * 1_000_000L;
                for (int i = 0; i < 20; i++) {
                    byte[] f = io.pushcap.testing.Frames.udp(0x0a000001, 0x0a000002, 1000, 2000 + i, 64, i);
                    w.write(new io.pushcap.pcap.Packet().set(java.lang.foreign.MemorySegment.ofArray(f), 0, f.length,
                            f.length, now + i, 1, 0));
                }
            }
            Await.until("20 packets came back through the tunnel", Duration.ofSeconds(30), () -> dst.info().packets() == 20);
        }
        assertThat(get("/status")).contains("\"kind\":\"tunnel\",\"name\":\"vx\",\"state\":\"running\"")
                .contains("\"kind\":\"transmit\",\"name\":\"out\",\"state\":\"running\"").contains("\"sent\":20");
    }

    @Test
    void shouldFallBackAndSayWhyRamfsMattersWhenItCannotBeMounted() throws Exception {
        Path config = files.service("svc.lua", "Service.RingDir = \"/proc/pushcap-nope/ram\"\nService.RingMount = \"ramfs\"\n");
        ServiceConfig c = new ServiceConfigLoader(HOME).load(config);
        boolean shmBefore = Files.exists(Path.of("/dev/shm/pushcap"));
        RingDirectory d = RingDirectory.prepare(c, new ServiceLog(dir.resolve("logs")));
        if (!shmBefore && d.dir().equals(Path.of("/dev/shm/pushcap"))) {
            Files.deleteIfExists(d.dir());
        }
        assertThat(d.dir()).isNotEqualTo(Path.of("/proc/pushcap-nope/ram"));
        assertThat(d.note()).startsWith("cannot mount ramfs at /proc/pushcap-nope/ram (cannot create")
                .contains("Rings belong in RAM, best on tmpfs with huge pages")
                .endsWith("mount it once: mount -t ramfs ramfs /proc/pushcap-nope/ram");
        assertThat(Files.readString(dir.resolve("logs/serve.log"))).contains("WARN  rings: cannot mount ramfs");
    }

    @Test
    void shouldMountATmpfsWithHugePagesByDefaultAndLeaveItForTheNextStart() throws Exception {
        Path ringDir = dir.resolve("ram");
        // nil: the test helper's RingMount = "none" is taken back, so the default applies.
        Path config = files.service("svc.lua", "Service.RingDir = \"" + ringDir + "\"\nService.RingMount = nil\n");
        ServiceConfig c = new ServiceConfigLoader(HOME).load(config);
        assertThat(c.ringMount()).isEqualTo("tmpfs");
        try {
            RingDirectory d = RingDirectory.prepare(c, new ServiceLog(dir.resolve("logs")));
            assertThat(d.note()).as("mounting needs root (CI runs as root)").isNull();
            assertThat(d.dir()).isEqualTo(ringDir);
            RingStorage s = RingStorage.of(ringDir);
            assertThat(s.mountPoint()).isEqualTo(ringDir.toString());
            assertThat(s.hugePages()).as(s.options()).isTrue();
            Files.writeString(ringDir.resolve("kept"), "a ring would be here");
            // The next start finds it mounted and mounts nothing over it.
            RingDirectory again = RingDirectory.prepare(c, new ServiceLog(dir.resolve("logs")));
            assertThat(again.note()).isNull();
            assertThat(Files.readString(ringDir.resolve("kept"))).isEqualTo("a ring would be here");
            assertThat(Files.readAllLines(Path.of("/proc/mounts")).stream()
                    .filter(l -> l.split(" ")[1].equals(ringDir.toString())).count()).isEqualTo(1);
        } finally {
            while (RingStorage.of(ringDir).mountPoint().equals(ringDir.toString())) {
                new ProcessBuilder("umount", ringDir.toString()).inheritIO().start().waitFor();
            }
        }
    }

    @Test
    void shouldRefuseToPrepareWhenTheHttpPortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Path config = files.service("svc.lua", "127.0.0.1:" + taken.getLocalPort(), "");
            ServiceConfig c = new ServiceConfigLoader(HOME).load(config);
            assertThatThrownBy(() -> Service.prepare(config, HOME, c, new MetricsRegistry()))
                    .isInstanceOf(PushcapException.class)
                    .hasMessage("Http '127.0.0.1:" + taken.getLocalPort() + "': address already in use (another pushcap"
                            + " serve? see: ss -ltnp 'sport = :" + taken.getLocalPort() + "'); stop it, or set Service.Http"
                            + " to a free port");
        }
    }

    @Test
    void shouldRefuseAnExistingRingOfAnotherSizeBeforeStarting() throws Exception {
        Files.createDirectories(dir.resolve("ram"));
        RingFile.create(dir.resolve("ram/r"), new RingFile.CreateOptions(1L << 20, false)).close();
        Path config = config("");
        ServiceConfig c = new ServiceConfigLoader(HOME).load(config);
        assertThatThrownBy(() -> Service.prepare(config, HOME, c, new MetricsRegistry()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("ring 'r': Size: 2.0 MiB, but " + dir.resolve("ram/r") + " exists with 1.0 MiB")
                .hasMessageContaining("delete it first (pushcap ring delete " + dir.resolve("ram/r") + ")");
        Function<Path, Boolean> exists = Files::exists;
        assertThat(exists.apply(dir.resolve("var/run/pushcap"))).as("nothing was prepared for children").isFalse();
    }
}
