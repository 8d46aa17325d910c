package io.pushcap.it;

import io.pushcap.testsupport.PushcapCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code push --offline} parses in every order a user writes it: options after the sources, and a
 * time range right after {@code --offline} ({@code --offline --day D SOURCE} used to fail: picocli
 * took {@code --day} for the missing SOURCE).
 */
class PushOfflineArgsIT {

    @Test
    void shouldPushWhenOptionsFollowOfflineInAnyOrder(@TempDir Path tmp) throws Exception {
        Path input = tmp.resolve("in.pcap");
        PushcapCli.run(tmp, "gen", "-w", input.toString(), "--packets", "200", "--pps", "100", "--mix", "plain").ok();
        List<List<String>> forms = List.of(
                List.of("--force", "--offline", input.toString(), "--day", "2024-01-01"),
                List.of("--offline", "--day", "20240101", input.toString(), "--force"),
                List.of("--offline", input.toString(), "--from", "2024-01-01T00:00Z", "--to",
                        "2024-01-02T00:00Z"));
        int i = 0;
        for (List<String> form : forms) {
            Path out = tmp.resolve("out" + i);
            Path config = tmp.resolve("push" + i + ".lua");
            Files.writeString(config, "local Config = {}\nConfig.Target = {}\ntable.insert(Config.Target, { Desc = 'a',"
                    + " Path = '" + out + "/', Split = '--split-time 60e9', FileName = '--filename-epoch-sec' })\n"
                    + "return Config\n");
            List<String> args = new ArrayList<>(List.of("push", "--config", config.toString(), "--log-dir",
                    tmp.resolve("logs" + i).toString(), "--state-dir", tmp.resolve("var" + i).toString()));
            args.addAll(form);
            PushcapCli.Result r = PushcapCli.run(tmp, args.toArray(String[]::new));
            assertThat(r.exit()).as("push %s:\n%s", form, r.all()).isZero();
            assertThat(r.all()).as("push %s", form).contains("DONE").contains("published 200");
            assertThat(out.resolve("1704067200.pcap")).exists();
            i++;
        }
    }

    @Test
    void shouldRefuseOfflineWithNeitherSourceNorTimeRange(@TempDir Path tmp) throws Exception {
        PushcapCli.Result r = PushcapCli.run(tmp, "push", "--config", tmp.resolve("none.lua").toString(), "--offline");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr()).contains("--offline needs SOURCE");
    }
}
