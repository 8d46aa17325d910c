package io.pushcap.it;

import io.pushcap.testing.Cmd;
import io.pushcap.testsupport.CraftedCaptures;
import io.pushcap.testsupport.PushcapCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Human {@code Split} spellings through the real {@code bin/pushcap push --offline}: a
 * {@code --split-time 20ms} target cuts a file on every 20 ms of packet time, and a
 * {@code "4KiB"} target never writes a file over 4096 bytes. tcpdump counts the packets and
 * says which 20 ms slots they fall in.
 */
class HumanSplitIT {
    private static final int PACKETS = 300;

    @TempDir
    Path dir;

    @Test
    void shouldSplitByHumanDurationAndSizeWhenSplitHasUnits() throws Exception {
        Path in = CraftedCaptures.ethernet(dir.resolve("in.pcap"), PACKETS, 7);
        Path byTime = dir.resolve("time");
        Path bySize = dir.resolve("size");
        Path cfg = dir.resolve("push.lua");
        Files.writeString(cfg, """
                local Config = {}
                Config.Target = {}
                table.insert(Config.Target, { Desc = "by-time", Mode = "File", Path = "%s/", Split = "--split-time 20ms",
                    FileName = "--filename-tstr-HHMMSS_SUB" })
                table.insert(Config.Target, { Desc = "by-size", Mode = "File", Path = "%s/", Split = "4KiB",
                    FileName = "--filename-tstr-HHMMSS_SUB" })
                return Config
                """.formatted(byTime, bySize));
        PushcapCli.Result r = PushcapCli.run(dir, "push", "--config", cfg.toString(), "--force", "--no-progress",
                "--log-dir", dir.resolve("logs").toString(), "--state-dir", dir.resolve("var").toString(),
                "--offline", in.toString());
        assertThat(r.exit()).as(r.all()).isZero();

        long slots = tcpdumpTimes(in).stream().map(t -> t / 20_000_000L).distinct().count();
        assertThat(slots).as("the input spans several 20 ms slots").isGreaterThan(3);
        List<Path> timeFiles = files(byTime);
        assertThat(timeFiles).as("one file per 20 ms slot holding packets").hasSize((int) slots);
        assertThat(packets(timeFiles)).isEqualTo(PACKETS);

        List<Path> sizeFiles = files(bySize);
        long total = 0;
        for (Path f : sizeFiles) {
            assertThat(Files.size(f)).as(f + " is at most 4 KiB").isLessThanOrEqualTo(4096);
            total += Files.size(f);
        }
        assertThat(sizeFiles.size()).as("4 KiB files").isGreaterThanOrEqualTo((int) ((total + 4095) / 4096)).isGreaterThan(1);
        assertThat(packets(sizeFiles)).isEqualTo(PACKETS);
    }

    private static long packets(List<Path> files) {
        long n = 0;
        for (Path f : files) {
            n += Cmd.capinfosPackets(f);
        }
        return n;
    }

    /** Each packet's time in nanoseconds, as tcpdump reads it. */
    private static List<Long> tcpdumpTimes(Path file) {
        List<Long> out = new ArrayList<>();
        for (String line : Cmd.run("tcpdump", "-nn", "-tt", "--time-stamp-precision=nano", "-r", file.toString())
                .ok().stdout().lines().toList()) {
            String ts = line.substring(0, line.indexOf(' '));
            out.add(new BigDecimal(ts).movePointRight(9).longValueExact());
        }
        return out;
    }

    private static List<Path> files(Path outDir) throws IOException {
        try (Stream<Path> s = Files.list(outDir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
