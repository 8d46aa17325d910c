package io.pushcap.service;

import io.pushcap.cli.Main;
import io.pushcap.testsupport.MiniJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@code pushcap serve} end to end, in its own JVM: it captures a veth (peer in another network
 * namespace, where tcpreplay replays generated traffic) into a ramfs ring it mounts, and runs two
 * loaders with windows of a few seconds (Quartz crons with seconds): the shipped
 * {@code analytics/push_pcap} with the schedule's push config, and a user-added loader in the
 * seed's style. The interface goes down and up and capture resumes, the gap counted; SIGTERM
 * publishes the split in progress and exits 0; a second service resumes from the saved cursors;
 * finally every output holds each replayed packet exactly once, as tcpdump reads them. The status
 * page is checked in headless Chromium against /status, and a screenshot is saved in target/.
 */
class ServeEndToEndTest {
    private static final Path HOME = Path.of(System.getProperty("pushcap.home", ".")).toAbsolutePath();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final int PACKETS = 800;

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path dir;
    RootVeth veth;
    Process serve;
    int port;

    @AfterEach
    void cleanUp() throws Exception {
        if (serve != null && serve.isAlive()) {
            serve.descendants().forEach(ProcessHandle::destroyForcibly);
            serve.destroyForcibly();
            serve.waitFor(10, TimeUnit.SECONDS);
        }
        if (veth != null) {
            veth.close();
        }
        if (Files.isDirectory(dir.resolve("ram"))) {
            new ProcessBuilder("umount", "-l", dir.resolve("ram").toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldCaptureAndPushEveryPacketExactlyOnceWhenTheNicFlapsAndTheServiceRestarts() throws Exception {
        veth = RootVeth.create();
        List<Path> batches = List.of(gen(1), gen(2), gen(3));
        writeConfigs();

        start();
        awaitStatus("the capture writes the ring", 30, s -> Boolean.TRUE.equals(path(s, "rings", 0, "writer", "alive")));
        replay(batches.get(0));
        awaitStatus("batch 1 in the ring", 45, s -> ringPackets(s) == PACKETS);

        veth.link("down");
        awaitStatus("the capture noticed the link went down", 60,
                s -> Boolean.FALSE.equals(path(s, "captures", 0, "capturing")));
        veth.link("up");
        awaitMetric("the capture reopened", 20, "pushcap_capture_restarts_total", 1);
        // Batch 2 goes in early in a window of push_pcap, so its split is still open when SIGTERM comes.
        awaitStatus("a window of push_pcap with 5 s or more left", 20, st -> "running".equals(schedule(st, "push_pcap")
                .get("phase")) && secondsUntil(schedule(st, "push_pcap").get("next_close")) >= 5);
        replay(batches.get(1));
        awaitStatus("batch 2 in the ring", 45, s -> ringPackets(s) == 2 * PACKETS);
        Map<String, Object> s = status();
        assertThat(path(s, "service", "ring_fs")).as("serve mounted a ramfs for the ring").isEqualTo("ramfs");
        assertThat(number(path(s, "rings", 0, "source_restarts"))).as("the restart is in the ring").isEqualTo(1);
        assertThat(number(path(s, "rings", 0, "kernel_drops"))).isZero();
        assertThat(metric("pushcap_capture_down_seconds_total")).as("the gap is counted").isPositive();

        awaitStatus("push_pcap runs with a split in progress and has read everything", 30, st ->
                "running".equals(schedule(st, "push_pcap").get("phase")) && pending(st, "a") > 0 && lag(st, "push:a") == 0);
        stop();
        assertThat(log("logs/serve.log")).contains("schedule 'push_pcap': stopping pid").contains("the service is stopping");
        assertThat(published("a")).as("SIGTERM published what was in progress").isEqualTo(2 * PACKETS);

        start();
        awaitStatus("the capture writes the ring again", 30, st -> Boolean.TRUE.equals(path(st, "rings", 0, "writer", "alive")));
        replay(batches.get(2));
        awaitStatus("batch 3 in the ring", 45, st -> ringPackets(st) == 3 * PACKETS);
        reloadRefusedThenApplied();
        await("both loaders published everything", 60, () -> published("a") == 3 * PACKETS && published("b") == 3 * PACKETS);
        statusPageShowsLiveValues();
        stop();

        List<String> expected = new ArrayList<>();
        for (Path b : batches) {
            expected.addAll(tcpdump(b));
        }
        assertSamePackets("a", "target a (zstd)", expected);
        assertSamePackets("b", "target b", expected);
        assertThat(log("logs/serve.log")).as("no push had to be killed").doesNotContain("(exit 137)")
                .doesNotContain("did not exit within");
        assertThat(log("logs/analytics_mine.cur")).contains("schedule mine: window opened").contains("window closed")
                .contains("push [b ");
        assertThat(log("logs/analytics_push_pcap.cur")).contains("schedule push_pcap: window opened")
                .contains("window closed").contains("push [a ");
    }

    /** SIGHUP with a broken config: refused, nothing changes; with the good one again: applied, nothing restarts. */
    private void reloadRefusedThenApplied() throws Exception {
        Path config = dir.resolve("etc/pushcap.lua");
        String good = Files.readString(config);
        Files.writeString(config, good.replace("Size = \"16m\"", "Size = \"16m\", Sise = 1"));
        io.pushcap.internal.ffm.LibC.kill((int) serve.pid(), 1);
        awaitStatus("the bad config was refused", 60, st -> number(path(st, "service", "reloads_refused")) == 1);
        assertThat((String) path(status(), "service", "last_reload_error")).contains("ring 't': Sise: unknown key");
        Files.writeString(config, good);
        io.pushcap.internal.ffm.LibC.kill((int) serve.pid(), 1);
        awaitStatus("the good config was applied", 60, st -> number(path(st, "service", "reloads_applied")) == 1);
        assertThat(log("logs/serve.log")).contains("reload applied: 0 stopped, 0 started, 4 unchanged");
    }

    // ---- set-up ----

    private Path gen(int seed) {
        Path p = dir.resolve("batch" + seed + ".pcap");
        int rc = Main.commandLine().execute("gen", "-w", p.toString(), "--packets", Integer.toString(PACKETS), "--mix", "plain",
                "--seed", Integer.toString(seed));
        assertThat(rc).isZero();
        return p;
    }

    private void writeConfigs() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Files.createDirectories(dir.resolve("etc/analytics"));
        Files.writeString(dir.resolve("etc/live_a.lua"), push("a", "Compress = \"zstd:1\", FileSuffix = \".pcap.zst\","));
        Files.writeString(dir.resolve("etc/live_b.lua"), push("b", ""));
        Path mine = dir.resolve("etc/analytics/mine");
        Files.writeString(mine, "#!/bin/sh\n# a user-added loader in the seed's style: its own config, fixed in the script\n"
                + "ulimit -n 4096\nexec \"$PUSHCAP_CMD\" push --config etc/live_b.lua\n");
        Files.setPosixFilePermissions(mine, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(dir.resolve("etc/pushcap.lua"), """
                local Service = {}
                Service.Http = "127.0.0.1:%d"
                Service.RingDir = "%s"
                Service.RingMount = "ramfs"
                Service.StopTimeout = 20
                Service.AnalyticsDir = { "etc/analytics" }
                Service.Ring = {}
                table.insert(Service.Ring, { Name = "t", Size = "16m" })
                Service.Capture = {}
                table.insert(Service.Capture, { Name = "veth", Interface = "%s", Ring = "t" })
                Service.Recorder = {}
                table.insert(Service.Recorder, { Ring = "t", Store = "store" })
                Service.Schedule = {}
                table.insert(Service.Schedule, { Loader = "push_pcap", Config = "etc/live_a.lua",
                    Window = { Start = "0/10 * * * * ?", Stop = "8/10 * * * * ?" } })
                table.insert(Service.Schedule, { Loader = "mine", Config = "etc/live_b.lua",
                    Window = { Start = "0/8 * * * * ?", Stop = "4/8 * * * * ?" } })
                return Service
                """.formatted(port, dir.resolve("ram"), veth.capture));
    }

    private static String push(String desc, String extra) {
        return """
                local Config = {}
                Config.FollowStart = true
                Config.Target = {}
                table.insert(Config.Target, { Desc = "%s", Mode = "File", Path = "out/%s/%s_", Source = "t",
                    Split = "--split-time 60e9", FileName = "--filename-epoch-sec-startend", %s })
                return Config
                """.formatted(desc, desc, desc, extra);
    }

    private void start() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dpushcap.home=" + HOME, "-cp", System.getProperty("java.class.path"), "io.pushcap.cli.Main",
                "serve", "--config", "etc/pushcap.lua"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("serve.out").toFile()));
        pb.environment().put("PUSHCAP_JAVA_OPTS", "-Xmx192m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        serve = pb.start();
        await("/status answers", 30, () -> {
            try {
                return get("/status").startsWith("{");
            } catch (IOException e) {
                return false;
            }
        });
    }

    private void stop() throws Exception {
        serve.destroy();
        assertThat(serve.waitFor(30, TimeUnit.SECONDS)).as("serve exits within StopTimeout after SIGTERM").isTrue();
        assertThat(serve.exitValue()).as(log("serve.out")).isZero();
        assertThat(ProcessHandle.allProcesses().filter(h -> h.info().arguments().map(a -> String.join(" ", a))
                .orElse("").contains(dir.resolve("etc").toString())).count()).as("no push outlives the service").isZero();
    }

    private void replay(Path pcap) throws Exception {
        veth.replay(pcap, 4000);
    }

    // ---- observation ----

    private String get(String path) throws IOException {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private Map<String, Object> status() throws IOException {
        return MiniJson.object(get("/status"));
    }

    private static Object path(Object node, Object... keys) {
        Object n = node;
        for (Object k : keys) {
            if (n instanceof Map<?, ?> m) {
                n = m.get(k);
            } else if (n instanceof List<?> l && k instanceof Integer i && i < l.size()) {
                n = l.get(i);
            } else {
                return null;
            }
        }
        return n;
    }

    private static long number(Object o) {
        return o instanceof Number n ? n.longValue() : -1;
    }

    private static long ringPackets(Map<String, Object> s) {
        return number(path(s, "rings", 0, "packets"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> schedule(Map<String, Object> s, String name) {
        for (Object o : (List<Object>) s.get("schedules")) {
            if (name.equals(((Map<String, Object>) o).get("name"))) {
                return (Map<String, Object>) o;
            }
        }
        return Map.of();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> target(Map<String, Object> s, String desc) {
        for (Object o : (List<Object>) s.get("targets")) {
            if (desc.equals(((Map<String, Object>) o).get("desc"))) {
                return (Map<String, Object>) o;
            }
        }
        return Map.of();
    }

    private static double secondsUntil(Object isoInstant) {
        return isoInstant instanceof String t ? (java.time.Instant.parse(t).toEpochMilli() - System.currentTimeMillis()) / 1e3 : -1;
    }

    @SuppressWarnings("unchecked")
    private static long pending(Map<String, Object> s, String desc) {
        for (Object o : (List<Object>) s.get("targets")) {
            Map<String, Object> t = (Map<String, Object>) o;
            if (desc.equals(t.get("desc")) && "running".equals(t.get("state"))) {
                return number(t.get("pending"));
            }
        }
        return -1;
    }

    @SuppressWarnings("unchecked")
    private static long lag(Map<String, Object> s, String reader) {
        for (Object o : (List<Object>) path(s, "rings", 0, "readers")) {
            Map<String, Object> r = (Map<String, Object>) o;
            if (reader.equals(r.get("name"))) {
                return number(r.get("lag_packets"));
            }
        }
        return -1;
    }

    private double metric(String name) throws IOException {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{[^}]*iface=\"" + veth.capture + "\"[^}]*} (\\S+)$")
                .matcher(get("/metrics"));
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private String log(String relative) {
        try {
            return Files.readString(dir.resolve(relative));
        } catch (IOException e) {
            return "(" + relative + ": " + e.getMessage() + ")";
        }
    }

    /** Packets in the files a target published, from its manifest. */
    private long published(String desc) {
        long n = 0;
        Matcher m = Pattern.compile("\"packets\":(\\d+)").matcher(log("var/manifest/" + desc + ".jsonl"));
        while (m.find()) {
            n += Long.parseLong(m.group(1));
        }
        return n;
    }

    // ---- waiting ----

    interface StatusCondition {
        boolean test(Map<String, Object> status);
    }

    private void awaitStatus(String what, int seconds, StatusCondition c) {
        await(what, seconds, () -> {
            try {
                return c.test(status());
            } catch (IOException | RuntimeException e) {
                return false;
            }
        });
    }

    private void awaitMetric(String what, int seconds, String name, long value) {
        await(what, seconds, () -> {
            try {
                return metric(name) == value;
            } catch (IOException e) {
                return false;
            }
        });
    }

    private void await(String what, int seconds, BooleanSupplier c) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                String st;
                try {
                    st = get("/status");
                } catch (IOException e) {
                    st = "(no /status: " + e.getMessage() + ")";
                }
                fail("timed out after " + seconds + " s waiting until " + what + "\n/status: " + st + "\nserve.out:\n"
                        + log("serve.out"));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }

    // ---- judges ----

    /**
     * Each packet as tcpdump prints it without a timestamp, with every byte in hex. {@code -S}:
     * absolute TCP sequence numbers, because relative ones count from a flow's first packet in
     * each file, so the same packet prints differently when an output file starts mid-flow.
     */
    private static List<String> tcpdump(Path pcap) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("tcpdump", "-nn", "-S", "-t", "-xx", "-r", pcap.toString()).redirectError(
                ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("tcpdump -r " + pcap).isZero();
        List<String> packets = new ArrayList<>();
        StringBuilder cur = null;
        for (String line : out.split("\n")) {
            if (!line.startsWith("\t")) {
                if (cur != null) {
                    packets.add(cur.toString());
                }
                cur = new StringBuilder(line);
            } else if (cur != null) {
                cur.append('\n').append(line);
            }
        }
        if (cur != null && !cur.isEmpty()) {
            packets.add(cur.toString());
        }
        return packets;
    }

    /** A target's files in the order its manifest lists them (decompressed when .zst), read by tcpdump. */
    /**
     * Every packet once, in order; on a difference, says how (counts, missing, twice, first
     * position out of order) and shows the manifest, instead of two lists too long to print.
     */
    private void assertSamePackets(String desc, String what, List<String> expected) throws Exception {
        List<String> got = judge(desc);
        if (got.equals(expected)) {
            return;
        }
        java.util.Map<String, Long> g = got.stream().collect(java.util.stream.Collectors.groupingBy(x -> x,
                java.util.stream.Collectors.counting()));
        java.util.Map<String, Long> e = expected.stream().collect(java.util.stream.Collectors.groupingBy(x -> x,
                java.util.stream.Collectors.counting()));
        long missing = e.entrySet().stream().mapToLong(x -> Math.max(0, x.getValue() - g.getOrDefault(x.getKey(), 0L))).sum();
        long extra = g.entrySet().stream().mapToLong(x -> Math.max(0, x.getValue() - e.getOrDefault(x.getKey(), 0L))).sum();
        int first = 0;
        while (first < Math.min(got.size(), expected.size()) && got.get(first).equals(expected.get(first))) {
            first++;
        }
        throw new AssertionError(what + " does not hold every packet once, in order: " + got.size() + " packets, expected "
                + expected.size() + "; " + missing + " missing, " + extra + " extra or twice; first difference at packet "
                + first + "\nexpected there: " + (first < expected.size() ? expected.get(first).lines().findFirst().orElse("") : "-")
                + "\ngot there:      " + (first < got.size() ? got.get(first).lines().findFirst().orElse("") : "-")
                + "\nmanifest:\n" + log("var/manifest/" + desc + ".jsonl") + "\nschedule log:\n"
                + log("logs/analytics_" + (desc.equals("a") ? "push_pcap" : "mine") + ".cur"));
    }

    private List<String> judge(String desc) throws Exception {
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("\"name\":\"([^\"]+)\"").matcher(log("var/manifest/" + desc + ".jsonl"));
        while (m.find()) {
            names.add(m.group(1));
        }
        try (Stream<Path> files = Files.list(dir.resolve("out").resolve(desc))) {
            assertThat(files.map(f -> "out/" + desc + "/" + f.getFileName()).sorted().toList())
                    .as("exactly the files of the manifest, nothing pending").containsExactlyInAnyOrderElementsOf(names);
        }
        List<String> packets = new ArrayList<>();
        for (String name : names) {
            Path f = dir.resolve(name);
            if (name.endsWith(".zst")) {
                Path plain = dir.resolve("judge.pcap");
                Process z = new ProcessBuilder("zstd", "-d", "-q", "-f", "-o", plain.toString(), f.toString())
                        .redirectErrorStream(true).start();
                assertThat(z.waitFor(60, TimeUnit.SECONDS) && z.exitValue() == 0).as("zstd -d " + f).isTrue();
                f = plain;
            }
            packets.addAll(tcpdump(f));
        }
        return packets;
    }

    // ---- the status page in a browser ----

    private void statusPageShowsLiveValues() throws Exception {
        // The graphs need two samples of the server's history (one per 5 s) of the ring and of a target.
        // Every series must have two values, not only two times: lag (and a rate) is null while unknown.
        awaitStatus("15-minute history has two values in every series of the ring and of target a", 60, st ->
                twoValuesInEverySeries(path(st, "rings", 0, "history")) && twoValuesInEverySeries(target(st, "a").get("history")));
        Map<String, Object> s = status();
        assertThat(((Number) path(s, "rings", 0, "held_seconds")).doubleValue()).as("seconds of traffic the ring holds").isPositive();
        String packets = String.format(java.util.Locale.US, "%,d", ringPackets(s));
        String dom = chromium("--dump-dom");
        assertThat(dom).contains("<td class=\"ring-name\">t</td>")
                .contains("<td class=\"num ring-packets\">" + packets + "</td>")
                .contains("<td class=\"capture-name\">veth</td>")
                .contains("<td class=\"target-desc\">a</td>").contains("<td class=\"target-desc\">b</td>")
                .contains("<td class=\"schedule-name\">push_pcap</td>").contains("<td class=\"schedule-name\">mine</td>")
                .contains("live, updated")
                .contains("<a id=\"link-status\" href=\"/status\">").contains("<a id=\"link-metrics\" href=\"/metrics\">")
                .containsPattern("<td class=\"ring-held\"[^>]*>[0-9.]+ (ms|s|min) of traffic</td>")
                .containsPattern("<td class=\"num target-read\">[0-9,]+</td>")
                // the ratio is of the current run's published files: "-" while a fresh run has published none
                .containsPattern("<td class=\"num target-ratio\"[^>]*>([0-9.]+x|-)</td>");
        // Each ring and target row has four sparklines; the ring's and target a's packets/s lines have points.
        Matcher paths = Pattern.compile("<svg [^>]*class=\"spark (\\w+)\"[^>]*data-series=\"(\\w+)\"><title>[^<]*</title><path d=\"([^\"]*)\"")
                .matcher(dom);
        int drawn = 0;
        int all = 0;
        while (paths.find()) {
            all++;
            if (paths.group(3).matches("M[-0-9.]+ [-0-9.]+( L[-0-9.]+ [-0-9.]+)+")) {
                drawn++;
            }
        }
        assertThat(all).as("sparklines: 4 per ring and per target").isGreaterThanOrEqualTo(4 * 3);
        assertThat(drawn).as("sparklines with at least two points").isGreaterThanOrEqualTo(8);
        Path shot = HOME.resolve("target/serve-status.png");
        Files.createDirectories(shot.getParent());
        Files.deleteIfExists(shot);
        chromium("--window-size=1400,1000", "--screenshot=" + shot);
        assertThat(shot).isNotEmptyFile();
    }

    private static boolean twoValuesInEverySeries(Object history) {
        if (!(history instanceof Map<?, ?> h)) {
            return false;
        }
        for (String series : List.of("pps", "mbps", "drops_per_s", "lag_s")) {
            if (!(h.get(series) instanceof List<?> values) || values.stream().filter(java.util.Objects::nonNull).count() < 2) {
                return false;
            }
        }
        return true;
    }

    private String chromium(String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + dir.resolve("chrome-" + System.nanoTime()), "--virtual-time-budget=3000"));
        cmd.addAll(List.of(extra));
        cmd.add("http://127.0.0.1:" + port + "/");
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new AssertionError("chromium is not installed (bin/test installs it: apt-get install -y chromium)", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("chromium finishes").isTrue();
        return out;
    }
}
