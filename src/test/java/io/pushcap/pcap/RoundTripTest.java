package io.pushcap.pcap;

import io.pushcap.cli.Main;
import io.pushcap.testing.Cmd;
import io.pushcap.testing.Frames;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** pcap -> pcapng (editcap) -> pcap (ours): every record byte and every ns timestamp survives. */
class RoundTripTest {
    @TempDir
    Path dir;
    Path original;
    final List<String> expected = new ArrayList<>();

    @BeforeEach
    void writeOriginal() throws Exception {
        original = dir.resolve("orig.pcap");
        try (PcapWriter w = PcapWriter.create(original, LinkType.ETHERNET, 262144, TimestampPrecision.NANO)) {
            long ts = 1_650_000_000_000_000_007L;
            for (int i = 0; i < 3000; i++) {
                byte[] f = Frames.udp(0xc0a80000 + i, 0x0a000001, 40000 + i, 7000 + (i % 5), (i * 37) % 1460, i);
                int wire = i % 10 == 0 ? f.length + 100 : f.length; // some truncated records
                w.write(ts, wire, MemorySegment.ofArray(f), 0, f.length);
                expected.add(ts + "/" + f.length + "/" + wire + "/" + HexFormat.of().formatHex(f));
                ts += 1 + (i * 7919L) % 1_000_000;
            }
        }
    }

    @Test
    void shouldPreserveEveryRecordWhenConvertedToPcapngAndBack() throws Exception {
        Cmd.require("editcap", "wireshark-common");
        Path ng = dir.resolve("orig.pcapng");
        Cmd.run("editcap", "-F", "pcapng", original.toString(), ng.toString()).ok();
        assertThat(records(ng)).isEqualTo(expected);

        Path back = dir.resolve("back.pcap");
        int rc = Main.commandLine().execute("convert", ng.toString(), back.toString());
        assertThat(rc).isZero();
        assertThat(Files.readAllBytes(back)).isEqualTo(Files.readAllBytes(original));
    }

    @Test
    void shouldCopyPcapByteForByteWhenConvertingPcapToPcap() throws Exception {
        Path copy = dir.resolve("copy.pcap");
        assertThat(Main.commandLine().execute("convert", original.toString(), copy.toString())).isZero();
        assertThat(Files.readAllBytes(copy)).isEqualTo(Files.readAllBytes(original));
        assertThat(Cmd.capinfosPackets(copy)).isEqualTo(3000);
    }

    @Test
    void shouldTruncateToMicrosecondsWhenTcpdumpRewritesTheFile() throws Exception {
        Cmd.require("tcpdump", "tcpdump");
        Path micro = dir.resolve("micro.pcap");
        Cmd.run("tcpdump", "-r", original.toString(), "-w", micro.toString()).ok();
        List<String> got = records(micro);
        assertThat(got).hasSize(expected.size());
        for (int i = 0; i < got.size(); i++) {
            String[] e = expected.get(i).split("/", 2);
            String[] g = got.get(i).split("/", 2);
            assertThat(Long.parseLong(g[0])).isEqualTo(Long.parseLong(e[0]) / 1000 * 1000);
            assertThat(g[1]).isEqualTo(e[1]);
        }
    }

    @Test
    void shouldKeepOnlyMatchingPacketsLikeTcpdumpWhenConvertIsFiltered() throws Exception {
        Path filtered = dir.resolve("f.pcap");
        assertThat(Main.commandLine().execute("convert", "-f", "udp dst port 7001 or udp dst port 7003",
                original.toString(), filtered.toString())).isZero();
        List<String> ours = Cmd.tcpdump(filtered, "--nano", "-tt");
        List<String> theirs = Cmd.tcpdump(original, "--nano", "-tt", "udp dst port 7001 or udp dst port 7003");
        assertThat(ours).hasSize(1200).isEqualTo(theirs);
    }

    static List<String> records(Path file) throws Exception {
        List<String> out = new ArrayList<>();
        try (CaptureReader r = CaptureFiles.open(file)) {
            Packet p = new Packet();
            while (r.next(p)) {
                out.add(p.timestampNanos() + "/" + p.caplen() + "/" + p.wirelen() + "/" + HexFormat.of().formatHex(p.toByteArray()));
            }
        }
        return out;
    }
}
