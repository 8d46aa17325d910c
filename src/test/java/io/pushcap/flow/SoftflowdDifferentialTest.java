package io.pushcap.flow;

import io.pushcap.pcap.TimestampPrecision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same capture metered by softflowd ({@code softflowd -r FILE -v 10 -n HOST:PORT}) and by
 * {@code pushcap flows export}, each into its own nfcapd: per flow key, the number of flows, packets
 * and octets agree.
 *
 * <p>Fair terms: softflowd never expires flows on time when reading a file (only at the end of
 * it, or when its cache overflows), so pushcap runs with timeouts longer than the capture, and
 * both end everything at the end of the file. VLAN ids are left out of the key: softflowd's
 * default tracking level ignores them (and it does not parse QinQ, so the capture has none). The
 * frames carry no Ethernet padding, because softflowd counts the frame length minus the link
 * header while pushcap counts the IP length (see docs/flows.md).
 */
class SoftflowdDifferentialTest {
    private static final long T0 = 1_700_000_000_000_000_000L;

    @TempDir
    Path dir;

    private static Map<String, long[]> perKey(List<Map<String, String>> records) {
        Map<String, long[]> out = new TreeMap<>();
        for (Map<String, String> r : records) {
            String k = Nfcapd.key(r);
            k = k.substring(0, k.lastIndexOf(' ')); // without the VLAN
            long[] v = out.computeIfAbsent(k, x -> new long[3]);
            v[0]++;
            v[1] += Long.parseLong(r.get("in_packets"));
            v[2] += Long.parseLong(r.get("in_bytes"));
        }
        return out;
    }

    private static String render(Map<String, long[]> m) {
        StringBuilder s = new StringBuilder();
        m.forEach((k, v) -> s.append(k).append(" flows=").append(v[0]).append(" packets=").append(v[1])
                .append(" octets=").append(v[2]).append('\n'));
        return s.toString();
    }

    @Test
    void shouldAgreeWithSoftflowdPerKeyWhenBothEndFlowsAtEndOfFile() throws Exception {
        Tools.require("softflowd", "softflowd");
        TrafficScript script = TrafficScript.standard(T0, false);
        Path pcap = dir.resolve("mix.pcap");
        script.write(pcap, TimestampPrecision.MICRO);

        List<Map<String, String>> theirs;
        try (Nfcapd nfcapd = Nfcapd.start(Files.createDirectories(dir.resolve("softflowd")))) {
            Process p = new ProcessBuilder("softflowd", "-r", pcap.toString(), "-v", "10", "-n", "127.0.0.1:" + nfcapd.port(),
                    "-d", "-p", dir.resolve("softflowd.pid").toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "softflowd did not finish");
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("Packets processed: " + (script.frameCount() - 5)), out); // ARP frames are not processed
            theirs = nfcapd.stopAndRead();
        }
        List<Map<String, String>> ours;
        try (Nfcapd nfcapd = Nfcapd.start(Files.createDirectories(dir.resolve("pushcap")))) {
            NfdumpCollectorTest.run("flows", "export", "--offline", pcap.toString(), "--collector", "127.0.0.1:" + nfcapd.port(),
                    "--idle-timeout", "86400", "--active-timeout", "86400", "--fin-timeout", "86400");
            ours = nfcapd.stopAndRead();
        }
        Map<String, long[]> a = perKey(theirs);
        Map<String, long[]> b = perKey(ours);
        assertTrue(a.size() > 100, "softflowd exported " + a.size() + " keys");
        assertEquals(render(a), render(b));
    }
}
