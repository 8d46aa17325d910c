package io.pushcap.it;

import io.pushcap.testsupport.PcapRecords;
import io.pushcap.testsupport.PushcapCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Decap is on by default, and a FilterBPF that names encapsulation headers ({@code vlan 1}) is
 * matched against the frame as captured: the seed's "multiple lxc_ring" example delivers exactly
 * what {@code tcpdump 'vlan 1'} selects (it used to deliver nothing: the tags were gone before the
 * filter), while a filter on inner headers ({@code tcp}) still sees through the tags.
 */
class VlanFilterIT {

    @Test
    void shouldDeliverTcpdumpsVlanSelectionWhenTheSeedsLxcExampleRunsWithDecapOn(@TempDir Path tmp) throws Exception {
        Path input = taggedTraffic(tmp);
        List<String> vlan1 = PcapRecords.records(input, "vlan 1");
        assertThat(vlan1).hasSizeGreaterThan(500);
        Path queue = tmp.resolve("queue");
        Files.createDirectories(queue);
        Path config = tmp.resolve("push_lxc_multiple_vlans.lua");
        Files.writeString(config, Files.readString(PushcapCli.home().resolve("examples/push_lxc_multiple_vlans.lua"))
                .replace("/tmp/pushcap-examples/queue", queue.toString()));
        PushcapCli.run(tmp, "ring", "create", "-s", "16m", queue.resolve("lxc_ring0").toString(),
                queue.resolve("lxc_ring1").toString()).ok();

        PushcapCli.Result check = PushcapCli.run(tmp, "check", config.toString()).ok();
        assertThat(check.stdout()).contains("Decap       = true").contains("matched against the frame as captured");
        PushcapCli.Result push = PushcapCli.run(tmp, Duration.ofSeconds(120), Map.of(), "push", "--config",
                config.toString(), "--force", "--offline", input.toString(), "--log-dir", tmp.resolve("logs").toString(),
                "--state-dir", tmp.resolve("var").toString()).ok();
        assertThat(push.all()).contains("published " + vlan1.size() + " + filtered " + (count(input) - vlan1.size()));

        for (String ring : List.of("lxc_ring0", "lxc_ring1")) {
            Path out = tmp.resolve(ring + ".pcap");
            Process cat = new ProcessBuilder(PushcapCli.launcher().toString(), "cat", "--from-start", "-c",
                    Integer.toString(vlan1.size()), queue.resolve(ring).toString()).directory(tmp.toFile())
                    .redirectOutput(out.toFile()).redirectError(tmp.resolve(ring + ".err").toFile()).start();
            boolean ended = cat.waitFor(60, TimeUnit.SECONDS);
            if (!ended) {
                cat.descendants().forEach(ProcessHandle::destroyForcibly);
                cat.destroyForcibly();
            }
            assertThat(ended).as("cat of %s ends after %d packets", ring, vlan1.size())
                    .isTrue();
            assertThat(cat.exitValue()).as(Files.readString(tmp.resolve(ring + ".err"))).isZero();
            assertThat(PcapRecords.records(out, null)).as("%s holds tcpdump's 'vlan 1' selection", ring)
                    .isEqualTo(vlan1);
            String info = PushcapCli.run(tmp, "ring", "info", queue.resolve(ring).toString()).ok().stdout();
            assertThat(info).as("%s holds no more than the selection", ring)
                    .contains("held         " + vlan1.size() + " packets");
        }
    }

    @Test
    void shouldFilterInnerHeadersThroughTagsAndTagsOnTheCapturedFrameWhenDecapIsOn(@TempDir Path tmp) throws Exception {
        Path input = taggedTraffic(tmp);
        Path config = tmp.resolve("push.lua");
        List<String> targets = new ArrayList<>();
        for (String[] t : new String[][] {{"vlan1-tcp", "vlan 1 and tcp"}, {"vlan2", "vlan 2"}, {"tcp", "tcp"}}) {
            targets.add("table.insert(Config.Target, { Desc = \"" + t[0] + "\", Mode = \"File\", Path = \""
                    + tmp.resolve(t[0]) + "/\", Split = \"--split-byte 1e9\", FileName = \"--filename-epoch-sec\","
                    + " FilterBPF = \"" + t[1] + "\" })");
        }
        Files.writeString(config, "local Config = {}\nConfig.Target = {}\n" + String.join("\n", targets)
                + "\nreturn Config\n");
        PushcapCli.run(tmp, Duration.ofSeconds(120), Map.of(), "push", "--config", config.toString(), "--force",
                "--offline", input.toString(), "--log-dir", tmp.resolve("logs").toString(), "--state-dir",
                tmp.resolve("var").toString()).ok();

        assertThat(published(tmp.resolve("vlan1-tcp"))).isEqualTo(PcapRecords.records(input, "vlan 1 and tcp"));
        assertThat(published(tmp.resolve("vlan2"))).isEqualTo(PcapRecords.records(input, "vlan 2"));
        // Decap on: "tcp" sees the TCP packets behind the tags too (tcpdump needs "vlan and tcp" for those).
        assertThat(published(tmp.resolve("tcp"))).isEqualTo(PcapRecords.records(input, "tcp or (vlan and tcp)"));
    }

    /** Plain generated traffic, every third packet tagged VLAN 1, every third VLAN 2, the rest untagged. */
    private static Path taggedTraffic(Path tmp) throws Exception {
        Path plain = tmp.resolve("plain.pcap");
        PushcapCli.run(tmp, "gen", "-w", plain.toString(), "--packets", "3000", "--pps", "100", "--mix", "plain").ok();
        Path tagged = tmp.resolve("vlan.pcap");
        PcapRecords.tagVlans(plain, tagged, 1, 2, 0);
        return tagged;
    }

    private static int count(Path file) {
        return PcapRecords.records(file, null).size();
    }

    private static List<String> published(Path dir) throws Exception {
        List<String> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                all.addAll(PcapRecords.records(f, null));
            }
        }
        return all;
    }
}
