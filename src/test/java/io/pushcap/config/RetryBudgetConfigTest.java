package io.pushcap.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** RetryMax, RetryFor, PipeTimeout and ScriptTimeout as push_pcap.lua spells them, and their errors. */
class RetryBudgetConfigTest {
    private static final String PATH = System.getenv("PATH");

    @TempDir
    Path dir;

    private Path write(String... keys) throws IOException {
        Path f = dir.resolve("push_pcap.lua");
        Files.writeString(f, "local Config = {}\nConfig.Target = {}\ntable.insert(Config.Target,\n{\n"
                + "    Desc = \"s3\",\n    Path = \"" + dir + "/out\",\n    Split = \"--split-time 60e9\",\n"
                + "    FileName = \"--filename-epoch-sec-startend\",\n" + String.join("\n", keys) + "\n})\nreturn Config\n");
        return f;
    }

    private TargetConfig load(String... keys) throws IOException {
        return new PushConfigLoader(new HostChecks(4, PATH), LuaSandbox.DEFAULT_INSTRUCTION_LIMIT).load(write(keys))
                .targets().getFirst();
    }

    private List<String> problems(String... keys) throws IOException {
        Path f = write(keys);
        return assertThrows(ConfigException.class,
                () -> new PushConfigLoader(new HostChecks(4, PATH), LuaSandbox.DEFAULT_INSTRUCTION_LIMIT).load(f)).problems();
    }

    @Test
    void shouldGiveUpTwoMinutesAfterAFailureBeganWhenNoBudgetIsSet() throws IOException {
        RetryBudget b = load().retry();
        assertThat(b).isEqualTo(RetryBudget.DEFAULT);
        assertThat(b.forMillis()).isEqualTo(120_000);
        assertThat(b.spent(1_000, 119_999)).isFalse();
        assertThat(b.spent(1, 120_000)).isTrue();
    }

    @Test
    void shouldAcceptSecondsAndHumanDurationsWhenRetryForIsSet() throws IOException {
        assertThat(load("RetryFor = 5,").retry().forMillis()).isEqualTo(5_000);
        assertThat(load("RetryFor = 0.5,").retry().forMillis()).isEqualTo(500);
        assertThat(load("RetryFor = \"2m\",").retry().forMillis()).isEqualTo(120_000);
        assertThat(load("RetryFor = \"120s\",").retry().forMillis()).isEqualTo(120_000);
        assertThat(load("RetryFor = \"1h\",").retry().forMillis()).isEqualTo(3_600_000);
        assertThat(load("RetryFor = \"90\",").retry().forMillis()).isEqualTo(90_000);
        assertThat(load("RetryFor = 0,").retry().forMillis()).isZero();
        RetryBudget b = load("RetryMax = 3,", "RetryFor = 0,", "PipeTimeout = \"500ms\",", "ScriptTimeout = 10,").retry();
        assertThat(b).isEqualTo(new RetryBudget(3, 0, 500, 10_000));
        assertThat(b.spent(2, Long.MAX_VALUE / 2)).isFalse();
        assertThat(b.spent(3, 0)).isTrue();
        assertThat(b.describe()).isEqualTo("RetryMax 3");
    }

    @Test
    void shouldNameTargetKeyValueAndValidFormsWhenADurationIsWrong() throws IOException {
        assertThat(problems("RetryFor = \"2 minutes\",")).containsExactly(dir.resolve("push_pcap.lua")
                + ":9: target 's3': RetryFor: '2 minutes' (expected a duration: seconds as a number such as 120, or a"
                + " string such as \"2m\", \"120s\", \"500ms\" or \"1h\"; 0 for no limit: how long an offline push"
                + " retries a failing target)");
        assertThat(problems("RetryFor = -1,").getFirst()).contains("RetryFor: -1 (expected a duration");
        assertThat(problems("RetryFor = true,").getFirst()).contains("RetryFor: true (expected a duration")
                .endsWith("; got a boolean");
        assertThat(problems("PipeTimeout = 0,").getFirst()).contains("PipeTimeout: 0 (expected a duration")
                .doesNotContain("0 for no limit");
        assertThat(problems("RetryMax = 2.5,").getFirst()).contains("RetryMax: 2.5 (expected a whole number from 0 to");
        assertThat(problems("RetryMax = \"3\",").getFirst()).contains("RetryMax: '3' (expected a number");
    }
}
