package io.pushcap.config;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PushConfigLoaderTest {
    private static final String PATH = System.getenv("PATH");

    @TempDir
    Path dir;

    private Path file;

    @BeforeEach
    void nameTheFile() {
        file = dir.resolve("push_pcap.lua");
    }

    /** Writes the script (with @DIR@ standing for the temporary directory) and remembers the file for messages. */
    private Path write(String script) throws IOException {
        Files.writeString(file, script.replace("@DIR@", dir.toString()));
        return file;
    }

    private PushConfig load(String script) throws IOException {
        return new PushConfigLoader(new HostChecks(4, PATH), LuaSandbox.DEFAULT_INSTRUCTION_LIMIT).load(write(script));
    }

    private List<String> problems(String script) throws IOException {
        return problems(script, new HostChecks(4, PATH));
    }

    private List<String> problems(String script, HostChecks host) throws IOException {
        Path f = write(script);
        return assertThrows(ConfigException.class,
                () -> new PushConfigLoader(host, LuaSandbox.DEFAULT_INSTRUCTION_LIMIT).load(f)).problems();
    }

    /** A one-target config; {@code keys} are the target's lines. */
    private static String target(String... keys) {
        return "local Config = {}\n"
                + "Config.Target = {}\n"
                + "table.insert(Config.Target,\n"
                + "{\n"
                + "    Desc      = \"nfs-tcp\",\n"
                + String.join("\n", keys) + "\n"
                + "})\n"
                + "return Config\n";
    }

    private static final String PATH_LINE = "    Path      = \"@DIR@/push/tcp\",";
    private static final String SPLIT_LINE = "    Split     = \"--split-time 60e9\",";
    private static final String NAME_LINE = "    FileName  = \"--filename-epoch-sec-startend\",";

    @Test
    void shouldResolveTheSeedsFirstExampleWhenLoaded() throws IOException {
        PushConfig c = load("""
                local Config = {}

                Config.TimeoutRing      = 5*60e9
                Config.Target           = {}

                table.insert(Config.Target,
                {
                        Desc      = "Full",
                        Mode      = "File",
                        Path      = os.date("!@DIR@/pcap/%Y%m%d/all-", 1621849863),
                        Split     = "--split-time "..(60*60*1e9),
                        SplitCmd  = "-Z fmadio",
                        FileName  = "--filename-tstr-HHMMSS",
                        FilterBPF = "",
                        PipeCmd   = "zstd -c -T8",
                        FileSuffix= ".pcap.zstd",
                })

                return Config
                """);
        assertEquals(file.toString(), c.file());
        assertEquals(300_000_000_000L, c.timeoutRingNanos());
        assertTrue(c.decap());
        assertFalse(c.followStart());
        TargetConfig t = c.targets().getFirst();
        assertEquals(new TargetConfig("Full", Mode.FILE, dir + "/pcap/20210524/all-", SplitRule.time(3_600_000_000_000L),
                "-Z fmadio", FileNameFormat.TSTR_HHMMSS, null, true, false, "zstd -c -T8", null, ".pcap.zstd", false,
                false, -1, false, null, null, null, 300_000_000_000L, 0, Map.of(), file.toString(), 6), t);
        assertEquals(List.of("SplitCmd '-Z fmadio' holds options of the appliance's pcap_split process; pushcap splits"
                + " inside its own process and ignores them"), PushConfigLoader.notes(t));
    }

    @Test
    void shouldReadBothKeyFormsAlikeWhenDescIsBracketed() throws IOException {
        TargetConfig plain = load(target("    Mode = \"RCLONE\",", "    Path = \"remote:pcap/all\",", SPLIT_LINE,
                "    FileName = \"--filename-tstr-HHMM\",", "    PipeCmd = \" gzip -c \",", "    FileSuffix = \".gz\",",
                "    FilterBPF = \"\", SplitCmd = \"\", FilterFrame = \"\",")).targets().getFirst();
        TargetConfig bracketed = load("""
                local Config = {}
                Config.Target = {}
                table.insert(Config.Target,
                {
                    ["Desc"]        = "nfs-tcp",
                    ["Mode"]        = "rclone",
                    ["Path"]        = "remote:pcap/all",
                    ["Split"]       = "--split-time 60e9",
                    ["SplitCmd"]    = "",
                    ["PipeCmd"]     = " gzip -c ",
                    ["FileSuffix"] = ".gz",
                    ["FileName"]    = "--filename-tstr-HHMM",
                    ["FilterBPF"]   = "",
                    ["FilterFrame"] = "",
                })
                return Config
                """).targets().getFirst();
        assertEquals(plain, bracketed);
        assertEquals("gzip -c", bracketed.pipeCmd());
        assertNull(bracketed.filterBpf());
        assertNull(bracketed.splitCmd());
        assertEquals(Mode.RCLONE, bracketed.mode());
    }

    @Test
    void shouldParseEveryNumberSpellingWhenSplitIsBuiltFromNumbers() throws IOException {
        for (String split : List.of("\"--split-time 3.6E12\"", "\"--split-time 3600000000000\"", "\"--split-time \"..(60*60*1e9)",
                "string.format('--split-time %d', 3600e9)", "\"--split-time 36e11\"")) {
            TargetConfig t = load(target(PATH_LINE, "    Split = " + split + ",", NAME_LINE)).targets().getFirst();
            assertEquals(SplitRule.time(3_600_000_000_000L), t.split(), split);
        }
        assertEquals(SplitRule.bytes(1_000_000_000L),
                load(target(PATH_LINE, "Split = \"--split-size 1e9\",", NAME_LINE)).targets().getFirst().split());
        assertEquals(SplitRule.bytes(1_000_000_000L),
                load(target(PATH_LINE, "Split = \"--split-byte 1e9\",", NAME_LINE)).targets().getFirst().split());
    }

    @Test
    void shouldAcceptHumanDurationsAndSizesWhenSplitHasUnits() throws IOException {
        Map<String, SplitRule> cases = new java.util.LinkedHashMap<>();
        cases.put("--split-time 60s", SplitRule.time(60_000_000_000L));
        cases.put("--split-time 1h", SplitRule.time(3_600_000_000_000L));
        cases.put("--split-time 5m", SplitRule.time(300_000_000_000L));
        cases.put("--split-time 1.5s", SplitRule.time(1_500_000_000L));
        cases.put("--split-time 250ms", SplitRule.time(250_000_000L));
        cases.put("--split-time 10us", SplitRule.time(10_000L));
        cases.put("--split-time 100ns", SplitRule.time(100L));
        cases.put("1h", SplitRule.time(3_600_000_000_000L));
        cases.put("--split-byte 1GB", SplitRule.bytes(1_000_000_000L));
        cases.put("--split-byte 1GiB", SplitRule.bytes(1L << 30));
        cases.put("--split-size 500MiB", SplitRule.bytes(500L << 20));
        cases.put("--split-size 10kB", SplitRule.bytes(10_000L));
        cases.put("--split-size 10KB", SplitRule.bytes(10_000L));
        cases.put("--split-size 0.5GiB", SplitRule.bytes(1L << 29));
        cases.put("500MiB", SplitRule.bytes(500L << 20));
        cases.put("--split-byte 4096B", SplitRule.bytes(4096L));
        for (Map.Entry<String, SplitRule> c : cases.entrySet()) {
            assertEquals(c.getValue(), SplitParser.parse(c.getKey()), c.getKey());
        }
        // The seed's forms are unchanged.
        assertEquals(SplitRule.time(60_000_000_000L), SplitParser.parse("--split-time 60e9"));
        assertEquals(SplitRule.bytes(1_000_000_000L), SplitParser.parse("--split-byte 1e9"));
    }

    @Test
    void shouldNameTargetKeyValueAndUnitsWhenAHumanSplitIsWrong() throws IOException {
        assertEquals(List.of(file + ":7: target 'nfs-tcp': Split: '--split-time 1GB' (--split-time needs a whole number"
                        + " of nanoseconds, e.g. 60e9, or a duration: ns, us, ms, s, m or h, e.g. 60s, 1h; got '1GB')"),
                problems(target(PATH_LINE, "    Split     = \"--split-time 1GB\",", NAME_LINE)));
        assertEquals(List.of(file + ":7: target 'nfs-tcp': Split: '--split-byte 60s' (--split-byte needs a whole number"
                        + " of bytes, e.g. 1e9, or a size: B, kB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB"
                        + " (powers of 1024), e.g. 1GB, 500MiB; got '60s')"),
                problems(target(PATH_LINE, "    Split     = \"--split-byte 60s\",", NAME_LINE)));
        assertEquals(List.of(file + ":7: target 'nfs-tcp': Split: '1M' (expected --split-time NS, --split-byte N or"
                        + " --split-size N; " + SplitParser.HUMAN + ")"),
                problems(target(PATH_LINE, "    Split     = \"1M\",", NAME_LINE)));
        assertEquals(List.of(file + ":7: target 'nfs-tcp': Split: '--split-time 0.5ns' (--split-time needs a whole number"
                        + " of nanoseconds, e.g. 60e9, or a duration: ns, us, ms, s, m or h, e.g. 60s, 1h; got '0.5ns')"),
                problems(target(PATH_LINE, "    Split     = \"--split-time 0.5ns\",", NAME_LINE)));
        assertEquals(List.of(file + ":7: target 'nfs-tcp': Split: '10B' (a split must be at least 64 bytes)"),
                problems(target(PATH_LINE, "    Split     = \"10B\",", NAME_LINE)));
    }

    @Test
    void shouldRejectUnknownKeyWithSuggestionWhenKeyIsMisspelt() throws IOException {
        List<String> p = problems(target(PATH_LINE, "    Spilt     = \"--split-time 60e9\",", NAME_LINE));
        assertEquals(List.of(
                file + ":3: target 'nfs-tcp': Split: missing (Mode FILE writes files and needs --split-time NS,"
                        + " --split-byte N or --split-size N)",
                file + ":7: target 'nfs-tcp': Spilt: unknown key (did you mean Split?); valid keys: " + TargetValidator.VALID_KEYS), p);
    }

    @Test
    void shouldRejectUnknownKeyWithoutSuggestionWhenNothingIsClose() throws IOException {
        List<String> p = problems(target(PATH_LINE, SPLIT_LINE, NAME_LINE, "    Colour = \"blue\","));
        assertEquals(List.of(file + ":9: target 'nfs-tcp': Colour: unknown key; valid keys: " + TargetValidator.VALID_KEYS), p);
    }

    @Test
    void shouldRejectUnknownGlobalWhenConfigHasAStrayKey() throws IOException {
        List<String> p = problems("local Config = {}\nConfig.Decapp = false\nConfig.Target = {}\n"
                + "table.insert(Config.Target, { Desc = 'a', Path = '@DIR@/a', Split = '--split-time 60e9',"
                + " FileName = '--filename-epoch-sec' })\nreturn Config");
        assertEquals(List.of(file + ":2: Config.Decapp: unknown key (did you mean Decap?); valid keys: Target, TimeoutRing,"
                + " FollowStart, Decap, Source"), p);
    }

    @Test
    void shouldQuoteLibpcapWhenFilterDoesNotCompile() throws Exception {
        List<String> p = problems(target(PATH_LINE, SPLIT_LINE, NAME_LINE, "    FilterBPF = \"tcp and and\","));
        String libpcap = tcpdumpCompileError("tcp and and");
        assertEquals(List.of(file + ":9: target 'nfs-tcp': FilterBPF: 'tcp and and' (libpcap: " + libpcap + ")"), p);
        assertEquals("can't parse filter expression: syntax error", libpcap);
    }

    @Test
    void shouldCheckFilterFrameWhenSet() throws IOException {
        List<String> p = problems(target(PATH_LINE, SPLIT_LINE, NAME_LINE, "    FilterFrame = \"net 10.0.0.0/33\","));
        assertEquals(List.of(file + ":9: target 'nfs-tcp': FilterFrame: 'net 10.0.0.0/33' (libpcap: mask length must be <= 32)"), p);
    }

    /** tcpdump is the judge of what libpcap says about a filter. */
    private static String tcpdumpCompileError(String filter) throws Exception {
        Process p = new ProcessBuilder("tcpdump", "-d", "-y", "EN10MB", "-i", "lo", filter).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "tcpdump did not finish");
        return out.lines().filter(l -> !l.contains("data link type")).findFirst().orElseThrow().replaceFirst("^tcpdump: ", "");
    }

    @Test
    void shouldExplainTheFormsWhenSplitIsWrong() throws IOException {
        assertEquals(List.of(file + ":7: target 'nfs-tcp': Split: '--split-tim 60e9' (expected --split-time NS,"
                        + " --split-byte N or --split-size N; " + SplitParser.HUMAN + ")"),
                problems(target(PATH_LINE, "    Split     = \"--split-tim 60e9\",", NAME_LINE)));
        assertEquals(List.of(file + ":7: target 'nfs-tcp': Split: '--split-time 1.5' (--split-time needs a whole number"
                        + " of nanoseconds, e.g. 60e9, or a duration: ns, us, ms, s, m or h, e.g. 60s, 1h; got '1.5')"),
                problems(target(PATH_LINE, "    Split     = \"--split-time 1.5\",", NAME_LINE)));
        assertEquals(List.of(file + ":7: target 'nfs-tcp': Split: '--split-time 0' (the split time must be positive)"),
                problems(target(PATH_LINE, "    Split     = \"--split-time 0\",", NAME_LINE)));
        assertEquals(List.of(file + ":7: target 'nfs-tcp': Split: 60000000000 (expected a string; got a number)"),
                problems(target(PATH_LINE, "    Split     = 60e9,", NAME_LINE)));
    }

    @Test
    void shouldRefuseSplitsShorterThanTheNameResolutionWhenNamesWouldCollide() throws IOException {
        assertEquals(List.of(file + ":7: target 'nfs-tcp': Split: '--split-time 30e9' is shorter than the 60 s resolution of"
                        + " FileName --filename-tstr-HHMM, so two splits would get the same name (use"
                        + " --filename-tstr-HHMMSS_SUB or a split of at least 60 s)"),
                problems(target(PATH_LINE, "    Split     = \"--split-time 30e9\",", "    FileName = \"--filename-tstr-HHMM\",")));
        assertEquals(SplitRule.time(100_000_000), load(target(PATH_LINE, "    Split     = \"--split-time 1e8\",",
                "    FileName = \"--filename-tstr-HHMMSS_SUB\",")).targets().getFirst().split());
    }

    @Test
    void shouldListTheFormatsWhenFileNameIsWrong() throws IOException {
        assertEquals(List.of(file + ":8: target 'nfs-tcp': FileName: '--filename-tstr-HHMMS' (expected one of "
                        + FileNameFormat.valid() + ")"),
                problems(target(PATH_LINE, SPLIT_LINE, "    FileName  = \"--filename-tstr-HHMMS\",")));
    }

    @Test
    void shouldNameThePathWhenItsDirectoryCannotBeCreated() throws IOException {
        Files.writeString(dir.resolve("afile"), "x");
        assertEquals(List.of(file + ":6: target 'nfs-tcp': Path: '" + dir + "/afile/push/tcp': cannot create directory "
                        + dir + "/afile/push: " + dir + "/afile is not a directory"),
                problems(target("    Path      = \"@DIR@/afile/push/tcp\",", SPLIT_LINE, NAME_LINE)));
        assertEquals(List.of(file + ":6: target 'nfs-tcp': Path: '" + dir + "/afile/': " + dir + "/afile is not a directory"),
                problems(target("    Path      = \"@DIR@/afile/\",", SPLIT_LINE, NAME_LINE)));
    }

    @Test
    void shouldNameThePathWhenItsDirectoryIsReadOnly() throws Exception {
        Path ro = Files.createDirectory(dir.resolve("ro"));
        boolean mounted = makeReadOnly(ro);
        try {
            // Root is refused by the read-only mount, anyone else by the directory's mode.
            String why = mounted ? " is on a read-only file system (tmpfs tmpfs)" : " is not writable by this user";
            assertEquals(List.of(file + ":6: target 'nfs-tcp': Path: '" + ro + "/push/tcp': cannot create directory "
                            + ro + "/push: " + ro + why),
                    problems(target("    Path      = \"@DIR@/ro/push/tcp\",", SPLIT_LINE, NAME_LINE)));
            assertEquals(List.of(file + ":6: target 'nfs-tcp': Path: '" + ro + "/tcp': " + (mounted ? "" : "directory ")
                            + ro + why),
                    problems(target("    Path      = \"@DIR@/ro/tcp\",", SPLIT_LINE, NAME_LINE)));
        } finally {
            if (mounted) {
                run("umount", ro.toString());
            } else {
                ro.toFile().setWritable(true);
            }
        }
    }

    @Test
    void shouldNameThePathWhenItIsOnAKernelFileSystem() throws IOException {
        // A Path under /proc used to pass check, then fail the push with an internal error.
        assertEquals(List.of(file + ":6: target 'nfs-tcp': Path: '/proc/pushcap/tcp': cannot create directory /proc/pushcap:"
                        + " /proc is on the kernel's proc file system, which cannot hold pushcap's files (give a directory"
                        + " on a disk or in RAM, such as /var/lib/pushcap or /dev/shm)"),
                problems(target("    Path      = \"/proc/pushcap/tcp\",", SPLIT_LINE, NAME_LINE)));
        assertThat(problems(target("    Path      = \"/sys/tcp\",", SPLIT_LINE, NAME_LINE)).getFirst())
                .contains("Path: '/sys/tcp': /sys is on the kernel's sysfs file system");
    }

    /** Root may write anywhere but on a read-only mount: mount one; anyone else gets a mode 0555 directory. */
    private static boolean makeReadOnly(Path directory) throws Exception {
        if ("root".equals(System.getProperty("user.name"))) {
            run("mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", directory.toString());
            return true;
        }
        assertTrue(directory.toFile().setWritable(false, false), "chmod a-w " + directory);
        return false;
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", command) + " failed (this test needs root for mount): " + out);
    }

    /** Found by PushConfigLoaderFuzzTest: Path.of threw InvalidPathException out of the loader. */
    @Test
    void shouldRefuseProgramWhenItsNameHoldsNulCharacter() throws IOException {
        List<String> p = problems(target(PATH_LINE, SPLIT_LINE, NAME_LINE, "    ScriptNew = \"logg\\0er -t x\","));
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).startsWith(file + ":9: target 'nfs-tcp': ScriptNew: "), p.get(0));
        assertTrue(p.get(0).endsWith("program 'logg\\0er' is not a valid file name (it contains a NUL character)"), p.get(0));
    }

    @Test
    void shouldSayWhichProgramIsMissingWhenPipeCmdDoesNotExist() throws IOException {
        assertEquals(List.of(file + ":9: target 'nfs-tcp': PipeCmd: 'pushcap-no-such-zip -c': program 'pushcap-no-such-zip'"
                        + " not found on PATH"),
                problems(target(PATH_LINE, SPLIT_LINE, NAME_LINE, "    PipeCmd   = \"pushcap-no-such-zip -c\",")));
        assertEquals(List.of(file + ":9: target 'nfs-tcp': PipeCmd: 'pigz -1 -c': program 'pigz' not found on PATH"
                        + " (Debian package: pigz; apt-get install -y pigz)"),
                problems(target(PATH_LINE, SPLIT_LINE, NAME_LINE, "    PipeCmd   = \"pigz -1 -c\","),
                        new HostChecks(4, dir.toString())));
        assertEquals(List.of(file + ":9: target 'nfs-tcp': ScriptNew: '/nonexistent/check.lua 10': program"
                        + " '/nonexistent/check.lua' does not exist or is not executable"),
                problems(target(PATH_LINE, SPLIT_LINE, NAME_LINE, "    ScriptNew = \"/nonexistent/check.lua 10\",")));
    }

    @Test
    void shouldStopWithFileAndLineWhenConfigLoopsForever() throws IOException {
        List<String> p = problems("local Config = {}\nConfig.Target = {}\nwhile true do\nend\nreturn Config\n");
        assertEquals(1, p.size());
        assertTrue(p.getFirst().matches(java.util.regex.Pattern.quote(file.toString()) + ":[34]: the script ran "
                + LuaSandbox.DEFAULT_INSTRUCTION_LIMIT + " Lua instructions without finishing \\(an endless loop\\?\\);"
                + " the sandbox stops it there"), p.getFirst());
    }

    @Test
    void shouldReportSyntaxErrorWithLineWhenLuaIsMalformed() throws IOException {
        assertEquals(List.of(file + ":7: unexpected symbol near '='"),
                problems(target(PATH_LINE, "    Split = = \"--split-time 60e9\",", NAME_LINE)));
    }

    @Test
    void shouldNameKeyValueAndTypeWhenTypeIsWrong() throws IOException {
        assertEquals(List.of(
                        file + ":9: target 'nfs-tcp': Decap: 'yes' (expected a boolean, true or false; got a string)",
                        file + ":10: target 'nfs-tcp': CPU: '3' (expected a number: a CPU of this host, which has 4 (0 to 3); got a string)",
                        file + ":11: target 'nfs-tcp': Chunked: 1 (expected a boolean, true or false; got a number)"),
                problems(target(PATH_LINE, SPLIT_LINE, NAME_LINE, "    Decap = \"yes\",", "    CPU = \"3\",", "    Chunked = 1,")));
    }

    @Test
    void shouldRefuseCpuWhenOutOfRange() throws IOException {
        assertEquals(List.of(file + ":9: target 'nfs-tcp': CPU: 4 (expected a whole number from 0 to 3: a CPU of this host,"
                        + " which has 4 (0 to 3))"),
                problems(target(PATH_LINE, SPLIT_LINE, NAME_LINE, "    CPU = 4,")));
        TargetConfig t = load(target(PATH_LINE, SPLIT_LINE, NAME_LINE, "    CPU = 3,")).targets().getFirst();
        assertEquals(3, t.cpu());
        assertTrue(PushConfigLoader.notes(t).contains("CPU = 3: pins this target's thread and its PipeCmd child to CPU 3"
                + " (the appliance pins stream_cat; pushcap's reader is shared by all targets and is not pinned)"));
    }

    @Test
    void shouldFoldGlobalsIntoTargetsUnlessTheyOverride() throws IOException {
        PushConfig c = load("""
                local Config = {}
                Config.Decap       = false
                Config.FollowStart = true
                Config.TimeoutRing = 10e9
                Config.Source      = "ring0"
                Config.Target      = {}
                table.insert(Config.Target, { Desc = "inherits", Path = "@DIR@/a/", Split = "--split-time 60e9",
                    FileName = "--filename-epoch-sec" })
                table.insert(Config.Target, { Desc = "overrides", Path = "@DIR@/b/", Split = "--split-time 60e9",
                    FileName = "--filename-epoch-sec", Decap = true, FollowStart = false, TimeoutRing = 0, Source = "ring1" })
                return Config
                """);
        assertFalse(c.decap());
        assertTrue(c.followStart());
        assertEquals(10_000_000_000L, c.timeoutRingNanos());
        assertEquals("ring0", c.source());
        TargetConfig inherits = c.targets().get(0);
        TargetConfig overrides = c.targets().get(1);
        assertEquals(List.of(false, true, 10_000_000_000L, "ring0"),
                List.of(inherits.decap(), inherits.followStart(), inherits.timeoutRingNanos(), inherits.source()));
        assertEquals(List.of(true, false, 0L, "ring1"),
                List.of(overrides.decap(), overrides.followStart(), overrides.timeoutRingNanos(), overrides.source()));
        assertEquals(List.of(7, 9), List.of(inherits.line(), overrides.line()));
    }

    @Test
    void shouldReportEveryProblemAtOnceWhenSeveralTargetsAreWrong() throws IOException {
        List<String> p = problems("""
                local Config = {}
                Config.Decap = "no"
                Config.Target = {}
                table.insert(Config.Target, {
                    Desc     = "one",
                    Path     = "@DIR@/one",
                    Split    = "--split-time 60e9",
                    FileName = "--filename-HHMMSS",
                })
                table.insert(Config.Target, {
                    Desc     = "two",
                    Mode     = "Ftp",
                    Path     = "@DIR@/two",
                })
                table.insert(Config.Target, {
                    Desc     = "one",
                    Path     = "@DIR@/three",
                    Split    = "--split-byte 1e9",
                    FileName = "--filename-epoch-sec",
                })
                return Config
                """);
        assertEquals(List.of(
                file + ":2: Config.Decap: 'no' (expected a boolean, true or false; got a string)",
                file + ":8: target 'one': FileName: '--filename-HHMMSS' (expected one of " + FileNameFormat.valid() + ")",
                file + ":12: target 'two': Mode: 'Ftp' (expected one of FILE, RCLONE, CURL, LXC, S3, TAP, KAFKA)",
                file + ":16: target 'one': Desc: 'one' is already used by target 'one' (line 4); each target needs its own"
                        + " Desc: it names the target's log files"), p);
    }

    @Test
    void shouldRefuseDuplicateDescWhenTwoTargetsShareIt() throws IOException {
        List<String> p = problems("""
                local Config = {}
                Config.Target = {}
                table.insert(Config.Target, { Desc = "port80 zstd", Path = "@DIR@/a/", Split = "--split-time 60e9",
                    FileName = "--filename-epoch-sec" })
                table.insert(Config.Target, { Desc = "port80_zstd", Path = "@DIR@/b/", Split = "--split-time 60e9",
                    FileName = "--filename-epoch-sec" })
                return Config
                """);
        assertEquals(List.of(file + ":5: target 'port80_zstd': Desc: 'port80_zstd' is already used by target 'port80 zstd'"
                + " (line 3) (spaces become '_' in file names); each target needs its own Desc: it names the target's log files"), p);
    }

    @Test
    void shouldRefuseTwoTargetsWritingTheSameFilesWhenPathsMatch() throws IOException {
        List<String> p = problems("""
                local Config = {}
                Config.Target = {}
                table.insert(Config.Target, { Desc = "a", Path = "@DIR@/same-", Split = "--split-time 60e9",
                    FileName = "--filename-epoch-sec" })
                table.insert(Config.Target, { Desc = "b", Path = "@DIR@/same-", Split = "--split-byte 1e6",
                    FileName = "--filename-epoch-sec", FilterBPF = "tcp" })
                return Config
                """);
        assertEquals(List.of(file + ":5: target 'b': Path: '" + dir + "/same-' with the same FileName and FileSuffix as"
                + " target 'a' (line 3): both would write the same files; give one a different Path"), p);
    }

    @Test
    void shouldRefuseDescWhenItCannotNameAFile() throws IOException {
        assertEquals(List.of(file + ":5: target #1: Desc: 'a/b' (a Desc names log files: " + DescNames.ALLOWED
                        + ", not ending in a space)"),
                problems(target(PATH_LINE, SPLIT_LINE, NAME_LINE).replace("nfs-tcp", "a/b")));
        assertEquals(List.of(file + ":3: target #1: Desc: missing (every target needs a Desc: it names the target's log files)"),
                problems(target(PATH_LINE, SPLIT_LINE, NAME_LINE).replace("    Desc      = \"nfs-tcp\",\n", "")));
        TargetConfig spaced = load(target(PATH_LINE, SPLIT_LINE, NAME_LINE).replace("nfs-tcp", "port80 zstd")).targets().getFirst();
        assertEquals("port80_zstd", DescNames.fileSafe(spaced.desc()));
        assertTrue(PushConfigLoader.notes(spaced).contains("Desc 'port80 zstd' contains spaces: log files and metric labels"
                + " use 'port80_zstd'"));
    }

    @Test
    void shouldAcceptModesInAnyCaseWhenModeIsGiven() throws IOException {
        for (String mode : List.of("file", "File", "FILE", "fIlE")) {
            assertEquals(Mode.FILE, load(target("Mode = '" + mode + "',", PATH_LINE, SPLIT_LINE, NAME_LINE)).targets().getFirst().mode());
        }
        assertEquals(Mode.LXC, load(target("Mode = 'lxc',", "Path = '@DIR@/ring0',")).targets().getFirst().mode());
    }

    @Test
    void shouldRefuseFileKeysWhenModeIsAStream() throws IOException {
        assertEquals(List.of(
                        file + ":8: target 'nfs-tcp': Split: not used by Mode LXC, which sends one continuous stream, not files; remove it",
                        file + ":9: target 'nfs-tcp': PipeCmd: not used by Mode LXC, which sends one continuous stream, not files; remove it"),
                problems(target("    Mode = \"LXC\",", "    Path = \"@DIR@/ring0\",", SPLIT_LINE, "    PipeCmd = \"gzip -c\",")));
        TargetConfig lxc = load(target("Mode = 'LXC',", "Path = '@DIR@/ring0',", "FilterBPF = nil")).targets().getFirst();
        assertEquals(SplitRule.NONE, lxc.split());
        assertNull(lxc.fileName());
    }

    @Test
    void shouldKeepSuffixVerbatimAndNoteItWhenItLacksTheDot() throws IOException {
        TargetConfig t = load(target(PATH_LINE, "Split = \"--split-size 1e9\",", "FileName = \"--filename-tstr-HHMMSS\",",
                "FileSuffix = \"pcap.gz\",")).targets().getFirst();
        assertEquals("pcap.gz", t.fileSuffix());
        assertEquals(List.of(
                "FileSuffix 'pcap.gz' has no leading dot: it is appended as written, as the appliance does"
                        + " (e.g. ..._120000pcap.gz); write '.pcap.gz' for the usual form",
                "FileSuffix 'pcap.gz' names a compressed format but neither Compress nor PipeCmd is set: the files hold plain pcap"),
                PushConfigLoader.notes(t));
        assertEquals(".pcap", load(target(PATH_LINE, SPLIT_LINE, NAME_LINE)).targets().getFirst().fileSuffix());
    }

    @Test
    void shouldWritePcapngWhenFormatOrSuffixSaysSo() throws IOException {
        TargetConfig byKey = load(target(PATH_LINE, SPLIT_LINE, NAME_LINE, "Format = 'pcapng',", "Compress = 'zstd',"))
                .targets().getFirst();
        assertTrue(byKey.pcapngOutput());
        assertEquals(".pcapng.zst", byKey.fileSuffix());
        assertTrue(load(target(PATH_LINE, SPLIT_LINE, NAME_LINE, "FileSuffix = '.pcapng',")).targets().getFirst()
                .pcapngOutput());
        assertTrue(load(target(PATH_LINE, SPLIT_LINE, NAME_LINE, "FileSuffix = '.pcapng.gz', Compress = 'gzip',"))
                .targets().getFirst().pcapngOutput());
        assertFalse(load(target(PATH_LINE, SPLIT_LINE, NAME_LINE)).targets().getFirst().pcapngOutput());
        assertFalse(load(target(PATH_LINE, SPLIT_LINE, NAME_LINE, "FileSuffix = '.pcapng', Format = 'pcap',"))
                .targets().getFirst().pcapngOutput());
    }

    @Test
    void shouldNameValidFormatsWhenFormatIsWrong() throws IOException {
        assertEquals(List.of(file + ":9: target 'nfs-tcp': Format: 'erf' (expected \"pcap\" or \"pcapng\"; pcapng keeps"
                        + " packets of every link type and interface)"),
                problems(target(PATH_LINE, SPLIT_LINE, NAME_LINE, "Format = 'erf',")));
    }

    @Test
    void shouldHashOutputUnlessDigestIsNone() throws IOException {
        assertTrue(load(target(PATH_LINE, SPLIT_LINE, NAME_LINE)).targets().getFirst().digest());
        assertTrue(load(target(PATH_LINE, SPLIT_LINE, NAME_LINE, "Digest = 'SHA256',")).targets().getFirst().digest());
        assertFalse(load(target(PATH_LINE, SPLIT_LINE, NAME_LINE, "Digest = 'none',")).targets().getFirst().digest());
        assertEquals(List.of(file + ":9: target 'nfs-tcp': Digest: 'md5' (expected \"sha256\", the default, or"
                        + " \"none\": no digest in the manifest, and no hashing of the output)"),
                problems(target(PATH_LINE, SPLIT_LINE, NAME_LINE, "Digest = 'md5',")));
    }

    @Test
    void shouldParseCompressAndDefaultTheSuffixWhenCompressIsSet() throws IOException {
        TargetConfig t = load(target(PATH_LINE, SPLIT_LINE, NAME_LINE, "Compress = 'zstd:1:2',")).targets().getFirst();
        assertEquals("zstd:1:2", t.compress());
        assertEquals(".pcap.zst", t.fileSuffix());
        assertEquals(new CompressSpec("zstd", 1, 2), CompressSpec.parse(t.compress()));
        assertEquals("gzip:6", load(target(PATH_LINE, SPLIT_LINE, NAME_LINE, "Compress = 'GZIP',")).targets().getFirst().compress());
        assertEquals(".pcap.xz", load(target(PATH_LINE, SPLIT_LINE, NAME_LINE, "Compress = 'xz:0',")).targets().getFirst().fileSuffix());
        assertEquals(List.of(
                        file + ":9: target 'nfs-tcp': Compress: 'gzip:1:2' (only zstd takes a worker count; " + CompressSpec.EXPECTED + ")"),
                problems(target(PATH_LINE, SPLIT_LINE, NAME_LINE, "    Compress = 'gzip:1:2',")));
        assertEquals(List.of(file + ":9: target 'nfs-tcp': Compress: 'zstd:23' (zstd level 23 (expected 1 to 22); " + CompressSpec.EXPECTED + ")"),
                problems(target(PATH_LINE, SPLIT_LINE, NAME_LINE, "    Compress = 'zstd:23',")));
        assertEquals(List.of(file + ":9: target 'nfs-tcp': Compress: 'brotli' (" + CompressSpec.EXPECTED + ")"),
                problems(target(PATH_LINE, SPLIT_LINE, NAME_LINE, "    Compress = 'brotli',")));
        assertEquals(List.of(file + ":10: target 'nfs-tcp': Compress: 'lz4' and PipeCmd 'lz4 -c' are both set; choose one"
                        + " (Compress compresses in process, PipeCmd runs an external program)"),
                problems(target(PATH_LINE, SPLIT_LINE, NAME_LINE, "    PipeCmd = 'lz4 -c',", "    Compress = 'lz4',")));
    }

    @Test
    void shouldMapRingTimeoutExitWhenStreamCatHasTheSeedsOption() throws IOException {
        String withTimeout = target(PATH_LINE, SPLIT_LINE, NAME_LINE, "    StreamCat = \"--ring-timeout-exit \",",
                "    FollowStart = false,").replace("Config.Target = {}", "Config.TimeoutRing = 5*60e9\nConfig.Target = {}");
        TargetConfig t = load(withTimeout).targets().getFirst();
        assertTrue(t.ringTimeoutExit());
        assertEquals(300_000_000_000L, t.timeoutRingNanos());
        assertEquals(List.of(file + ":9: target 'nfs-tcp': StreamCat: '--cpu 3' (pushcap understands only"
                        + " \"--ring-timeout-exit \": end the push when its consumer stalls, to be restarted from the current time)"),
                problems(target(PATH_LINE, SPLIT_LINE, NAME_LINE, "    StreamCat = \"--cpu 3\",")));
        assertEquals(List.of(file + ":9: target 'nfs-tcp': StreamCat: '--ring-timeout-exit ' needs a ring timeout: set"
                        + " Config.TimeoutRing or TimeoutRing (nanoseconds, e.g. 5*60e9)"),
                problems(target(PATH_LINE, SPLIT_LINE, NAME_LINE, "    StreamCat = \"--ring-timeout-exit \",")));
    }

    @Test
    void shouldStoreModeOptionsWhenModeUsesThem() throws IOException {
        TargetConfig s3 = load(target("Mode = 'S3',", "Path = 's3://pcap/sensor1',", SPLIT_LINE, NAME_LINE,
                "Endpoint = 'http://127.0.0.1:9000', Region = 'us-east-1', PathStyle = true,")).targets().getFirst();
        assertEquals(Map.of("Endpoint", "http://127.0.0.1:9000", "Region", "us-east-1", "PathStyle", "true"), s3.options());
        TargetConfig tap = load(target("Mode = 'TAP',", "Path = '127.0.0.1',", "Encap = 'gretap', Key = '0.0.0.42',"
                + " Interface = 'veth0', Snaplen = 1476, Vlan = 100, StripVlan = false,")).targets().getFirst();
        assertEquals(Map.of("Encap", "gretap", "Key", "0.0.0.42", "Interface", "veth0", "Snaplen", "1476", "Vlan", "100",
                "StripVlan", "false"), tap.options());
        assertEquals(List.of(file + ":9: target 'nfs-tcp': Endpoint: only used by Mode S3 (this target's Mode is FILE)"),
                problems(target(PATH_LINE, SPLIT_LINE, NAME_LINE, "    Endpoint = 'http://127.0.0.1:9000',")));
        assertEquals(List.of(file + ":8: target 'nfs-tcp': Vlan: 5000 (expected a whole number from 0 to 4095: a VLAN ID)",
                        file + ":9: target 'nfs-tcp': Key: -1 (expected a 32-bit number or a dotted quad such as '0.0.0.42')"),
                problems(target("Mode = 'TAP',", "Path = '127.0.0.1',", "    Vlan = 5000,", "    Key = -1,")));
        assertEquals(List.of(file + ":7: target 'nfs-tcp': Path: 'http://bucket/x': Mode S3 expected s3://bucket/prefix"),
                problems(target("Mode = 'S3',", "    Path = 'http://bucket/x',", SPLIT_LINE, NAME_LINE)));
    }

    @Test
    void shouldStoreBodyChecksumWhenItIsMd5OrCrc32c() throws IOException {
        TargetConfig s3 = load(target("Mode = 'S3',", "Path = 's3://pcap/sensor1',", SPLIT_LINE, NAME_LINE,
                "BodyChecksum = 'crc32c',")).targets().getFirst();
        assertEquals(Map.of("BodyChecksum", "crc32c"), s3.options());
        assertEquals(List.of(file + ":10: target 'nfs-tcp': BodyChecksum: 'SHA1' (expected \"MD5\": Content-MD5, which"
                        + " every S3-compatible server checks; or \"CRC32C\": x-amz-checksum-crc32c, for AWS and servers"
                        + " with S3's flexible checksums)"),
                problems(target("Mode = 'S3',", "Path = 's3://pcap/sensor1',", SPLIT_LINE, NAME_LINE, "    BodyChecksum = 'SHA1',")));
        assertEquals(List.of(file + ":9: target 'nfs-tcp': BodyChecksum: only used by Mode S3 (this target's Mode is FILE)"),
                problems(target(PATH_LINE, SPLIT_LINE, NAME_LINE, "    BodyChecksum = 'MD5',")));
    }

    @Test
    void shouldStoreKafkaSettingsWhenModeIsKafka() throws IOException {
        TargetConfig k = load(target("Mode = 'KAFKA',", "Path = 'kafka://b1:9092,b2:9092/packets',", "Key = 'sensor',",
                "Kafka = { ['linger.ms'] = 20, ['compression.type'] = 'lz4' },")).targets().getFirst();
        assertEquals(Map.of("Key", "sensor", "kafka.linger.ms", "20", "kafka.compression.type", "lz4"), k.options());
    }

    @Test
    void shouldRejectFileKeysAndUnknownProducerSettingsWhenModeIsKafka() throws IOException {
        List<String> p = problems(target("Mode = 'KAFKA',", "Path = 'kafka://b1:9092/packets',", SPLIT_LINE, NAME_LINE,
                "Key = 'tuple',", "Kafka = { ['linger.msec'] = 5, ['transactional.id'] = 'x' },"));
        assertTrue(p.stream().anyMatch(l -> l.contains("Split: not used by Mode KAFKA")), p::toString);
        assertTrue(p.stream().anyMatch(l -> l.contains("FileName: not used by Mode KAFKA")), p::toString);
        assertTrue(p.stream().anyMatch(l -> l.contains("Key: 'tuple' (expected \"flow\"")), p::toString);
        assertTrue(p.stream().anyMatch(l -> l.contains("'linger.msec' is not a Kafka producer setting (did you mean 'linger.ms'?)")),
                p::toString);
        assertTrue(p.stream().anyMatch(l -> l.contains("'transactional.id' is set by the KAFKA target itself")), p::toString);
        assertEquals(List.of(file + ":7: target 'nfs-tcp': Path: 'kafka://b1/packets': Mode KAFKA expected"
                        + " kafka://HOST:PORT[,HOST:PORT...]/TOPIC"),
                problems(target("Mode = 'KAFKA',", "    Path = 'kafka://b1/packets',")));
        assertEquals(List.of(file + ":9: target 'nfs-tcp': Kafka: only used by Mode KAFKA (this target's Mode is FILE)"),
                problems(target(PATH_LINE, SPLIT_LINE, NAME_LINE, "    Kafka = { ['linger.ms'] = 5 },")));
    }

    @Test
    void shouldStoreConsumerSettingsWhenATargetReadsAKafkaTopic() throws IOException {
        TargetConfig t = load(target(PATH_LINE, SPLIT_LINE, NAME_LINE, "Source = 'kafka://b1:9092/packets',",
                "Group = 'workers',", "KafkaConsumer = { ['group.instance.id'] = 'w1', ['session.timeout.ms'] = 10000 },"))
                .targets().getFirst();
        assertEquals(Map.of("group.instance.id", "w1", "session.timeout.ms", "10000"), t.consumerSettings());
        assertEquals("workers", t.options().get(TargetConfig.GROUP_KEY));
    }

    @Test
    void shouldRejectConsumerSettingsThatAreUnknownOwnedOrForARing() throws IOException {
        List<String> p = problems(target(PATH_LINE, SPLIT_LINE, NAME_LINE, "Source = 'kafka://b1:9092/packets',",
                "Group = 'workers',", "KafkaConsumer = { ['session.timout.ms'] = 1, ['isolation.level'] = 'read_uncommitted' },"));
        assertTrue(p.stream().anyMatch(l -> l.contains(":11: target 'nfs-tcp': KafkaConsumer: 'session.timout.ms' is not a"
                + " Kafka consumer setting (did you mean 'session.timeout.ms'?)")), p::toString);
        assertTrue(p.stream().anyMatch(l -> l.contains("KafkaConsumer: 'isolation.level' is set by the kafka:// source itself")),
                p::toString);
        assertEquals(List.of(file + ":9: target 'nfs-tcp': KafkaConsumer: only used when the target reads a Kafka topic"
                        + " (Source = \"kafka://HOST:PORT/TOPIC\", or push --offline kafka://...); this target's Source is 'cisco'"),
                problems(target(PATH_LINE, SPLIT_LINE, NAME_LINE, "    KafkaConsumer = { ['client.id'] = 'x' },",
                        "    Source = 'cisco',")));
        assertEquals(List.of(file + ":9: target 'nfs-tcp': KafkaConsumer: 5 (expected a table of consumer settings such as"
                        + " { [\"group.instance.id\"] = \"worker-1\", [\"session.timeout.ms\"] = 10000 })"),
                problems(target(PATH_LINE, SPLIT_LINE, NAME_LINE, "    KafkaConsumer = 5,")));
    }

    @Test
    void shouldRequireAGroupWhenTheSourceIsAKafkaTopic() throws IOException {
        TargetConfig t = load(target(PATH_LINE, SPLIT_LINE, NAME_LINE, "Source = 'kafka://b1:9092/packets',",
                "Group = 'workers',")).targets().getFirst();
        assertEquals("workers", t.options().get(TargetConfig.GROUP_KEY));
        assertEquals(List.of(file + ":9: target 'nfs-tcp': Source: 'kafka://b1:9092/packets' is a Kafka topic: set"
                        + " Group = \"NAME\", the consumer group whose members share its partitions"),
                problems(target(PATH_LINE, SPLIT_LINE, NAME_LINE, "    Source = 'kafka://b1:9092/packets',")));
        assertEquals(List.of(file + ":9: target 'nfs-tcp': Group: only used with Source = \"kafka://HOST:PORT/TOPIC\""
                        + " (this target's Source is 'cisco')"),
                problems(target(PATH_LINE, SPLIT_LINE, NAME_LINE, "    Group = 'workers',", "    Source = 'cisco',")));
    }

    @Test
    void shouldRequireDecapWhenWriteDecapIsOn() throws IOException {
        assertEquals(List.of(file + ":10: target 'nfs-tcp': WriteDecap: true needs Decap = true (only a decapsulated frame"
                        + " can be written; this target sets Decap = false)"),
                problems(target(PATH_LINE, SPLIT_LINE, NAME_LINE, "    Decap = false,", "    WriteDecap = true,")));
        assertTrue(load(target(PATH_LINE, SPLIT_LINE, NAME_LINE, "WriteDecap = true,")).targets().getFirst().writeDecapsulated());
    }

    @Test
    void shouldExplainWhatIsMissingWhenTheScriptHasNoTargets() throws IOException {
        assertEquals(List.of(file + ": Config.Target: missing (add targets with table.insert(Config.Target, { Desc = ..., ... }))"),
                problems("local Config = {}\nreturn Config"));
        assertEquals(List.of(file + ":2: Config.Target: no targets (add one with table.insert(Config.Target, { Desc = ..., ... }))"),
                problems("local Config = {}\nConfig.Target = {}\nreturn Config"));
        assertEquals(List.of(file + ": the script must end with 'return Config' (a table), but it returned nil"),
                problems("local Config = {}\nConfig.Target = {}\n"));
        assertEquals(List.of(file + ":2: Config.Target: entry 1 is a string 'x' (expected a target table { Desc = ..., ... })"),
                problems("local Config = {}\nConfig.Target = { 'x' }\nreturn Config"));
    }

    @Test
    void shouldFallBackToTheDescLineWhenTargetsAreNotInsertedWithTableInsert() throws IOException {
        PushConfig c = load("""
                local Config = {}
                Config.Target = {
                    { Desc = "a", Path = "@DIR@/a/", Split = "--split-time 60e9", FileName = "--filename-epoch-sec" },
                    {
                        Desc = "b", Path = "@DIR@/b/", Split = "--split-time 60e9", FileName = "--filename-epoch-sec" },
                }
                return Config
                """);
        assertEquals(List.of(3, 5), c.targets().stream().map(TargetConfig::line).toList());
    }

    @Test
    void shouldNotRunMetamethodsWhenValidatingAfterTheScript() throws IOException {
        List<String> p = problems("""
                local Config = {}
                Config.Target = {}
                table.insert(Config.Target, setmetatable({}, {__index = function() while true do end end}))
                return Config
                """);
        assertEquals(List.of("Desc", "Path", "Split", "FileName"),
                p.stream().map(m -> m.replaceFirst("^.*:3: target #1: (\\w+): missing .*$", "$1")).toList());
    }
}
