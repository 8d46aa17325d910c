package io.pushcap.cli;

import io.pushcap.testing.Cmd;
import io.pushcap.testsupport.CraftedCaptures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code pushcap convert} to pcapng: judged by tcpdump, and by tshark where tcpdump cannot read the input. */
class ConvertCommandTest {
    @TempDir
    Path dir;

    @Test
    void shouldWritePcapngHoldingTheFilteredPacketsWhenOutIsNamedPcapng() throws Exception {
        Path in = CraftedCaptures.ethernet(dir.resolve("in.pcap"), 400, 11);
        Path out = dir.resolve("tcp.pcapng");
        MainTest.Run r = MainTest.run("convert", in.toString(), out.toString(), "-f", "tcp");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Cmd.run("capinfos", "-t", out.toString()).stdout()).contains("pcapng");
        List<String> expected = CraftedCaptures.tcpdumpRecords(in, "tcp");
        assertThat(expected).hasSizeGreaterThan(100);
        assertThat(CraftedCaptures.tcpdumpRecords(out)).isEqualTo(expected);
    }

    @Test
    void shouldKeepEveryLinkTypeOfAMixedPcapngWhenWritingPcapngAndRefusePcap() throws Exception {
        Path eth = CraftedCaptures.ethernet(dir.resolve("eth.pcap"), 300, 12);
        Path raw = CraftedCaptures.rawIp(CraftedCaptures.ethernet(dir.resolve("eth2.pcap"), 300, 13), dir.resolve("raw.pcap"));
        Path mixed = dir.resolve("mixed.pcapng");
        Cmd.run("mergecap", "-F", "pcapng", "-w", mixed.toString(), eth.toString(), raw.toString()).ok();

        Path out = dir.resolve("out.pcapng");
        MainTest.Run r = MainTest.run("convert", mixed.toString(), out.toString(), "-f", "tcp");
        assertThat(r.code()).as(r.err()).isZero();
        // The filter is compiled for each link type: tshark's "tcp" finds the same frames, bytes included.
        assertThat(tshark(out, "")).isEqualTo(tshark(mixed, "tcp")).hasSizeGreaterThan(200);
        assertThat(tshark(out, "").stream().map(l -> l.split("\t")[2]).distinct().count())
                .as("Ethernet and raw IP frames").isEqualTo(2);

        MainTest.Run pcap = MainTest.run("convert", mixed.toString(), dir.resolve("out.pcap").toString());
        assertThat(pcap.code()).isEqualTo(Main.EXIT_USER_ERROR);
        assertThat(pcap.err()).contains("a pcap file holds one link type (write pcapng: OUT.pcapng or --pcapng)");
    }

    /** One line per frame: time, length, encapsulation, addresses, ports, sequence number and checksum. */
    private static List<String> tshark(Path file, String filter) {
        return Cmd.run(null, 120, List.of("tshark", "-r", file.toString(), "-Y", filter.isEmpty() ? "frame" : filter,
                "-T", "fields", "-e", "frame.time_epoch", "-e", "frame.len", "-e", "frame.encap_type", "-e", "ip.src",
                "-e", "ipv6.src", "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "tcp.seq_raw", "-e", "tcp.checksum"))
                .lines();
    }
}
