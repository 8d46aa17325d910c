package io.pushcap.schedule;

import io.pushcap.testsupport.JvmCollector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command serve writes for its loaders ({@code PUSHCAP_CMD}) picks the collector as
 * bin/pushcap does: a push a schedule starts runs as fast as one started by hand.
 */
class LoaderLaunchTest {

    @Test
    void shouldRunPushOnTheSerialCollectorWhenTheServiceCommandStartsIt(@TempDir Path tmp) throws Exception {
        assertThat(run(LoaderLaunch.writeCommand(tmp, tmp), "-Xlog:gc", "push")).contains("Using Serial");
    }

    @Test
    void shouldUseTheUsersCollectorWhenPushcapJavaOptsNamesOne(@TempDir Path tmp) throws Exception {
        assertThat(run(LoaderLaunch.writeCommand(tmp, tmp), "-XX:+UseParallelGC -Xlog:gc", "push"))
                .contains("Using Parallel").doesNotContain("Using Serial");
    }

    @Test
    void shouldLeaveTheCollectorToTheJvmWhenTheCommandIsNotPush(@TempDir Path tmp) throws Exception {
        assertThat(run(LoaderLaunch.writeCommand(tmp, tmp), "-XX:+UseParallelGC -Xlog:gc", "check"))
                .contains("Using Parallel");
        assertThat(JvmCollector.reported(run(LoaderLaunch.writeCommand(tmp, tmp), "-Xlog:gc", "check")))
                .isEqualTo(JvmCollector.ownChoice());
    }

    private static String run(Path cmd, String javaOpts, String command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd.toString(), command, "--help").redirectErrorStream(true);
        pb.environment().put("PUSHCAP_JAVA_OPTS", javaOpts);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s %s --help printed:%n%s", cmd, command, out).isZero();
        return out;
    }
}
