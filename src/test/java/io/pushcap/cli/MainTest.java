package io.pushcap.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

class MainTest {

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static Run runLean(String... args) {
        CommandLine cl = Main.commandLineFor(args);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void shouldBehaveAsTheFullCommandLineWhenOnlyTheNamedSubcommandIsBuilt() {
        // Main.main builds only the subcommand named first (start-up); help, errors and exit codes must not change.
        for (String[] args : new String[][] {{"push", "--help"}, {"check", "--help"}, {"check"}, {"push", "--no-such-option"},
                {"convert", "/nonexistent/in.pcap", "/tmp/out.pcap"}, {"nosuchcommand"}, {}, {"--help"}}) {
            Run full = run(args);
            Run lean = runLean(args);
            assertThat(lean).as(String.join(" ", args)).isEqualTo(full);
        }
        assertThat(Main.commandLineFor(new String[] {"push", "x"}).getSubcommands()).containsOnlyKeys("push");
        assertThat(Main.commandLineFor(new String[] {"help"}).getSubcommands()).containsKey("push").containsKey("help");
    }

    @Test
    void shouldPrintTheSameVersionLinesAsPicocliWhenAskedForVersion() {
        Run r = run("--version");
        assertThat(r.out()).isEqualTo(String.join(System.lineSeparator(), VersionProvider.lines()) + System.lineSeparator());
    }

    @Test
    void shouldPrintPushcapAndLibpcapVersionsWhenAskedForVersion() {
        Run r = run("--version");
        assertThat(r.code()).isZero();
        assertThat(r.out()).containsPattern("(?m)^pushcap \\d+\\.\\d+\\.\\d+")
                .containsPattern("(?m)^libpcap version 1\\.\\d+");
    }

    @Test
    void shouldPrintOneLineErrorWithoutStackTraceWhenInputIsNotACapture() throws Exception {
        java.nio.file.Path junk = java.nio.file.Files.createTempFile("junk", ".pcap");
        java.nio.file.Files.writeString(junk, "this is not a capture, just text");
        Run r = run("convert", junk.toString(), junk + ".out");
        assertThat(r.code()).isEqualTo(Main.EXIT_USER_ERROR);
        assertThat(r.err().strip()).isEqualTo("pushcap convert: " + junk
                + ": unknown pcap magic 0x74686973 (expected a1b2c3d4 or a1b23c4d) at byte offset 0 (after 0 records)");
        assertThat(r.err()).doesNotContain("\tat ");
    }

    @Test
    void shouldRefuseAnUnknownOptionWhenItFollowsTheOfflineSources() {
        // picocli's default took it for one more SOURCE: "--split-tim: no such capture file".
        for (String[] args : new String[][] {{"push", "--offline", "/tmp/a.pcap", "--split-tim", "60"},
                {"push", "--offline", "--split-tim"}}) {
            Run full = run(args);
            assertThat(full.code()).as(String.join(" ", args)).isEqualTo(Main.EXIT_USER_ERROR);
            assertThat(full.err()).as(String.join(" ", args)).startsWith("Unknown option: '--split-tim'");
            assertThat(runLean(args)).as(String.join(" ", args)).isEqualTo(full);
        }
    }

    @Test
    void shouldNameMissingFileWhenInputDoesNotExist() {
        Run r = run("convert", "/nonexistent/x.pcap", "/tmp/y.pcap");
        assertThat(r.code()).isEqualTo(Main.EXIT_USER_ERROR);
        assertThat(r.err()).contains("/nonexistent/x.pcap: no such capture file");
    }

    @Test
    void shouldListSubcommandsWhenRunWithoutArguments() {
        Run r = run();
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Usage: pushcap").contains("convert");
    }
}
