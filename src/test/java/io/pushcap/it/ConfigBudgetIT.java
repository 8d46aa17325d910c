package io.pushcap.it;

import io.pushcap.testsupport.Await;
import io.pushcap.testsupport.PushcapCli;
import io.pushcap.testsupport.ServeProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile configuration scripts (issue 12.2): each is refused within the evaluation budget (10 s,
 * 256 MiB by default) naming the file and the limit, by {@code check} and by a running
 * {@code serve} on SIGHUP, which keeps its config, answers /status and honours SIGTERM within
 * StopTimeout even while such a script is being evaluated.
 */
class ConfigBudgetIT {
    private static final int STOP_TIMEOUT = 6;

    /** Each bad script, as the body of a push config, and the limit its message must name. */
    enum Bomb {
        CATASTROPHIC_PATTERN("local x = string.find(string.rep(\"a\", 40), string.rep(\"a*\", 40) .. \"b\")\n", "within 10 s"),
        STRING_REP("local s = string.rep(\"x\", 2000000000)\n", "more than 256 MiB"),
        ALLOCATION("local keep = {}\nfor i = 1, 200 do keep[i] = string.rep(string.char(65 + i % 26),"
                + " (16 + i % 33) * 1024 * 1024) end\n", "more than 256 MiB"),
        ENDLESS_LOOP("local n = 0\nwhile true do n = n + 1 end\n", "Lua instructions without finishing");

        final String body;
        final String limit;

        Bomb(String body, String limit) {
            this.body = body;
            this.limit = limit;
        }

        String pushConfig() {
            return "local Config = {}\nConfig.Target = {}\n" + body
                    + "table.insert(Config.Target, { Desc = \"d\", Mode = \"File\", Path = \"out/d_\" })\nreturn Config\n";
        }
    }

    @TempDir
    Path dir;
    private ServeProcess serve;

    @BeforeEach
    void prepare() throws IOException {
        serve = new ServeProcess(dir, STOP_TIMEOUT);
    }

    @AfterEach
    void killServe() throws InterruptedException {
        serve.close();
    }

    @ParameterizedTest
    @EnumSource(Bomb.class)
    void shouldRefuseWithinBudgetNamingLimitWhenCheckRunsHostileScript(Bomb bomb) throws Exception {
        Path file = dir.resolve("bomb.lua");
        Files.writeString(file, bomb.pushConfig());
        // The deadline is the budget plus JVM starts and a busy machine's margin; past it the run fails.
        PushcapCli.Result r = PushcapCli.run(dir, Duration.ofSeconds(45), Map.of(), "check", "bomb.lua");
        assertThat(r.exit()).as(r.all()).isEqualTo(2);
        assertThat(r.stderr()).contains("bomb.lua").contains(bomb.limit);
        assertClean(r.all());
    }

    @Test
    void shouldKeepOldConfigAndAnswerWhenServeReloadsHostileScripts() throws Exception {
        String good = serve.config("", "");
        serve.start(good, Map.of());
        int refused = 0;
        for (Bomb bomb : Bomb.values()) {
            // In the service config itself, and in a push config it names: both are evaluated on reload.
            Files.writeString(serve.configFile(), serve.config(bomb.body, ""));
            serve.hangup();
            int want = ++refused;
            Await.until("reload with " + bomb + " refused", Duration.ofSeconds(45),
                    () -> number("reloads_refused") == want);
            String error = (String) serve.service().get("last_reload_error");
            assertThat(error).contains("pushcap.lua").contains(bomb.limit);
            assertClean(error);

            Files.writeString(dir.resolve("etc/bomb.lua"), bomb.pushConfig());
            Files.writeString(serve.configFile(), serve.config("", "Service.Schedule = {}\n"
                    + "table.insert(Service.Schedule, { Loader = \"push_pcap\", Config = \"etc/bomb.lua\", Window = \"always\" })\n"));
            serve.hangup();
            int want2 = ++refused;
            Await.until("reload naming a push config with " + bomb + " refused", Duration.ofSeconds(45),
                    () -> number("reloads_refused") == want2);
            String error2 = (String) serve.service().get("last_reload_error");
            assertThat(error2).contains("bomb.lua").contains(bomb.limit);
            assertClean(error2);
            assertThat(serve.get("/metrics")).contains("pushcap_service_reloads_total");
        }
        Files.writeString(serve.configFile(), good.replace("Size = \"2m\"", "Size = \"2m\" "));
        serve.hangup();
        Await.until("a good config is still applied after the refusals", Duration.ofSeconds(30),
                () -> number("reloads_applied") == 1);
        assertThat(Files.readString(dir.resolve("logs/serve.log"))).doesNotContain("OutOfMemoryError");
        serve.stop();
        assertClean(serve.output());
    }

    @Test
    void shouldStopWithinStopTimeoutWhenSigtermArrivesDuringHostileReload() throws Exception {
        serve.start(serve.config("", ""), Map.of());
        Files.writeString(serve.configFile(), serve.config(Bomb.CATASTROPHIC_PATTERN.body, ""));
        serve.hangup();
        Await.until("the hostile script is being evaluated", Duration.ofSeconds(20),
                () -> serve.process().descendants().anyMatch(h -> h.info().arguments().map(a -> String.join(" ", a))
                        .orElse("").contains("io.pushcap.config.EvalChild")));
        // Further SIGHUPs while it runs must not queue one 10 s evaluation each.
        serve.hangup();
        serve.hangup();
        serve.stop();
        assertClean(serve.output());
    }

    private static void assertClean(String text) {
        assertThat(text).doesNotContain("OutOfMemoryError").doesNotContain("Exception").doesNotContain("\tat ");
    }

    private long number(String key) {
        return ((Number) serve.service().get(key)).longValue();
    }
}
