package io.pushcap.cli;

import io.pushcap.capture.JavaProcess;
import io.pushcap.capture.TestFrames;
import io.pushcap.ring.RingFile;
import io.pushcap.ring.RingReader;
import io.pushcap.ring.RingWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class RingCliTest {
    private Path dir;

    record Run(int rc, String out, String err) {
    }

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory(Path.of("/dev/shm"), "pushcap-cli-");
    }

    @AfterEach
    void tearDown() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int rc = cl.execute(FluxcapSpellings.rewrite(args));
        return new Run(rc, out.toString(), err.toString());
    }

    private String d() {
        return dir.toString();
    }

    @Test
    void shouldRewriteFluxcapModesIntoSubcommands() {
        assertArrayEquals(new String[] {"ring", "create", "-s", "100m", "cisco", "dell"},
                FluxcapSpellings.rewrite(new String[] {"-cr", "-s", "100m", "cisco", "dell"}));
        assertArrayEquals(new String[] {"ring", "create", "-s", "100m", "cisco"},
                FluxcapSpellings.rewrite(new String[] {"-s", "100m", "-cr", "cisco"}), "getopt: the mode may come later");
        assertArrayEquals(new String[] {"rx", "-i", "eth1", "cisco"},
                FluxcapSpellings.rewrite(new String[] {"-rx", "-i", "eth1", "cisco"}));
        assertArrayEquals(new String[] {"tx", "-i", "eth2", "cisco"},
                FluxcapSpellings.rewrite(new String[] {"-tx", "-i", "eth2", "cisco"}));
        assertArrayEquals(new String[] {"io", "cisco", "dell"}, FluxcapSpellings.rewrite(new String[] {"-io", "cisco", "dell"}));
        assertArrayEquals(new String[] {"ring", "info", "-io"}, FluxcapSpellings.rewrite(new String[] {"ring", "info", "-io"}));
    }

    @Test
    void shouldCreateRingsWithFluxcapSpellingAndRefuseToOverwrite() {
        Run r = run("-cr", "-s", "1m", "--dir", d(), "cisco", "dell");
        assertEquals(0, r.rc(), r.err());
        assertTrue(Files.exists(dir.resolve("cisco")) && Files.exists(dir.resolve("dell")));
        assertTrue(r.out().contains("created ring " + dir.resolve("cisco") + ": 1.0 MiB"), r.out());
        Run again = run("ring", "create", "-s", "1m", "--dir", d(), "cisco");
        assertEquals(Main.EXIT_USER_ERROR, again.rc());
        assertTrue(again.err().contains("ring " + dir.resolve("cisco") + " already exists"), again.err());
        assertEquals(0, run("ring", "create", "-s", "2m", "--force", "--dir", d(), "cisco").rc());
        Run bad = run("ring", "create", "-s", "lots", "--dir", d(), "x");
        assertEquals(Main.EXIT_USER_ERROR, bad.rc());
        assertTrue(bad.err().contains("-s: 'lots' (expected a positive size"), bad.err());
    }

    @Test
    void shouldLoadFileAndShowInfoAndDelete() throws IOException {
        Path pcap = dir.resolve("in.pcap");
        TestFrames.writePcap(pcap, 300, -1);
        assertEquals(0, run("ring", "create", "-s", "2m", "--dir", d(), "r").rc());
        Run rx = run("rx", "-r", pcap.toString(), "--topspeed", "--dir", d(), "r");
        assertEquals(0, rx.rc(), rx.err());
        Run info = run("ring", "info", "--dir", d(), "r");
        assertEquals(0, info.rc(), info.err());
        assertTrue(info.out().contains("written      packets 300 "), info.out());
        assertTrue(info.out().contains("link type    EN10MB"), info.out());
        assertTrue(info.out().contains("writer       none, source in.pcap"), info.out());
        Run json = run("ring", "info", "--json", "--dir", d(), "r");
        assertTrue(json.out().contains("\"packets\":300,"), json.out());
        assertTrue(json.out().contains("\"packets_held\":300,"), json.out());
        assertTrue(json.out().startsWith("{\"ring\":\"" + dir.resolve("r") + "\""), json.out());

        Files.writeString(dir.resolve("notes"), "x".repeat(100));
        Run refuse = run("ring", "delete", "--dir", d(), "notes");
        assertEquals(Main.EXIT_USER_ERROR, refuse.rc());
        assertTrue(refuse.err().contains("not a pushcap ring"), refuse.err());
        assertEquals(0, run("ring", "delete", "--dir", d(), "r").rc());
        assertFalse(Files.exists(dir.resolve("r")));
    }

    @Test
    void shouldRefuseRxWithoutSourceOrWithUnknownInterface() {
        assertEquals(0, run("ring", "create", "-s", "1m", "--dir", d(), "r").rc());
        Run none = run("rx", "--dir", d(), "r");
        assertEquals(Main.EXIT_USER_ERROR, none.rc());
        assertTrue(none.err().contains("give exactly one of -i IFACE (capture) or -r FILE"), none.err());
        Run bad = run("-rx", "-i", "nosuchnic0", "--dir", d(), "r");
        assertEquals(Main.EXIT_USER_ERROR, bad.rc());
        assertTrue(bad.err().contains("rx -i nosuchnic0: no such interface"), bad.err());
        Run vlan = run("rx", "-r", "x.pcap", "-V", "5000", "--dir", d(), "r");
        assertTrue(vlan.err().contains("-V 5000 (expected a VLAN id 0..4095)"), vlan.err());
    }

    @Test
    void shouldReportRatesAndWarnBeforeAStalledReaderIsOvertaken() throws Exception {
        assertEquals(0, run("ring", "create", "-s", "1m", "--dir", d(), "r").rc());
        AtomicBoolean stop = new AtomicBoolean();
        byte[] frame = TestFrames.frame(1, -1);
        try (RingFile ring = RingFile.open(dir.resolve("r"));
             RingReader stalled = ring.reader(RingReader.Options.latest("stalled"));
             RingWriter w = ring.writer("gen")) {
            Thread writer = Thread.ofPlatform().start(() -> {
                MemorySegment f = MemorySegment.ofArray(frame);
                while (!stop.get()) {
                    w.write(System.currentTimeMillis() * 1_000_000L, frame.length, 1, 0, f, 0, frame.length);
                    LockSupport.parkNanos(50_000);
                }
            });
            Run io = run("io", "--once", "--json", "--interval", "0.5", "--warn", "1e9", "--dir", d(), "r");
            stop.set(true);
            writer.join();
            assertEquals(0, io.rc(), io.err());
            String line = io.out().trim();
            assertFalse(line.contains("\n"), "one line per ring");
            assertTrue(number(line, "packets_per_second") > 0, line);
            assertTrue(number(line, "mbit_per_second") > 0, line);
            assertTrue(line.contains("\"name\":\"stalled\""), line);
            assertTrue(number(line, "lag_packets") > 0, line);
            assertTrue(number(line, "seconds_to_overtake") >= 0, "a stalled reader will be overtaken: " + line);
            assertTrue(line.contains("\"warning\":true"), line);
        }
    }

    private static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":(-?[0-9.]+)").matcher(json);
        assertTrue(m.find(), key + " missing or null in " + json);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void shouldCatRingAsPcapIdenticalToTheLoadedFile() throws Exception {
        Path in = dir.resolve("in.pcap");
        TestFrames.writePcap(in, 500, -1);
        assertEquals(0, run("ring", "create", "-s", "4m", "--dir", d(), "r").rc());
        assertEquals(0, run("rx", "-r", in.toString(), "--topspeed", "--dir", d(), "r").rc());
        Path out = dir.resolve("out.pcap");
        Process cat = JavaProcess.pushcap(List.of(), out, null, "cat", "--from-start", "-c", "500", "--dir", d(), "r");
        assertTrue(cat.waitFor(60, TimeUnit.SECONDS), "cat did not finish");
        assertEquals(0, cat.exitValue());
        assertEquals(tcpdump(in, "--nano", "-tt"), tcpdump(out, "--nano", "-tt"),
                "tcpdump must read the same packets, bytes and ns timestamps");
    }

    @Test
    void shouldInsertVlanAndTruncateExactlyLikeTcprewriteAndEditcap() throws Exception {
        Path in = dir.resolve("in.pcap");
        TestFrames.writePcap(in, 200, -1);
        Path tagged = dir.resolve("tagged.pcap");
        Path expected = dir.resolve("expected.pcap");
        exec("tcprewrite", "--enet-vlan=add", "--enet-vlan-tag=100", "--enet-vlan-cfi=0", "--enet-vlan-pri=0",
                "-i", in.toString(), "-o", tagged.toString());
        exec("editcap", "-s", "64", tagged.toString(), expected.toString());
        assertEquals(0, run("ring", "create", "-s", "4m", "--dir", d(), "r").rc());
        assertEquals(0, run("-rx", "-r", in.toString(), "--topspeed", "-V", "100", "-s", "64", "--dir", d(), "r").rc());
        Path out = dir.resolve("out.pcap");
        Process cat = JavaProcess.pushcap(List.of(), out, null, "cat", "--from-start", "-c", "200", "--dir", d(), "r");
        assertTrue(cat.waitFor(60, TimeUnit.SECONDS));
        String ours = tcpdump(out, "-t", "-e");
        assertEquals(tcpdump(expected, "-t", "-e"), ours);
        assertTrue(ours.contains("vlan 100"), ours.substring(0, Math.min(400, ours.length())));
    }

    static String tcpdump(Path file, String... opts) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("tcpdump", "-nn", "-xx", "-r", file.toString()));
        cmd.addAll(1, List.of(opts));
        return exec(cmd.toArray(String[]::new));
    }

    static String exec(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + err);
        return new String(out, StandardCharsets.UTF_8);
    }
}
