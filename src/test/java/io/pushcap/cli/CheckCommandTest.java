package io.pushcap.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckCommandTest {
    private static final Path HOME = Path.of(System.getProperty("pushcap.home", "."));

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int check(Path file) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute("check", file.toString());
    }

    @Test
    void shouldPrintEveryFieldAndExitZeroWhenConfigIsValid() {
        Path file = HOME.resolve("etc/push_pcap.lua");
        assertEquals(0, check(file), err.toString());
        String text = out.toString();
        assertTrue(text.startsWith(file + ": valid, 1 target\n"), text);
        assertTrue(text.contains("\ntarget 'pcap-all' (" + file + ":12)\n"), text);
        for (String line : new String[] {
            "  Desc        = pcap-all", "  Mode        = FILE", "  Path        = out/pcap-all",
            "  Split       = --split-time 60000000000 (60 s)", "  FileName    = --filename-tstr-HHMMSS",
            "  FileSuffix  = .pcap.zst", "  FilterBPF   = none (every packet)", "  Decap       = true",
            "  Compress    = zstd:1:auto", "  PipeCmd     = none", "  CPU         = any", "  TimeoutRing = 0 (none)"}) {
            assertTrue(text.contains("\n" + line + "\n"), line + " missing in:\n" + text);
        }
        assertEquals("", err.toString());
    }

    @Test
    void shouldShowNotesWhenATargetUsesApplianceOnlyOptions() {
        assertEquals(0, check(HOME.resolve("examples/push_magpack_ftp.lua")), err.toString());
        assertTrue(out.toString().contains("\n  note: Chunked = true: pushcap always moves packets in batches, so this changes nothing\n"),
                out.toString());
        assertTrue(out.toString().contains("\n  Split       = --split-byte 1000000000 (1 GB)\n"), out.toString());
    }

    @Test
    void shouldListEveryProblemAndExitTwoWhenConfigIsInvalid(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("push_pcap.lua");
        Files.writeString(file, """
                local Config = {}
                Config.Target = {}
                table.insert(Config.Target,
                {
                    Desc      = "nfs-tcp",
                    Path      = "%s/push/tcp",
                    Split     = "--split-tim 60e9",
                    FileName  = "--filename-epoch-sec-startend",
                    Decap     = "yes",
                })
                return Config
                """.formatted(dir));
        assertEquals(Main.EXIT_USER_ERROR, check(file));
        assertEquals(file + ":7: target 'nfs-tcp': Split: '--split-tim 60e9' (expected --split-time NS, --split-byte N or"
                + " --split-size N; " + io.pushcap.config.SplitRule.HUMAN_FORMS + ")\n"
                + file + ":9: target 'nfs-tcp': Decap: 'yes' (expected a boolean, true or false; got a string)\n"
                + file + ": 2 problems, nothing would be pushed\n", err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void shouldSaySoWhenTheFileDoesNotExist(@TempDir Path dir) {
        Path file = dir.resolve("missing.lua");
        assertEquals(Main.EXIT_USER_ERROR, check(file));
        assertEquals(file + ": no such file\n" + file + ": 1 problem, nothing would be pushed\n", err.toString());
    }
}
