package io.pushcap.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** KeepFiles and KeepBytes as push_pcap.lua spells them, the Modes that take them, and their errors. */
class KeepLimitsConfigTest {
    private static final String PATH = System.getenv("PATH");

    @TempDir
    Path dir;

    private Path write(String mode, String path, String... keys) throws IOException {
        Path f = dir.resolve("push_pcap.lua");
        Files.writeString(f, "local Config = {}\nConfig.Target = {}\ntable.insert(Config.Target,\n{\n"
                + "    Desc = \"keep\",\n    Mode = \"" + mode + "\",\n    Path = \"" + path + "\",\n"
                + String.join("\n", keys) + "\n})\nreturn Config\n");
        return f;
    }

    private static final String[] SPLIT = {"    Split = \"--split-time 60e9\",", "    FileName = \"--filename-tstr-HHMMSS\","};

    private TargetConfig load(String... keys) throws IOException {
        return new PushConfigLoader(new HostChecks(4, PATH), LuaSandbox.DEFAULT_INSTRUCTION_LIMIT)
                .load(write("File", dir + "/out/", concat(SPLIT, keys))).targets().getFirst();
    }

    private List<String> problems(String mode, String path, String... keys) throws IOException {
        Path f = write(mode, path, keys);
        return assertThrows(ConfigException.class,
                () -> new PushConfigLoader(new HostChecks(4, PATH), LuaSandbox.DEFAULT_INSTRUCTION_LIMIT).load(f)).problems();
    }

