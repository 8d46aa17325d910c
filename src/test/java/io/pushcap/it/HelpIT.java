package io.pushcap.it;

import io.pushcap.testsupport.PushcapCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --help} and {@code -h} through the real launcher for the commands that used to refuse
 * them, a nested one and fluxcap's spelling; HelpEverywhereTest covers every command of the tree
 * in one JVM.
 */
class HelpIT {

    @Test
    void shouldPrintUsageAndExitZeroWhenTheLauncherGetsHelpOptions(@TempDir Path dir) throws Exception {
        for (List<String> cmd : List.of(List.of("push", "--help"), List.of("check", "-h"), List.of("convert", "--help"),
                List.of("rx", "-h"), List.of("tx", "--help"), List.of("ring", "create", "-h"), List.of("-rx", "--help"))) {
            PushcapCli.Result r = PushcapCli.run(dir, cmd.toArray(String[]::new)).ok();
            String name = cmd.getFirst().equals("-rx") ? "rx" : String.join(" ", cmd.subList(0, cmd.size() - 1));
            assertThat(r.stdout()).as("pushcap %s", cmd).startsWith("Usage: pushcap " + name + " ");
            assertThat(r.stderr()).as("pushcap %s", cmd).isEmpty();
        }
    }

    @Test
    void shouldListTheExitCodesWhenTopLevelHelpIsPrinted(@TempDir Path dir) throws Exception {
        PushcapCli.Result r = PushcapCli.run(dir, "--help").ok();
        assertThat(r.stdout()).contains("Exit codes (the same for every command):")
                .containsPattern("(?m)^\\s+69\\s+UNAVAILABLE: ").containsPattern("(?m)^\\s+130\\s+INTERRUPTED: ");
    }
}
