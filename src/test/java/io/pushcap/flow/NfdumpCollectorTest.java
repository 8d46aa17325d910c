package io.pushcap.flow;

import io.pushcap.cli.Main;
import io.pushcap.pcap.TimestampPrecision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** nfdump's nfcapd judges what {@code pushcap flows export} sends: every flow, packet and octet arrives intact. */
class NfdumpCollectorTest {
    private static final long T0 = 1_700_000_000_000_000_000L;

    @TempDir
    Path dir;

    static String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int rc = cl.execute(args);
        assertEquals(0, rc, "pushcap " + String.join(" ", args) + " failed: " + err);
        return err.toString();
    }

    @Test
    void shouldStoreEveryFlowPacketAndOctetWhenNfcapdCollects() throws Exception {
        TrafficScript script = TrafficScript.standard(T0, true);
        Path pcap = dir.resolve("mix.pcap");
        script.write(pcap, TimestampPrecision.NANO);
        List<Map<String, String>> records;
        try (Nfcapd nfcapd = Nfcapd.start(dir)) {
            // A small MTU spreads the flows over many messages; a refresh every 5 messages re-sends templates.
            String summary = run("flows", "export", "--offline", pcap.toString(), "--collector", "127.0.0.1:" + nfcapd.port(),
                    "--mtu", "300", "--template-refresh-messages", "5", "--domain", "77");
            assertTrue(summary.contains(script.frameCount() + " packets read"), summary);
            records = nfcapd.stopAndRead();
            String log = nfcapd.log();
            assertTrue(log.contains("Observation domain 77"), log);
            assertTrue(log.contains("Sequence Errors: 0, Bad Packets: 0"), log);
        }
        Map<String, TrafficScript.Totals> got = new TreeMap<>();
        for (Map<String, String> r : records) {
            got.merge(Nfcapd.key(r), new TrafficScript.Totals(Long.parseLong(r.get("in_packets")), Long.parseLong(r.get("in_bytes"))),
                    (a, b) -> new TrafficScript.Totals(a.packets() + b.packets(), a.octets() + b.octets()));
        }
        assertEquals(script.expected(), got);
    }
}
