package io.pushcap.it;

import io.pushcap.testsupport.Await;
import io.pushcap.testsupport.Exec;
import io.pushcap.testsupport.MiniJson;
import io.pushcap.testsupport.PushcapCli;
import io.pushcap.testsupport.ServeProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code /metrics} of a running {@code pushcap serve} (a capture on {@code lo} into a ring, a
 * recorder into a store, a push schedule always on): promtool accepts it, it follows Prometheus'
 * naming conventions, and every metric the example dashboard and alert rules use is in it. The
 * alert rules pass promtool's own checks and unit tests (examples/prometheus/alerts.test.yml).
 */
class MetricsIT {
    private static final Path EXAMPLES = PushcapCli.launcher().getParent().getParent().resolve("examples");
    private static final Pattern FAMILY = Pattern.compile("(?m)^# TYPE (\\S+) (\\S+)$");

    @TempDir
    static Path dir;
    private static ServeProcess serve;
    private static String scrape;

    @BeforeAll
    static void startServe() throws Exception {
        requirePromtool();
        serve = new ServeProcess(dir, 10);
        Files.createDirectories(dir.resolve("etc"));
        Files.writeString(dir.resolve("etc/live.lua"), """
                local Config = {}
                Config.FollowStart = true
                Config.Target = {}
                table.insert(Config.Target, { Desc = "lo-t", Mode = "File", Path = "out/lo_", Source = "r",
                    Split = "--split-time 1e9", FileName = "--filename-epoch-sec-startend", KeepFiles = 1000 })
                return Config
                """);
        serve.start(serve.config("", """
                Service.Capture = {}
                table.insert(Service.Capture, { Name = "lo", Interface = "lo", Ring = "r" })
                Service.Recorder = {}
                table.insert(Service.Recorder, { Ring = "r", Store = "store", MaxBytes = "1g" })
                Service.Schedule = {}
                table.insert(Service.Schedule, { Loader = "push_pcap", Name = "live", Config = "etc/live.lua", Window = "always" })
                """), Map.of());
        // Every family the dashboard needs appears once the push child has reported and published a file.
        Await.until("ring, store, capture and the push child's target families in /metrics", Duration.ofSeconds(60), () -> {
            try {
                scrape = serve.get("/metrics");
                return scrape.contains("pushcap_target_files_published_total{schedule=\"live\"")
                        && scrape.contains("\npushcap_store_usage_bytes{") && scrape.contains("\npushcap_ring_packets_total{")
                        && scrape.contains("\npushcap_capture_restarts_total{")
                        // sampled once a second from the ring once the push's reader has attached
                        && scrape.contains("\npushcap_target_lag_seconds{");
            } catch (IOException e) {
                return false;
            }
        });
    }

    @AfterAll
    static void stopServe() throws Exception {
        if (serve != null) {
            serve.close();
        }
    }

    private static void requirePromtool() throws IOException {
        Exec.Result r = Exec.run(List.of("sh", "-c", "command -v promtool"), null, null, Duration.ofSeconds(10));
        if (r.exit() != 0) {
            throw new AssertionError("promtool is not installed: apt-get install -y prometheus (bin/test installs it)");
        }
    }

    @Test
    void shouldPassPromtoolCheckMetricsWhenScrapedLive() throws Exception {
        Path file = dir.resolve("scrape.txt");
        Files.writeString(file, scrape);
        Exec.Result r = Exec.run(List.of("promtool", "check", "metrics"), file, null, Duration.ofSeconds(30));
        assertThat(r.stdout() + r.stderr()).as("promtool check metrics findings").isEmpty();
        assertThat(r.exit()).isZero();
    }

