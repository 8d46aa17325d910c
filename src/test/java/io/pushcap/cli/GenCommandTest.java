package io.pushcap.cli;

import io.pushcap.PushcapException;
import io.pushcap.synth.TrafficGeneratorTestAccess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** {@code pushcap gen}: options reach the generator, bad values are user errors naming the option. */
class GenCommandTest {
    @TempDir
    Path dir;

    private int run(StringWriter err, String... args) {
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    @Test
    void shouldWriteCaptureAndTwinWhenOptionsAreValid() throws Exception {
        Path out = dir.resolve("g.pcap");
        Path twin = dir.resolve("t.pcap");
        StringWriter err = new StringWriter();
        int rc = run(err, "gen", "-w", out.toString(), "--packets", "1234", "--mix", "tunnels", "--seed", "7",
                "--pps", "1000", "--start", "5000000000", "--flows", "50", "--twin", twin.toString(), "--snaplen", "1600");
        assertEquals(0, rc, err.toString());
        assertEquals(1234, TrafficGeneratorTestAccess.count(out));
        assertEquals(1234, TrafficGeneratorTestAccess.count(twin));
        assertFalse(Files.exists(dir.resolve("g.pcap.pending")));
    }

    @Test
    void shouldRefuseUnknownMixWithTheOptionInTheMessage() {
        StringWriter err = new StringWriter();
        int rc = run(err, "gen", "-w", dir.resolve("x.pcap").toString(), "--mix", "weird");
        assertEquals(Main.EXIT_USER_ERROR, rc);
        assertTrue(err.toString().contains("--mix 'weird'"), err.toString());
        assertFalse(Files.exists(dir.resolve("x.pcap")));
    }

    @Test
    void shouldRefuseBothPacketsAndSize() {
        StringWriter err = new StringWriter();
        int rc = run(err, "gen", "-w", dir.resolve("x.pcap").toString(), "--packets", "5", "--size", "1m");
        assertEquals(Main.EXIT_USER_ERROR, rc);
        assertTrue(err.toString().contains("give one, not both"), err.toString());
    }

    @Test
    void shouldParseSizesWithBinarySuffixes() {
        assertEquals(1L << 30, GenCommand.parseSize("1g"));
        assertEquals(500L << 20, GenCommand.parseSize("500M"));
        assertEquals(1L << 30, GenCommand.parseSize("1GiB"));
        assertEquals(123456, GenCommand.parseSize("123456"));
        PushcapException e = assertThrows(PushcapException.class, () -> GenCommand.parseSize("1x"));
        assertTrue(e.getMessage().contains("--size '1x'"));
        assertThrows(PushcapException.class, () -> GenCommand.parseSize("-5"));
    }
}
