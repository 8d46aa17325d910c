package io.pushcap.it;

import io.pushcap.cli.ExitCodes;
import io.pushcap.testing.Cmd;
import io.pushcap.testsupport.CraftedCaptures;
import io.pushcap.testsupport.PushcapCli;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Link types through the real {@code bin/pushcap}, judged by tcpdump, tshark and capinfos: raw-IP
 * captures filter as tcpdump filters them, a pcapng mixing link types is either written whole as
 * pcapng or refused loudly by a pcap output, and records longer than the snaplen come out as
 * libpcap reads them.
 */
class LinkTypesIT {
    @TempDir
    static Path dir;
    static Path ethernet;
    static Path raw;
    static Path mixed;
    static long rawPackets;

    @BeforeAll
    static void captures() throws Exception {
        Cmd.require("mergecap", "wireshark-common");
        ethernet = CraftedCaptures.ethernet(dir.resolve("eth.pcap"), 60, 1);
        raw = CraftedCaptures.rawIp(CraftedCaptures.ethernet(dir.resolve("eth2.pcap"), 40, 2), dir.resolve("raw.pcap"));
        // mergecap (not pushcap) builds the mixed input: two interfaces, EN10MB and RAW, interleaved in time.
        mixed = dir.resolve("mixed.pcapng");
        Cmd.run("mergecap", "-F", "pcapng", "-w", mixed.toString(), ethernet.toString(), raw.toString()).ok();
        rawPackets = Cmd.capinfosPackets(raw);
        assertThat(rawPackets).isGreaterThan(20);
        assertThat(Cmd.capinfosPackets(mixed)).isEqualTo(60 + rawPackets);
    }

    static Path config(String name, String targets) throws IOException {
        Path c = dir.resolve(name + ".lua");
        Files.writeString(c, "local Config = {}\nConfig.Target = {}\n" + targets + "\nreturn Config\n");
        return c;
    }

    static PushcapCli.Result push(String name, Path config, Path input) throws Exception {
        return PushcapCli.run(dir, "push", "--config", config.toString(), "--force", "--no-progress",
                "--log-dir", dir.resolve("logs-" + name).toString(), "--state-dir", dir.resolve("var-" + name).toString(),
                "--offline", input.toString());
    }