    @Test
    void shouldFollowNamingConventionsWhenScrapedLive() {
        Matcher m = FAMILY.matcher(scrape);
        List<String> families = new ArrayList<>();
        while (m.find()) {
            String name = m.group(1);
            String type = m.group(2);
            families.add(name);
            assertThat(name).as("family prefix").matches("(pushcap|jvm|process)_.*");
            assertThat(name).as("base units").doesNotContain("_nanos").doesNotContain("_millis").doesNotContain("_bits");
            if (type.equals("counter")) {
                assertThat(name).as("counter name").endsWith("_total");
                assertThat(scrape).as("counter " + name + " has samples").containsPattern("(?m)^" + name + "[{ ]");
            }
        }
        assertThat(families).contains("pushcap_build_info", "process_cpu_seconds_total", "jvm_memory_used_bytes",
                "pushcap_target_packets_pending", "pushcap_target_stuck", "pushcap_capture_down_seconds_total");
        assertThat(scrape).containsPattern("(?m)^# TYPE pushcap_target_packets_pending gauge$")
                .containsPattern("(?m)^# TYPE pushcap_target_stuck gauge$")
                .containsPattern("(?m)^pushcap_build_info\\{java=\"[^\"]+\",libpcap=\"[^\"]+\",version=\"[^\"]+\"} 1");
        Set<String> ringValues = new TreeSet<>();
        Matcher ring = Pattern.compile("[{,]ring=\"([^\"]*)\"").matcher(scrape);
        while (ring.find()) {
            ringValues.add(ring.group(1));
        }
        assertThat(ringValues).as("one label value per ring, its name").containsExactly("r");
        assertThat(scrape).as("no magic -1 in pushcap's families (the JVM's own max_bytes use it for unknown)")
                .doesNotContainPattern("(?m)^pushcap_.* -1(\\.0)?$");
    }

    @Test
    void shouldUseOnlyLiveMetricsWhenDashboardQueries() throws Exception {
        Object dashboard = MiniJson.parse(Files.readString(EXAMPLES.resolve("grafana/pushcap.json")));
        List<String> exprs = new ArrayList<>();
        collect(dashboard, "expr", exprs);
        collect(dashboard, "definition", exprs);
        assertThat(exprs).as("dashboard queries").hasSizeGreaterThan(20);
        assertNamesLive("grafana/pushcap.json", exprs);
    }

    @Test
    void shouldPassPromtoolRuleChecksAndUnitTestsWhenAlertsLoaded() throws Exception {
        Path rules = EXAMPLES.resolve("prometheus");
        Exec.Result check = Exec.run(List.of("promtool", "check", "rules", rules.resolve("alerts.yml").toString()), null, null,
                Duration.ofSeconds(30));
        assertThat(check.exit()).as(check.stdout() + check.stderr()).isZero();
        Exec.Result test = Exec.run(List.of("sh", "-c", "cd \"$0\" && promtool test rules alerts.test.yml", rules.toString()),
                null, null, Duration.ofSeconds(60));
        assertThat(test.exit()).as(test.stdout() + test.stderr()).isZero();
        assertThat(test.stdout()).contains("SUCCESS");
        List<String> exprs = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\s+expr: (.*)$").matcher(Files.readString(rules.resolve("alerts.yml")));
        while (m.find()) {
            exprs.add(m.group(1));
        }
        assertThat(exprs).hasSizeGreaterThanOrEqualTo(6);
        assertNamesLive("prometheus/alerts.yml", exprs);
    }

    private static void assertNamesLive(String file, List<String> exprs) {
        Matcher n = Pattern.compile("\\b((?:pushcap|jvm|process)_[a-z_]+)").matcher(String.join("\n", exprs));
        Set<String> names = new TreeSet<>();
        while (n.find()) {
            names.add(n.group(1));
        }
        for (String name : names) {
            assertThat(scrape).as(file + " uses " + name + ", which the live /metrics must have")
                    .containsPattern("(?m)^" + name + "[{ ]");
        }
    }

    @SuppressWarnings("unchecked")
    private static void collect(Object node, String key, List<String> out) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                if (k.equals(key) && v instanceof String s) {
                    out.add(s);
                } else {
                    collect(v, key, out);
                }
            });
        } else if (node instanceof List<?> list) {
            list.forEach(x -> collect(x, key, out));
        }
    }
}
