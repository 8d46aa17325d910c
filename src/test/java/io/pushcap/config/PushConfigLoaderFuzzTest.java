package io.pushcap.config;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Arbitrary bytes as a push_pcap.lua: the loader returns a config or throws
 * {@link ConfigException}, never anything else (no LuaError, no ClassCast, no
 * IndexOutOfBounds, no StackOverflowError), and a refusal names the file and says something
 * (each problem a non-blank line, no Java exception class name). A config it accepts has at least
 * one target, each with a description and a mode. The instruction limit is small (100 000) so
 * that loops end quickly; the host is fixed (4 CPUs, /usr/bin:/bin) so results do not depend on
 * the machine.
 *
 * <p>Regression mode replays
 * {@code src/test/resources/io/pushcap/config/PushConfigLoaderFuzzTestInputs/fuzzLoad/} (the
 * shipped examples and every crash found); fuzz mode: {@code JAZZER_FUZZ=1 mvn test
 * -Dtest=PushConfigLoaderFuzzTest} or {@code bench/fuzz.sh config}.
 */
class PushConfigLoaderFuzzTest {
    private static final String NAME = "fuzz/push_pcap.lua";
    private final PushConfigLoader loader = new PushConfigLoader(new HostChecks(4, "/usr/bin:/bin"), 100_000);

    // libFuzzer dictionary lines: no newline, backslash or double quote inside an entry (Lua's
    // single-quoted strings instead), or the dictionary is refused.
    @FuzzTest(maxDuration = "60s")
    @DictionaryEntries({"local Config = {} ", "Config.Target = {} ", "table.insert(Config.Target, {", "}) ",
            "return Config ", "Desc", "Mode", "Path", "Split", "FileName", "FilterBPF", "Decap", "PipeCmd",
            "FileSuffix", "Chunked", "FollowStart", "CPU", "StreamCat", "TimeoutRing", "Source", "RcloneConfig",
            "'File'", "'RCLONE'", "'CURL'", "'LXC'", "'S3'", "'--split-time 60e9'", "'--split-byte 1e9'",
            "'--filename-epoch-sec-startend'", "'--filename-tstr-HHMMSS'", "'tcp port 80'", "'vlan 1'",
            "'gzip -1'", "'.pcap.gz'", "= true", "= false", "= nil", "function", "end", "for i = 1, 10 do",
            "while", "repeat", "until", "string.rep(", "string.format(", "string.find(", "os.date(", "os.time(",
            "tostring(", "tonumber(", "pcall(", "error(", "setmetatable(", "..", "#", "[[", "]]", "--", "5*60e9",
            "0x", "1e309", "-0", "nil", "{}", "'/tmp/'"})
    void fuzzLoad(byte[] source) {
        PushConfig config;
        try {
            config = loader.load(NAME, source);
        } catch (ConfigException e) {
            String m = e.getMessage();
            if (m == null || m.isBlank() || !m.contains(NAME)) {
                throw new AssertionError("a refusal must name the file: '" + m + "'", e);
            }
            if (m.matches("(?s).*\\b(java|org\\.luaj)\\.[a-z.]+\\.[A-Z][A-Za-z]*(Exception|Error)\\b.*")) {
                throw new AssertionError("a Java exception class reached the message: " + m, e);
            }
            for (String p : e.problems()) {
                if (p == null || p.isBlank()) {
                    throw new AssertionError("blank problem in " + e.problems(), e);
                }
            }
            return;
        }
        if (config.targets().isEmpty()) {
            throw new AssertionError("accepted a config without targets");
        }
        for (TargetConfig t : config.targets()) {
            if (t.desc() == null || t.desc().isBlank() || t.mode() == null) {
                throw new AssertionError("accepted a target without Desc or Mode: " + t);
            }
        }
    }
}