    private List<String> fileProblems(String... keys) throws IOException {
        return problems("File", dir + "/out/", concat(SPLIT, keys));
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void shouldKeepEverythingWhenNoLimitIsSet() throws IOException {
        assertThat(load().keep()).isEqualTo(KeepLimits.NONE);
        assertThat(KeepLimits.NONE.active()).isFalse();
    }

    @Test
    void shouldAcceptCountsBytesAndHumanSizesWhenKeepIsSet() throws IOException {
        assertThat(load("KeepFiles = 3,").keep()).isEqualTo(new KeepLimits(3, 0));
        assertThat(load("KeepBytes = 1e10,").keep()).isEqualTo(new KeepLimits(0, 10_000_000_000L));
        assertThat(load("KeepBytes = \"10GB\",").keep()).isEqualTo(new KeepLimits(0, 10_000_000_000L));
        assertThat(load("KeepBytes = \"500MiB\",").keep()).isEqualTo(new KeepLimits(0, 500L << 20));
        assertThat(load("KeepBytes = \"4096\",").keep()).isEqualTo(new KeepLimits(0, 4096));
        KeepLimits both = load("KeepFiles = 24,", "KeepBytes = \"1.5GB\",").keep();
        assertThat(both).isEqualTo(new KeepLimits(24, 1_500_000_000L));
        assertThat(both.describe()).isEqualTo("KeepFiles 24 and KeepBytes 1500000000");
    }

    @Test
    void shouldNameTargetKeyValueAndValidFormsWhenAKeepValueIsWrong() throws IOException {
        Path f = dir.resolve("push_pcap.lua");
        assertThat(fileProblems("KeepFiles = 0,")).containsExactly(f + ":10: target 'keep': KeepFiles: 0 (expected a"
                + " whole number from 1 to 2147483647: the newest published files this target keeps; older ones are deleted)");
        assertThat(fileProblems("KeepFiles = 2.5,").getFirst()).contains("KeepFiles: 2.5 (expected a whole number from 1");
        assertThat(fileProblems("KeepFiles = \"3\",").getFirst()).contains("KeepFiles: '3' (expected a number");
        assertThat(fileProblems("KeepBytes = \"10 gigs\",")).containsExactly(f + ":10: target 'keep': KeepBytes:"
                + " '10 gigs' (expected a whole number of bytes such as 1e10, or a size such as \"10GB\" or \"500MiB\":"
                + " B, kB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024), at least 1 byte; the"
                + " newest published files whose sizes add up to at most this are kept, older ones are deleted)");
        assertThat(fileProblems("KeepBytes = 0,").getFirst()).contains("KeepBytes: 0 (expected a whole number of bytes");
        assertThat(fileProblems("KeepBytes = -5,").getFirst()).contains("KeepBytes: -5 (expected");
        assertThat(fileProblems("KeepBytes = true,").getFirst()).contains("KeepBytes: true (expected");
        assertThat(fileProblems("KeepBytes = \"10s\",").getFirst()).contains("KeepBytes: '10s' (expected");
    }

    @Test
    void shouldAcceptKeepWhenTheModeWritesFiles() throws IOException {
        Files.writeString(dir.resolve("rclone.conf"), "[disk]\ntype = local\n");
        String[][] modes = {{"CURL", "ftp://u:p@127.0.0.1:2121/x/"}, {"S3", "s3://bucket/x/"}, {"RCLONE", "disk:" + dir + "/r/"}};
        for (String[] m : modes) {
            String[] keys = concat(SPLIT, m[0].equals("RCLONE")
                    ? new String[] {"KeepFiles = 3,", "RcloneConfig = \"" + dir.resolve("rclone.conf") + "\","}
                    : new String[] {"KeepFiles = 3,"});
            TargetConfig t = new PushConfigLoader(new HostChecks(4, PATH), LuaSandbox.DEFAULT_INSTRUCTION_LIMIT)
                    .load(write(m[0], m[1], keys)).targets().getFirst();
            assertThat(t.keep()).as(m[0]).isEqualTo(new KeepLimits(3, 0));
        }
    }

    @Test
    void shouldRefuseKeepWhenTheModeSendsAStream() throws IOException {
        assertThat(problems("LXC", dir + "/ring", "KeepBytes = \"1GB\",")).anySatisfy(p -> assertThat(p)
                .contains("target 'keep': KeepBytes: not used by Mode LXC, which sends one continuous stream, not files"));
        assertThat(problems("TAP", "eth0", "KeepFiles = 3,")).anySatisfy(p -> assertThat(p)
                .contains("target 'keep': KeepFiles: not used by Mode TAP"));
    }

    @Test
    void shouldRefuseKeepWhenAnotherTargetsNamesInTheSameDirectoryWouldMatch() throws IOException {
        Path f = dir.resolve("push_pcap.lua");
        // Path /out/t and /out/t1 with epoch seconds: t1's "t11700000000.pcap" reads as t's, and
        // t's "t1700000000.pcap" as t1's.
        String two = "local Config = {}\nConfig.Target = {}\n"
                + "table.insert(Config.Target, { Desc = \"t\", Path = \"" + dir + "/out/t\", Split = \"60s\","
                + " FileName = \"%s\", %s })\n"
                + "table.insert(Config.Target, { Desc = \"t1\", Path = \"" + dir + "/out/t1\", Split = \"60s\","
                + " FileName = \"%s\", %s })\nreturn Config\n";
        String epoch = "--filename-epoch-sec";
        Files.writeString(f, two.formatted(epoch, "KeepFiles = 3", epoch, ""));
        assertThat(problems(f)).containsExactly(f + ":4: target 't1': Path: '" + dir + "/out/t1': target 't' (line 3)"
                + " has KeepFiles and would delete this target's files: names such as t11700000000.pcap also match its"
                + " FileName and FileSuffix; give one a different Path or FileSuffix");
        Files.writeString(f, two.formatted(epoch, "", epoch, "KeepBytes = \"1GB\""));
        assertThat(problems(f)).containsExactly(f + ":4: target 't1': KeepBytes: would delete files of target 't'"
                + " (line 3): its names in the same directory, such as t1700000000.pcap, also match this target's"
                + " FileName and FileSuffix; give one a different Path or FileSuffix");
        // Time strings separate prefix and time with "_": t_20231114_221320 never reads as t1's.
        String hhmmss = "--filename-tstr-HHMMSS";
        Files.writeString(f, two.formatted(hhmmss, "KeepFiles = 3", hhmmss, "KeepFiles = 3"));
        assertThat(new PushConfigLoader(new HostChecks(4, PATH), LuaSandbox.DEFAULT_INSTRUCTION_LIMIT).load(f).targets())
                .hasSize(2);
    }

    private static List<String> problems(Path f) {
        return assertThrows(ConfigException.class, () -> new PushConfigLoader(new HostChecks(4, PATH),
                LuaSandbox.DEFAULT_INSTRUCTION_LIMIT).load(f)).problems();
    }
}
