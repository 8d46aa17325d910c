package io.pushcap.it;

import io.pushcap.cli.ExitCodes;
import io.pushcap.testing.Cmd;
import io.pushcap.testsupport.CraftedCaptures;
import io.pushcap.testsupport.PushcapCli;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A damaged capture through the real {@code bin/pushcap push}: every whole packet before the
 * damage is published, by every target, whatever its split; then the push names the file and the
 * offset of the damage and exits DAMAGED (4). tcpdump, which reads up to the damage, is the judge.
 */
class DamagedCaptureIT {
    private static final int PACKETS = 100;

    @TempDir
    static Path dir;
    static Path pcap;
    static Path pcapng;
    static List<Long> records;
    static List<long[]> blocks;

    @BeforeAll
    static void captures() throws Exception {
        pcap = CraftedCaptures.ethernet(dir.resolve("whole.pcap"), PACKETS, 5);
        records = CraftedCaptures.pcapRecordOffsets(pcap);
        assertThat(records).hasSize(PACKETS);
        pcapng = dir.resolve("whole.pcapng");
        Cmd.run("editcap", "-F", "pcapng", pcap.toString(), pcapng.toString()).ok();
        blocks = CraftedCaptures.pcapngBlocks(pcapng).stream().filter(b -> b[1] == 6).toList();
        assertThat(blocks).hasSize(PACKETS);
    }

    @Test
    void shouldPublishWholePacketsWhenPcapIsTruncatedInsideItsLastRecord() throws Exception {
        long damage = records.get(PACKETS - 1);
        Path in = CraftedCaptures.truncate(pcap, damage + 16 + 10, dir.resolve("cut-record.pcap"));
        assertDamagedPush(in, PACKETS - 1, damage);
    }

    @Test
    void shouldPublishWholePacketsWhenPcapIsTruncatedInsideARecordHeader() throws Exception {
        long damage = records.get(60);
        Path in = CraftedCaptures.truncate(pcap, damage + 7, dir.resolve("cut-header.pcap"));
        assertDamagedPush(in, 60, damage);
    }

    @Test
    void shouldPublishWholePacketsWhenALaterPcapRecordHeaderIsAbsurd() throws Exception {
        long damage = records.get(30);
        Path in = CraftedCaptures.patchInt(pcap, damage + 8, 0x7fffffff, dir.resolve("absurd.pcap"));
        assertDamagedPush(in, 30, damage);
    }

    @Test
    void shouldPublishWholePacketsWhenPcapngIsTruncatedInsideItsLastBlock() throws Exception {
        long damage = blocks.get(PACKETS - 1)[0];
        Path in = CraftedCaptures.truncate(pcapng, damage + 20, dir.resolve("cut-block.pcapng"));
        assertDamagedPush(in, PACKETS - 1, damage);
    }

    @Test
    void shouldPublishWholePacketsWhenPcapngIsTruncatedInsideABlockHeader() throws Exception {
        long damage = blocks.get(42)[0];
        Path in = CraftedCaptures.truncate(pcapng, damage + 5, dir.resolve("cut-block-header.pcapng"));
        assertDamagedPush(in, 42, damage);
    }

    @Test
    void shouldPublishWholePacketsWhenALaterPcapngBlockLengthIsAbsurd() throws Exception {
        long damage = blocks.get(30)[0];
        Path in = CraftedCaptures.patchInt(pcapng, damage + 4, 0x7ffffff0, dir.resolve("absurd.pcapng"));
        assertDamagedPush(in, 30, damage);
    }

    @Test
    void shouldWriteWholePacketsAndExitDamagedWhenConvertReadsATruncatedCapture() throws Exception {
        long damage = records.get(70);
        Path in = CraftedCaptures.truncate(pcap, damage + 16 + 3, dir.resolve("convert-cut.pcap"));
        Path out = dir.resolve("convert-cut.out.pcap");
        PushcapCli.Result r = PushcapCli.run(dir, "convert", in.toString(), out.toString());
        assertThat(r.exit()).as(r.all()).isEqualTo(ExitCodes.DAMAGED);
        assertThat(r.all()).contains(in.toString(), "at byte offset " + damage);
        assertThat(CraftedCaptures.tcpdumpRecords(out)).isEqualTo(CraftedCaptures.tcpdumpRecords(in)).hasSizeGreaterThan(70);
    }

    /** Two targets (time and byte splits) push {@code in}; each must publish the {@code whole} packets. */
    private static void assertDamagedPush(Path in, int whole, long damageOffset) throws Exception {
        assertThat(CraftedCaptures.tcpdumpCount(in)).as("tcpdump's count of whole packets").isEqualTo(whole);
        assertThat(CraftedCaptures.tcpdumpErrors(in)).as("tcpdump sees the damage").isNotBlank();
        String name = in.getFileName().toString().replace('.', '-');
        Path byTime = dir.resolve(name + "-time");
        Path byBytes = dir.resolve(name + "-bytes");
        Path cfg = dir.resolve(name + ".lua");
        Files.writeString(cfg, """
                local Config = {}
                Config.Target = {}
                table.insert(Config.Target, { Desc = "by-time", Mode = "File", Path = "%s/", Split = "--split-time 5e6",
                    FileName = "--filename-tstr-HHMMSS_SUB" })
                table.insert(Config.Target, { Desc = "by-bytes", Mode = "File", Path = "%s/", Split = "--split-byte 2000",
                    FileName = "--filename-tstr-HHMMSS_SUB" })
                return Config
                """.formatted(byTime, byBytes));
        PushcapCli.Result r = PushcapCli.run(dir, "push", "--config", cfg.toString(), "--force", "--no-progress",
                "--log-dir", dir.resolve("logs-" + name).toString(), "--state-dir", dir.resolve("var-" + name).toString(),
                "--offline", in.toString());
        assertThat(r.exit()).as(r.all()).isEqualTo(ExitCodes.DAMAGED);
        assertThat(r.all()).contains(in.toString(), "at byte offset " + damageOffset, "damaged input");
        List<String> expected = CraftedCaptures.tcpdumpRecords(in);
        for (Path out : List.of(byTime, byBytes)) {
            List<Path> files = files(out);
            assertThat(files).as(out + " holds several splits").hasSizeGreaterThan(1);
            List<String> got = new ArrayList<>();
            long packets = 0;
            for (Path f : files) {
                got.addAll(CraftedCaptures.tcpdumpRecords(f));
                packets += Cmd.capinfosPackets(f);
            }
            assertThat(packets).as("packets published to " + out).isEqualTo(whole);
            assertThat(got).as("records published to " + out).isEqualTo(expected);
        }
    }

    private static List<Path> files(Path outDir) throws IOException {
        try (Stream<Path> s = Files.list(outDir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
