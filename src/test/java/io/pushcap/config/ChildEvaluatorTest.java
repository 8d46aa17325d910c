package io.pushcap.config;

import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaTable;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The child-JVM evaluator: what a script returns comes back as the same data, and limits are named. */
class ChildEvaluatorTest {
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final ChildEvaluator evaluator = new ChildEvaluator(new EvalBudget(Duration.ofSeconds(20), 64L << 20),
            LuaSandbox.DEFAULT_INSTRUCTION_LIMIT, new PrintStream(printed, true, StandardCharsets.UTF_8));

    @Test
    void shouldReturnSameDataWhenScriptReturnsNestedTables() {
        EvaluatedScript s = evaluator.evaluate("cfg.lua", bytes("""
                local shared = { x = 1 }
                local C = { Target = {}, N = 60e9, I = 7, F = 0.5, B = true, S = "caf\\195\\169\\0z", A = shared, A2 = shared,
                  Fn = function() end }
                print("hello from the script")
                table.insert(C.Target, { Desc = "a" })
                table.insert(C.Target, { Desc = "b" })
                return C
                """));
        LuaTable c = (LuaTable) s.result();
        assertThat(c.get("N").todouble()).isEqualTo(60e9);
        assertThat(c.get("I").isint()).isTrue();
        assertThat(c.get("I").toint()).isEqualTo(7);
        assertThat(c.get("F").todouble()).isEqualTo(0.5);
        assertThat(c.get("B").toboolean()).isTrue();
        assertThat(c.get("S").checkstring().m_length).isEqualTo(7);
        assertThat(c.get("A")).isSameAs(c.get("A2"));
        assertThat(c.get("Fn").typename()).isEqualTo("function");
        LuaTable targets = (LuaTable) c.get("Target");
        assertThat(targets.rawlen()).isEqualTo(2);
        assertThat(targets.get(2).get("Desc").tojstring()).isEqualTo("b");
        assertThat(s.insertLine((LuaTable) targets.get(1))).isEqualTo(5);
        assertThat(s.insertLine((LuaTable) targets.get(2))).isEqualTo(6);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("hello from the script");
    }

    @Test
    void shouldUseThePrestartedChildWhenItsLimitsMatch() throws Exception {
        ChildEvaluator.prestart();
        Process spare = ChildEvaluator.spare();
        assertThat(spare).as("a child waits for its script").isNotNull();
        assertThat(spare.isAlive()).isTrue();
        ChildEvaluator same = new ChildEvaluator(EvalBudget.fromEnvironment());
        EvaluatedScript s = same.evaluate("pre.lua", bytes("return { Answer = 42 }\n"));
        assertThat(((LuaTable) s.result()).get("Answer").toint()).isEqualTo(42);
        assertThat(ChildEvaluator.spare()).as("taken").isNull();
        assertThat(spare.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).as("it ran the script and exited").isTrue();
        assertThat(spare.exitValue()).isZero();
    }

    @Test
    void shouldStartItsOwnChildWhenThePrestartedOneHasOtherLimits() throws Exception {
        ChildEvaluator.prestart();
        Process spare = ChildEvaluator.spare();
        assertThat(spare).isNotNull();
        // This evaluator's budget (64 MiB, 20 s) is not the environment's: the spare is not used.
        EvaluatedScript s = evaluator.evaluate("own.lua", bytes("return { Answer = 7 }\n"));
        assertThat(((LuaTable) s.result()).get("Answer").toint()).isEqualTo(7);
        assertThat(ChildEvaluator.spare()).isNull();
        assertThat(spare.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).as("the mismatched spare is ended").isTrue();
    }

