package io.pushcap.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The flows commands refuse bad input before doing any work, with the rule and the value. */
class FlowsCommandTest {
    @TempDir
    Path dir;

    private String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int rc = cl.execute(args);
        return rc + " " + (out + err.toString()).strip();
    }

    private String export(String... more) throws Exception {
        Path pcap = dir.resolve("empty.pcap");
        if (!Files.exists(pcap)) {
            new io.pushcap.pcap.PcapWriter(Files.newOutputStream(pcap), 1, 65535, io.pushcap.pcap.TimestampPrecision.NANO).close();
        }
        String[] args = new String[4 + more.length];
        args[0] = "flows";
        args[1] = "export";
        args[2] = "--offline";
        args[3] = pcap.toString();
        System.arraycopy(more, 0, args, 4, more.length);
        return run(args);
    }

    @Test
    void shouldExitIncompleteWhenTheCollectorGetsNothingAndZeroWhenItListens() throws Exception {
        Path pcap = io.pushcap.testsupport.CraftedCaptures.ethernet(dir.resolve("flows.pcap"), 3000, 5);
        int closed;
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        String down = run("flows", "export", "--offline", pcap.toString(), "--collector", "127.0.0.1:" + closed);
        assertTrue(down.startsWith("1 "), down);
        assertTrue(down.contains("records not delivered") && down.contains("a collector did not get every flow"), down);
        try (java.net.DatagramSocket up = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            up.setReceiveBufferSize(8 << 20);
            String ok = run("flows", "export", "--offline", pcap.toString(), "--collector", "127.0.0.1:" + up.getLocalPort());
            assertTrue(ok.startsWith("0 ") && ok.contains(", 0 send errors"), ok);
        }
    }

    @Test
    void shouldNameOptionAndValueWhenExportOptionsAreWrong() throws Exception {
        assertEquals("2 pushcap export: no collector: give --collector HOST:PORT", export());
        assertEquals("2 pushcap export: --collector: collector 'localhost' (expected HOST:PORT)", export("--collector", "localhost"));
        assertEquals("2 pushcap export: --collector: collector port 99999 (expected 1..65535)",
                export("--collector", "h:99999"));
        assertEquals("2 pushcap export: --idle-timeout '-3' (expected seconds > 0 and at most 1e9)",
                export("--collector", "127.0.0.1:9", "--idle-timeout", "-3"));
        assertEquals("2 pushcap export: --fin-timeout 30 (expected at most the idle timeout, 15.0 s)",
                export("--collector", "127.0.0.1:9", "--fin-timeout", "30"));
        assertEquals("2 pushcap export: --mtu 50 (expected 128..65535 bytes of IPFIX)",
                export("--collector", "127.0.0.1:9", "--mtu", "50"));
        assertEquals("2 pushcap export: --max-flows 0 (expected 1..67108864)",
                export("--collector", "127.0.0.1:9", "--max-flows", "0"));
    }

    @Test
    void shouldNameFileWhenInputOrTemplateIsWrong() throws Exception {
        Path missing = dir.resolve("missing.pcap");
        assertEquals("2 pushcap export: " + missing + ": no such capture file (or not readable)",
                run("flows", "export", "--offline", missing.toString(), "--collector", "127.0.0.1:9"));
        Path tpl = dir.resolve("flows.yaml");
        Files.writeString(tpl, "templates:\n- id: 1024\n  template:\n  - FlowEndMilliseconds\n  - OctetDeltaCnt\n");
        String r = export("--collector", "127.0.0.1:9", "--template", tpl.toString());
        assertEquals("2 pushcap export: " + tpl + ":2: template 1024: unknown information element 'OctetDeltaCnt' (expected one of",
                r.substring(0, r.indexOf("(expected one of") + 16));
    }

    @Test
    void shouldNameMissingRingAndHowToCreateItWhenMeterGetsUnknownRing() {
        Path ring = dir.resolve("cisco");
        assertEquals("2 pushcap meter: --ring " + ring + ": no ring at " + ring + " (create one with: pushcap ring create -s 100m "
                + ring + ")", run("flows", "meter", "--ring", ring.toString(), "--collector", "127.0.0.1:9",
                "--control", dir.resolve("s").toString()));
    }

    @Test
    void shouldMeterRingLiveAndDumpItsCacheWhenMeterFollowsARing() throws Exception {
        Path ring = dir.resolve("flows.ring");
        Path control = dir.resolve("flows.sock");
        try (io.pushcap.ring.RingFile rf = io.pushcap.ring.RingFile.create(ring,
                new io.pushcap.ring.RingFile.CreateOptions(4L << 20, false));
             io.pushcap.ring.RingWriter w = rf.writer("test")) {
            w.declare(1, 65535);
            Process meter = new ProcessBuilder(io.pushcap.capture.JavaProcess.command(java.util.List.of(),
                    "io.pushcap.cli.Main", "flows", "meter", "--ring", ring.toString(), "--collector", "127.0.0.1:9",
                    "--control", control.toString())).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("meter.log").toFile()).start();
            try {
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (!java.nio.file.Files.exists(control) && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                long now = System.currentTimeMillis() * 1_000_000L;
                for (int i = 0; i < 30; i++) {
                    byte[] f = io.pushcap.testing.Frames.udp(0x0a000001, 0x0a000002, 4000 + (i % 2), 53, 20, i);
                    w.write(new io.pushcap.pcap.Packet().set(java.lang.foreign.MemorySegment.ofArray(f), 0, f.length,
                            f.length, now + i, 1, 0));
                }
                String dump = "";
                while (System.nanoTime() < deadline) {
                    dump = run("flows", "dump", "-o", "normal", "--control", control.toString());
                    if (dump.contains("10.0.0.1:4000") && dump.contains("10.0.0.1:4001")) {
                        break;
                    }
                }
                assertTrue(dump.contains("17 10.0.0.1:4000 10.0.0.2:53 15 ") && dump.contains("17 10.0.0.1:4001 10.0.0.2:53 15 "),
                        dump + "\n" + java.nio.file.Files.readString(dir.resolve("meter.log")));
            } finally {
                meter.destroy();
                meter.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
    }
}
