package io.pushcap.flow.ipfix;

import io.pushcap.config.FlowExportConfig;
import io.pushcap.config.FlowMeterConfig;
import io.pushcap.flow.FlowMeter;
import io.pushcap.flow.TrafficScript;
import io.pushcap.metrics.MetricsRegistry;
import io.pushcap.pcap.CaptureFiles;
import io.pushcap.pcap.CaptureReader;
import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.Packet;
import io.pushcap.pcap.PcapWriter;
import io.pushcap.pcap.TimestampPrecision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.pushcap.flow.Frames.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Wireshark's IPFIX dissector (cflow) judges the exported messages: it must decode every message
 * without a malformed-packet or expert warning (sequence numbers included), and the flows it
 * reads must add up to the capture's packets and octets.
 */
class TsharkIpfixTest {
    private static final long T0 = 1_700_000_000_000_000_000L;
    private static final int IPFIX_PORT = 4739;

    @TempDir
    Path dir;

    private static List<String> tshark(Path pcap, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", pcap.toString(), "-d", "udp.port==" + IPFIX_PORT + ",cflow"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes());
        String err = new String(p.getErrorStream().readAllBytes());
        assertEquals(0, p.waitFor(), "tshark failed: " + err);
        return out.isEmpty() ? List.of() : List.of(out.split("\n"));
    }

    /** Frames with a malformed part, an expert warning or error, or a sequence number other than expected. */
    private static List<String> problems(Path pcap) throws Exception {
        return tshark(pcap, "-Y", "_ws.malformed || _ws.expert.severity >= 0x00600000 || cflow.sequence_analysis.expected_sn"
                + " || cflow.unexpected_sequence_number", "-T", "fields", "-e", "frame.number", "-e", "_ws.expert.message");
    }

    private static void writeUdp(Path file, List<byte[]> messages) throws Exception {
        try (PcapWriter w = PcapWriter.create(file, LinkType.ETHERNET, 65535, TimestampPrecision.MICRO)) {
            long ts = T0;
            for (byte[] m : messages) {
                byte[] frame = eth(0x0800, ipv4("127.0.0.1", "127.0.0.1", UDP, udp(40000, IPFIX_PORT, m)));
                w.write(ts += 1000, frame.length, MemorySegment.ofArray(frame), 0, frame.length);
            }
        }
    }

    @Test
    void shouldDecodeEveryMessageWithoutWarningsWhenTsharkReadsExport() throws Exception {
        io.pushcap.flow.Tools.require("tshark", "tshark");
        TrafficScript script = TrafficScript.standard(T0, true);
        Path capture = dir.resolve("mix.pcap");
        script.write(capture, TimestampPrecision.NANO);
        List<byte[]> messages;
        try (UdpReceiver rx = new UdpReceiver()) {
            FlowExportConfig c = new FlowExportConfig(List.of(new FlowExportConfig.Collector("127.0.0.1", rx.port(),
                    FlowExportConfig.Transport.UDP, "test")), 12, 400, 0, 4, List.of(), List.of(), "test");
            int sent;
            try (FlowExporter e = new FlowExporter(c, () -> System.currentTimeMillis() * 1_000_000L, T0, new MetricsRegistry(), "");
                 CaptureReader r = CaptureFiles.open(capture)) {
                FlowMeter m = new FlowMeter(FlowMeterConfig.defaults(FlowMeterConfig.Clock.PACKET), e, new MetricsRegistry(), "");
                Packet p = new Packet();
                while (r.next(p)) {
                    m.meter(p);
                }
                m.flushAll();
                e.flush();
                sent = (int) (e.sequence());
            }
            assertTrue(sent > 20);
            messages = rx.drain(1);
        }
        Path export = dir.resolve("export.pcap");
        writeUdp(export, messages);
        assertEquals(List.of(), problems(export), "tshark found problems");
        // The judge can fail: the same export with one message lost shows a sequence error.
        List<byte[]> gap = new ArrayList<>(messages);
        gap.remove(5);
        Path lossy = dir.resolve("lossy.pcap");
        writeUdp(lossy, gap);
        assertEquals(1, problems(lossy).size(), "tshark did not notice a lost message");
        List<String> summary = tshark(export, "-T", "fields", "-e", "cflow.version", "-e", "cflow.od_id", "-E", "occurrence=f");
        assertEquals(messages.size(), summary.size());
        assertTrue(summary.stream().allMatch(l -> l.equals("10\t12")), summary.toString());
        List<String> flows = tshark(export, "-T", "fields", "-E", "aggregator=;", "-e", "cflow.protocol", "-e", "cflow.packets",
                "-e", "cflow.octets");
        long packets = 0;
        long octets = 0;
        for (String l : flows) {
            String[] w = l.split("\t", -1);
            if (w[1].isEmpty()) {
                continue; // templates-only message
            }
            for (String v : w[1].split(";")) {
                packets += Long.parseLong(v);
            }
            for (String v : w[2].split(";")) {
                octets += Long.parseLong(v);
            }
        }
        long expectedPackets = script.expected().values().stream().mapToLong(TrafficScript.Totals::packets).sum();
        long expectedOctets = script.expected().values().stream().mapToLong(TrafficScript.Totals::octets).sum();
        assertEquals(expectedPackets, packets);
        assertEquals(expectedOctets, octets);
    }
}
