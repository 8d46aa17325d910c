package io.pushcap.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code -h} and {@code --help} on every command of picocli's tree, found by walking it, so that a
 * command added later is covered too. The launcher-level test (HelpIT) runs a few of them through
 * {@code bin/pushcap}.
 */
class HelpEverywhereTest {

    /** Every command path below the top one, e.g. [push], [ring, create], [flows, export]. */
    static List<List<String>> commandPaths() {
        List<List<String>> paths = new ArrayList<>();
        walk(Main.commandLine(), new ArrayList<>(), paths);
        return paths;
    }

    private static void walk(CommandLine cl, List<String> prefix, List<List<String>> out) {
        out.add(List.copyOf(prefix));
        for (var e : cl.getSubcommands().entrySet()) {
            if (!e.getKey().equals(e.getValue().getCommandName())) {
                continue; // an alias
            }
            List<String> p = new ArrayList<>(prefix);
            p.add(e.getKey());
            walk(e.getValue(), p, out);
        }
    }

    @Test
    void shouldPrintUsageAndExitZeroWhenAnyCommandGetsHelpOption() {
        List<List<String>> paths = commandPaths();
        assertThat(paths).hasSizeGreaterThan(15);
        for (List<String> path : paths) {
            for (String opt : List.of("--help", "-h")) {
                List<String> args = new ArrayList<>(path);
                args.add(opt);
                MainTest.Run r = MainTest.run(FluxcapSpellings.rewrite(args.toArray(String[]::new)));
                String usage = "Usage: pushcap" + (path.isEmpty() ? "" : " " + String.join(" ", path));
                assertThat(r.code()).as("exit of pushcap %s; stderr: %s", args, r.err()).isZero();
                assertThat(r.out()).as("stdout of pushcap %s", args)
                        .containsPattern("(?m)^" + java.util.regex.Pattern.quote(usage) + "( |$)");
                assertThat(r.err()).as("stderr of pushcap %s", args).isEmpty();
            }
        }
    }

    @Test
    void shouldPrintHelpWhenFluxcapModeIsFollowedByHelpOption() {
        MainTest.Run rx = MainTest.run(FluxcapSpellings.rewrite(new String[] {"-rx", "-h"}));
        assertThat(rx.code()).isZero();
        assertThat(rx.out()).startsWith("Usage: pushcap rx");
        MainTest.Run top = MainTest.run(FluxcapSpellings.rewrite(new String[] {"-h"}));
        assertThat(top.out()).startsWith("Usage: pushcap ");
    }

    @Test
    void shouldListEveryExitCodeWhenTopCommandPrintsHelp() {
        MainTest.Run r = MainTest.run("--help");
        assertThat(r.out()).contains("Exit codes (the same for every command):");
        for (int code : new int[] {ExitCodes.OK, ExitCodes.INCOMPLETE, ExitCodes.USAGE, ExitCodes.RING_TIMEOUT,
                ExitCodes.DAMAGED, ExitCodes.LOCKED, ExitCodes.UNAVAILABLE, ExitCodes.INTERNAL,
                ExitCodes.INTERRUPTED}) {
            assertThat(r.out()).containsPattern("(?m)^\\s+" + code + "\\s+[A-Z_]+: ");
        }
    }

    @Test
    void shouldVersionWhenRxOrTxGetVersionOption() {
        for (String cmd : List.of("rx", "tx", "push")) {
            MainTest.Run r = MainTest.run(cmd, "--version");
            assertThat(r.code()).isZero();
            assertThat(r.out()).as(cmd).containsPattern("(?m)^pushcap \\d+\\.\\d+\\.\\d+");
        }
    }
}
