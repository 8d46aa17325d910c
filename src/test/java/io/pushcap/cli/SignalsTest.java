package io.pushcap.cli;

import io.pushcap.capture.JavaProcess;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGHUP reaches serve's reload handler whether or not the process started with SIGHUP ignored,
 * checked in real child JVMs (a JVM keeps an inherited SIG_IGN for SIGHUP unless told otherwise).
 */
class SignalsTest {

    private static String probe(boolean underNohup) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (underNohup) {
            cmd.add("nohup"); // sets SIGHUP to SIG_IGN, then execs the JVM
        }
        cmd.addAll(JavaProcess.command(List.of(), "io.pushcap.cli.HangupProbe"));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void shouldReloadOnSighupWhenStartedUnderNohup() throws Exception {
        assertThat(probe(true)).isEqualTo("was-ignored=true reloaded=true");
    }

    @Test
    void shouldReloadOnSighupWhenStartedNormally() throws Exception {
        assertThat(probe(false)).isEqualTo("was-ignored=false reloaded=true");
    }
}
