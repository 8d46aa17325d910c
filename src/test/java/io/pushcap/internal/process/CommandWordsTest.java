package io.pushcap.internal.process;

import io.pushcap.PushcapException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandWordsTest {

    @Test
    void shouldSplitOnBlanksWhenCommandHasExtraSpaces() {
        assertEquals(List.of("gzip", "-c"), CommandWords.split(" gzip  -c "));
        assertEquals(List.of("zstd", "-c", "-T8"), CommandWords.split("zstd -c -T8"));
    }

    @Test
    void shouldKeepQuotedTextWhenQuotesAreUsed() {
        assertEquals(List.of("sh", "-c", "exit 3"), CommandWords.split("sh -c 'exit 3'"));
        assertEquals(List.of("a b", "c\"d", "$x"), CommandWords.split("\"a b\" \"c\\\"d\" '$x'"));
        assertEquals(List.of("a b"), CommandWords.split("a\\ b"));
        assertEquals(List.of("ab"), CommandWords.split("a''b"));
        assertEquals(List.of(""), CommandWords.split("''"));
    }

    @Test
    void shouldRefuseShellSyntaxWhenUnquoted() {
        for (String bad : new String[] {"zstd -c | gzip", "a; b", "cat > x", "echo $HOME", "a && b", "`x`"}) {
            PushcapException e = assertThrows(PushcapException.class, () -> CommandWords.split(bad), bad);
            assertTrue(e.getMessage().contains("sh -c"), e.getMessage());
        }
    }

    @Test
    void shouldRefuseWhenQuotesAreUnbalancedOrCommandIsEmpty() {
        assertThrows(PushcapException.class, () -> CommandWords.split("sh -c 'x"));
        assertThrows(PushcapException.class, () -> CommandWords.split("sh -c \"x"));
        assertThrows(PushcapException.class, () -> CommandWords.split("   "));
        assertThrows(PushcapException.class, () -> CommandWords.split("x\\"));
    }

    @Test
    void shouldNameSignalWhenStatusIsAbove128() {
        assertEquals("exit status 3", ExitStatus.describe(3));
        assertEquals("exit status 137 (killed by signal 9 SIGKILL)", ExitStatus.describe(137));
    }
}