    static List<Path> files(Path outDir) throws IOException {
        try (Stream<Path> s = Files.list(outDir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    static List<String> records(List<Path> files) {
        List<String> out = new ArrayList<>();
        files.forEach(f -> out.addAll(CraftedCaptures.tcpdumpRecords(f)));
        return out;
    }

    @Test
    void shouldFilterRawIpCaptureAsTcpdumpDoesWhenFilterBpfIsSet() throws Exception {
        Path out = dir.resolve("out-raw");
        Path cfg = config("raw", """
                table.insert(Config.Target, { Desc = "raw-tcp", Mode = "File", Path = "%s/", Split = "--split-time 3600e9",
                    FileName = "--filename-epoch-sec", FilterBPF = "tcp" })
                """.formatted(out));
        PushcapCli.Result r = push("raw", cfg, raw);
        assertThat(r.exit()).as(r.all()).isZero();
        List<String> expected = CraftedCaptures.tcpdumpRecords(raw, "tcp");
        assertThat(expected).isNotEmpty();
        assertThat(records(files(out))).isEqualTo(expected);
        assertThat(CraftedCaptures.tcpdumpRecords(raw, "udp")).isNotEmpty(); // the filter did reject something
    }

    @Test
    void shouldFilterRawIpCaptureWhenConvertIsGivenAFilter() throws Exception {
        Path out = dir.resolve("raw-converted.pcap");
        PushcapCli.Result r = PushcapCli.run(dir, "convert", "-f", "tcp", raw.toString(), out.toString());
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(CraftedCaptures.tcpdumpRecords(out)).isEqualTo(CraftedCaptures.tcpdumpRecords(raw, "tcp"));
    }

    @Test
    void shouldFailLoudlyWhenPcapOutputCannotHoldASecondLinkType() throws Exception {
        Path out = dir.resolve("out-mixed-pcap");
        Path cfg = config("mixed-pcap", """
                table.insert(Config.Target, { Desc = "mixed", Mode = "File", Path = "%s/", Split = "--split-time 3600e9",
                    FileName = "--filename-epoch-sec" })
                """.formatted(out));
        PushcapCli.Result r = push("mixed-pcap", cfg, mixed);
        assertThat(r.exit()).as(r.all()).isEqualTo(ExitCodes.INCOMPLETE);
        assertThat(r.all()).contains(rawPackets + " packet(s) not written", rawPackets + " of link type RAW (101)", mixed.toString(),
                "pcapng");
        assertThat(records(files(out))).isEqualTo(CraftedCaptures.tcpdumpRecords(ethernet));
        StringBuilder logs = new StringBuilder();
        for (Path f : files(dir.resolve("logs-mixed-pcap"))) {
            logs.append(Files.readString(f));
        }
        assertThat(logs.toString()).contains("has link type RAW (101)", "use pcapng output", "not written");
    }

    @Test
    void shouldKeepEveryInterfaceWhenOutputIsPcapng() throws Exception {
        // The reference: tcpdump's selection of each interface's packets, merged by mergecap.
        Path ethTcp = dir.resolve("eth-tcp.pcap");
        Path rawTcp = dir.resolve("raw-tcp.pcap");
        Path reference = dir.resolve("mixed-tcp.pcapng");
        Cmd.run("tcpdump", "-r", ethernet.toString(), "-w", ethTcp.toString(), "tcp").ok();
        Cmd.run("tcpdump", "-r", raw.toString(), "-w", rawTcp.toString(), "tcp").ok();
        Cmd.run("mergecap", "-F", "pcapng", "-w", reference.toString(), ethTcp.toString(), rawTcp.toString()).ok();
        long expected = Cmd.capinfosPackets(reference);
        // The format writer sits before compression: plain, an in-process codec and a PipeCmd all carry pcapng.
        record Variant(String name, String keys, String suffix, List<String> decompress) {
        }
        List<Variant> variants = List.of(
                new Variant("plain", "FileSuffix = \".pcapng\",", ".pcapng", List.of()),
                new Variant("zstd", "Format = \"pcapng\", Compress = \"zstd\",", ".pcapng.zst", List.of("zstd", "-d", "-c")),
                new Variant("pipe", "FileSuffix = \".pcapng.gz\", PipeCmd = \"gzip -1 -c\",", ".pcapng.gz",
                        List.of("gzip", "-d", "-c")));
        for (Variant v : variants) {
            Path out = dir.resolve("out-ng-" + v.name());
            Path cfg = config("ng-" + v.name(), """
                    table.insert(Config.Target, { Desc = "ng", Mode = "File", Path = "%s/", Split = "--split-time 3600e9",
                        FileName = "--filename-epoch-sec", %s FilterBPF = "tcp" })
                    """.formatted(out, v.keys()));
            PushcapCli.Result r = push("ng-" + v.name(), cfg, mixed);
            assertThat(r.exit()).as(r.all()).isZero();
            List<Path> published = files(out);
            assertThat(published).hasSize(1);
            Path ng = published.getFirst();
            assertThat(ng.getFileName().toString()).endsWith(v.suffix());
            if (!v.decompress().isEmpty()) {
                List<String> cmd = new ArrayList<>(v.decompress());
                cmd.add(ng.toString());
                ng = dir.resolve("ng-" + v.name() + "-decompressed.pcapng");
                Files.write(ng, Cmd.run(null, 60, cmd).ok().stdoutBytes());
            }
            assertThat(ng.getFileName().toString()).contains(".pcapng");
            String info = Cmd.run("capinfos", "-t", "-c", "-E", ng.toString()).ok().stdout();
            assertThat(info).contains("pcapng").containsPattern("Number of packets: +" + expected + "\n");
            assertThat(expected).isGreaterThan(20);
            assertThat(tshark(ng)).isEqualTo(tshark(reference));
            // Packet bytes, per packet.
            assertThat(Cmd.run("tshark", "-r", ng.toString(), "-x").ok().stdout())
                    .isEqualTo(Cmd.run("tshark", "-r", reference.toString(), "-x").ok().stdout());
        }
    }

    private static List<String> tshark(Path f) {
        return Cmd.run("tshark", "-r", f.toString(), "-T", "fields", "-e", "frame.interface_id", "-e", "frame.encap_type",
                "-e", "frame.len", "-e", "frame.cap_len", "-e", "frame.time_epoch").ok().lines();
    }

    @Test
    void shouldReadRecordsLongerThanSnaplenAsLibpcapDoesWhenPushed() throws Exception {
        // snaplen 100; the second record claims 200 captured bytes: libpcap cuts it to 100.
        Path in = dir.resolve("long-records.pcap");
        ByteBuffer b = ByteBuffer.allocate(24 + 3 * 16 + 60 + 200 + 60).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(100).putInt(1);
        int[] lens = {60, 200, 60};
        for (int i = 0; i < 3; i++) {
            b.putInt(1_700_000_000 + i).putInt(i).putInt(lens[i]).putInt(lens[i]);
            byte[] frame = new byte[lens[i]];
            for (int j = 0; j < frame.length; j++) {
                frame[j] = (byte) (j + i);
            }
            frame[12] = (byte) 0x88;
            frame[13] = (byte) 0xb5; // local experimental ethertype: tcpdump prints it as is
            b.put(frame);
        }
        Files.write(in, b.array());
        Path reference = dir.resolve("long-records.tcpdump.pcap");
        Cmd.run("tcpdump", "-r", in.toString(), "-w", reference.toString()).ok();

        Path out = dir.resolve("out-long");
        Path cfg = config("long", """
                table.insert(Config.Target, { Desc = "long", Mode = "File", Path = "%s/", Split = "--split-time 3600e9",
                    FileName = "--filename-epoch-sec" })
                """.formatted(out));
        PushcapCli.Result r = push("long", cfg, in);
        assertThat(r.exit()).as(r.all()).isZero();
        List<Path> published = files(out);
        assertThat(records(published)).isEqualTo(CraftedCaptures.tcpdumpRecords(reference));
        assertThat(tsharkLengths(published.getFirst())).containsExactly("60\t60", "100\t200", "60\t60");

        Path converted = dir.resolve("long-converted.pcap");
        PushcapCli.run(dir, "convert", in.toString(), converted.toString()).ok();
        assertThat(tsharkLengths(converted)).isEqualTo(tsharkLengths(reference));
    }

    private static List<String> tsharkLengths(Path f) {
        return Cmd.run("tshark", "-r", f.toString(), "-T", "fields", "-e", "frame.cap_len", "-e", "frame.len").ok().lines();
    }
}