    @Test
    void shouldExitQuietlyWhenAPrestartedChildIsNeverUsed() throws Exception {
        ChildEvaluator.prestart();
        Process spare = ChildEvaluator.spare();
        assertThat(spare).isNotNull();
        spare.getOutputStream().close(); // what the parent's exit does to the pipe
        assertThat(spare.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(spare.exitValue()).isZero();
        assertThat(spare.getInputStream().readAllBytes()).as("no frames").isEmpty();
        ChildEvaluator.prestart(); // replaces the dead one
        assertThat(ChildEvaluator.spare()).isNotSameAs(spare);
        ChildEvaluator.spare().getOutputStream().close();
    }

    @Test
    void shouldNameFileAndLineWhenScriptFails() {
        assertThatThrownBy(() -> evaluator.evaluate("bad.lua", bytes("local x = 1\nerror('boom')\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("bad.lua:2").hasMessageContaining("boom");
        assertThatThrownBy(() -> evaluator.evaluate("syntax.lua", bytes("local = \n")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("syntax.lua:1");
    }

    @Test
    void shouldNameMemoryLimitWhenScriptAllocatesTooMuch() {
        assertThatThrownBy(() -> evaluator.evaluate("big.lua", bytes("local t = {}\nfor i = 1, 100 do t[i] = string.rep('x', 2^20 * 8) .. i end\n")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("big.lua").hasMessageContaining("more than 64 MiB").hasMessageNotContaining("OutOfMemoryError");
    }

    @Test
    void shouldNameTimeLimitWhenPatternBacktracksPastBudget() {
        ChildEvaluator quick = new ChildEvaluator(new EvalBudget(Duration.ofSeconds(3), 64L << 20));
        assertThatThrownBy(() -> quick.evaluate("slow.lua", bytes(
                "return string.find(string.rep('a', 40), string.rep('a*', 40) .. 'b')\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("slow.lua").hasMessageContaining("within 3 s");
    }

    @Test
    void shouldRefuseWhenCancelled() {
        evaluator.cancel();
        assertThatThrownBy(() -> evaluator.evaluate("late.lua", bytes("return {}")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("late.lua").hasMessageContaining("stopping");
    }

    @Test
    void shouldRefuseWhenResultNestsTooDeeply() {
        assertThatThrownBy(() -> evaluator.evaluate("deep.lua", bytes("local t = {}\nlocal r = t\nfor i = 1, 100 do t.n = {} t = t.n end\nreturn r\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("deep.lua").hasMessageContaining("64 levels");
    }

    @Test
    void shouldReadBudgetFromEnvironmentWhenSet() {
        EvalBudget b = EvalBudget.from(java.util.Map.of(EvalBudget.TIME_ENV, "3", EvalBudget.MEMORY_ENV, "512m"));
        assertThat(b.wall()).isEqualTo(Duration.ofSeconds(3));
        assertThat(b.heapBytes()).isEqualTo(512L << 20);
        assertThat(EvalBudget.from(java.util.Map.of())).isEqualTo(EvalBudget.DEFAULT);
        assertThatThrownBy(() -> EvalBudget.from(java.util.Map.of(EvalBudget.TIME_ENV, "ten")))
                .hasMessageContaining(EvalBudget.TIME_ENV).hasMessageContaining("1..600");
        assertThatThrownBy(() -> EvalBudget.from(java.util.Map.of(EvalBudget.MEMORY_ENV, "1m")))
                .hasMessageContaining(EvalBudget.MEMORY_ENV);
    }

    @Test
    void shouldEvaluateAsWithoutCacheWhenTheChildAotCacheIsUnusable() throws Exception {
        // bin/pushcap names target/pushcap-eval.aot; a stale, foreign or damaged file must only cost speed.
        java.nio.file.Path bad = java.nio.file.Files.createTempFile("pushcap-eval-", ".aot");
        String before = System.getProperty(ChildEvaluator.AOT_CACHE_PROPERTY);
        try {
            java.nio.file.Files.writeString(bad, "not an AOT cache");
            System.setProperty(ChildEvaluator.AOT_CACHE_PROPERTY, bad.toString());
            EvaluatedScript s = evaluator.evaluate("cached.lua", bytes("print('p')\nreturn { Target = { { Desc = 'a' } } }\n"));
            assertThat(((LuaTable) s.result()).get("Target").get(1).get("Desc").tojstring()).isEqualTo("a");
            assertThat(printed.toString(StandardCharsets.UTF_8)).isEqualTo("p\n");
            assertThatThrownBy(() -> evaluator.evaluate("loop.lua", bytes("while true do end\n")))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("loop.lua");
        } finally {
            if (before == null) {
                System.clearProperty(ChildEvaluator.AOT_CACHE_PROPERTY);
            } else {
                System.setProperty(ChildEvaluator.AOT_CACHE_PROPERTY, before);
            }
            java.nio.file.Files.deleteIfExists(bad);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
