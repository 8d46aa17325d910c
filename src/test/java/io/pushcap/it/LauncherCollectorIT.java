package io.pushcap.it;

import io.pushcap.testsupport.JvmCollector;
import io.pushcap.testsupport.PushcapCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The collector bin/pushcap gives each command (bin/lib/env.sh, pushcap_gc_flags): push runs on
 * the serial collector, other commands keep the JVM's choice, and a collector named in
 * PUSHCAP_JAVA_OPTS wins (two would make the JVM refuse to start). The JVM itself says which
 * collector it uses ({@code -Xlog:gc} prints "Using ...").
 */
class LauncherCollectorIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void shouldRunPushOnTheSerialCollectorWhenNoCollectorIsGiven(@TempDir Path tmp) throws Exception {
        PushcapCli.Result r = PushcapCli.run(tmp, TIMEOUT, Map.of("PUSHCAP_JAVA_OPTS", "-Xlog:gc"), "push", "--help");
        assertThat(r.ok().stdout()).contains("Using Serial");
    }

    @Test
    void shouldKeepTheJvmsCollectorWhenTheCommandIsNotPush(@TempDir Path tmp) throws Exception {
        PushcapCli.Result r = PushcapCli.run(tmp, TIMEOUT, Map.of("PUSHCAP_JAVA_OPTS", "-Xlog:gc"), "check", "--help");
        assertThat(JvmCollector.reported(r.ok().stdout())).isEqualTo(JvmCollector.ownChoice()).isNotNull();
    }

    @Test
    void shouldUseTheUsersCollectorWhenPushcapJavaOptsNamesOne(@TempDir Path tmp) throws Exception {
        PushcapCli.Result r = PushcapCli.run(tmp, TIMEOUT, Map.of("PUSHCAP_JAVA_OPTS", "-XX:+UseParallelGC -Xlog:gc"),
                "push", "--help");
        assertThat(r.ok().stdout()).contains("Using Parallel").doesNotContain("Using Serial");
    }
}
