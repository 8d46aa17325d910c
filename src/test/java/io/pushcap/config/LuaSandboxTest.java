package io.pushcap.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LuaSandboxTest {
    @TempDir
    Path dir;

    private static LuaValue run(String script) {
        return new LuaSandbox().run("push_pcap.lua", script.getBytes(StandardCharsets.UTF_8));
    }

    private static String error(String script) {
        return assertThrows(ConfigException.class, () -> run(script)).getMessage();
    }

    @Test
    void shouldReportFileAndLineWithoutTracebackWhenSyntaxIsWrong() {
        assertEquals("push_pcap.lua:3: unexpected symbol near '='", error("local Config = {}\n\nlocal x = = 3\nreturn Config"));
        assertEquals("push_pcap.lua:2: unexpected symbol near <eof>", error("local Config = {}\nx ="));
        assertEquals("push_pcap.lua:2: unfinished string", error("local Config = {}\nx = 'abc\nreturn Config"));
        assertEquals("push_pcap.lua:6: '}' expected (to close '{' at line 3)", error("\n\nlocal t = {\n a = 1,\n b = 2\n"));
    }

    /** Found by PushConfigLoaderFuzzTest: LuaJ's lexer let "java.lang.NumberFormatException" through. */
    @Test
    void shouldNameLineAndNumeralWhenAddressIsWrittenWithoutQuotes() {
        assertEquals("push_pcap.lua:3: malformed number near '10.0.0.1' (a number has at most one '.'; put an"
                + " address in quotes: \"10.0.0.1\")", error("local Config = {}\n-- 1.2 is fine\nlocal a = 10.0.0.1\n"));
        assertEquals("push_pcap.lua:1: malformed number near '1..2' (a number has at most one '.'; put an"
                + " address in quotes: \"1..2\")", error("x = 1..2"));
    }

    @Test
    void shouldReportFileAndLineWithoutTracebackWhenScriptFails() {
        assertEquals("push_pcap.lua:2: attempt to call nil", error("local Config = {}\nfoo()\nreturn Config"));
        assertEquals("push_pcap.lua:1: boom", error("error('boom')"));
        String indexNil = error("local t = nil\nreturn t.x");
        assertTrue(indexNil.startsWith("push_pcap.lua:2: attempt to index"), indexNil);
        assertFalse(indexNil.contains("traceback"), indexNil);
    }

    @Test
    void shouldNameTheFileWhenReadFromDisk() throws IOException {
        Path file = dir.resolve("etc/broken.lua");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "local Config = {}\nConfig.Target = {\n");
        String message = assertThrows(ConfigException.class, () -> new LuaSandbox().run(file)).getMessage();
        assertEquals(file + ":3: unexpected symbol near <eof>", message);
    }

    @Test
    void shouldStopEndlessLoopWhenInstructionLimitIsReached() {
        LuaSandbox sandbox = new LuaSandbox(100_000, System.err);
        String message = assertThrows(ConfigException.class,
                () -> sandbox.run("loop.lua", "local Config = {}\nwhile true do\n  Config.x = 1\nend".getBytes())).getMessage();
        assertTrue(message.startsWith("loop.lua:3: the script ran 100000 Lua instructions without finishing (an endless loop?)")
                || message.startsWith("loop.lua:2: the script ran 100000 Lua instructions"), message);
    }

    @Test
    void shouldNotLetPcallCatchTheInstructionLimitWhenScriptTriesTo() {
        LuaSandbox sandbox = new LuaSandbox(100_000, System.err);
        String script = "while true do pcall(function() while true do end end) end";
        String message = assertThrows(ConfigException.class, () -> sandbox.run("loop.lua", script.getBytes())).getMessage();
        assertTrue(message.contains("the script ran 100000 Lua instructions"), message);
    }

    @Test
    void shouldResetTheBudgetWhenTheSandboxRunsAgain() {
        LuaSandbox sandbox = new LuaSandbox(100_000, System.err);
        byte[] script = "local n = 0 for i = 1, 10000 do n = n + i end return n".getBytes();
        for (int run = 0; run < 20; run++) {
            assertEquals(50_005_000, sandbox.run("sum.lua", script).toint());
        }
    }

    @Test
    void shouldHideIoOsExecuteRequireAndDebugWhenScriptLooksForThem() {
        assertEquals("nil nil nil nil nil nil nil nil nil nil nil", run("""
                return tostring(io) .. ' ' .. tostring(os.execute) .. ' ' .. tostring(require) .. ' '
                  .. tostring(dofile) .. ' ' .. tostring(loadfile) .. ' ' .. tostring(debug) .. ' '
                  .. tostring(luajava) .. ' ' .. tostring(os.getenv) .. ' ' .. tostring(os.remove) .. ' '
                  .. tostring(package.loadlib) .. ' ' .. tostring(package.searchers)""").tojstring());
        assertEquals("nil nil nil", run("return tostring(package.loaded.io) .. ' ' .. tostring(package.loaded.debug)"
                + " .. ' ' .. tostring(package.loaded.os.execute)").tojstring());
        assertEquals("push_pcap.lua:1: attempt to call nil", error("require('os')"));
        assertEquals("push_pcap.lua:1: attempt to call nil", error("os.execute('touch /tmp/pushcap-sandbox-escape')"));
    }

    @Test
    void shouldOfferBaseStringTableMathBit32AndOsTimeWhenScriptUsesThem() {
        assertEquals("7 abc 3 2 6 true", run("""
                local t = {} table.insert(t, 'a') table.insert(t, 'b')
                return tostring(math.max(3, 7)) .. ' ' .. string.lower('ABC') .. ' ' .. bit32.bor(1, 2) .. ' '
                  .. #t .. ' ' .. select('#', 1, 2, 3, 4, 5, 6) .. ' ' .. tostring(os.clock() >= 0 and os.difftime(2, 1) == 1)"""
        ).tojstring());
    }

    @Test
    void shouldRefuseBinaryChunksWhenLoadIsCalled() {
        assertEquals("nil", run("local f = load(string.dump(function() return 1 end)) return tostring(f)").tojstring());
        assertEquals(5, run("return load('return 2 + 3')()").toint());
    }

    @Test
    void shouldRememberTheLineOfEachTableInsertWhenTargetsAreAdded() {
        LuaSandbox sandbox = new LuaSandbox();
        LuaTable config = (LuaTable) sandbox.run("push_pcap.lua", """
                local Config = {}
                Config.Target = {}

                table.insert(Config.Target,
                {
                    Desc = "a",
                })
                table.insert(Config.Target, { Desc = "b" })
                return Config""".getBytes());
        LuaTable targets = (LuaTable) config.get("Target");
        assertEquals(4, sandbox.insertLine((LuaTable) targets.get(1)));
        assertEquals(8, sandbox.insertLine((LuaTable) targets.get(2)));
        assertEquals(-1, sandbox.insertLine(config));
    }

    @Test
    void shouldSayWhatWasReturnedWhenScriptReturnsNoTable() throws IOException {
        Path file = dir.resolve("noreturn.lua");
        Files.writeString(file, "local Config = {}\n");
        assertEquals(file + ": the script must end with 'return Config' (a table), but it returned nil",
                assertThrows(ConfigException.class, () -> new LuaSandbox().runForTable(file, "Config")).getMessage());
    }

    @Test
    void shouldSendPrintToTheGivenStreamWhenScriptPrints() {
        java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
        new LuaSandbox(1000, new java.io.PrintStream(buffer, true, StandardCharsets.UTF_8)).run("p.lua", "print('hello', 42)".getBytes());
        assertEquals("hello\t42\n", buffer.toString(StandardCharsets.UTF_8));
    }
}
