package io.pushcap.config;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.Bit32Lib;
import org.luaj.vm2.lib.DebugLib;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.VarArgFunction;
import org.luaj.vm2.lib.jse.JseBaseLib;
import org.luaj.vm2.lib.jse.JseMathLib;
import org.luaj.vm2.lib.jse.JseOsLib;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A sandboxed LuaJ 3.0.1 interpreter for configuration scripts: runs one script and hands back
 * what it returns, with errors as {@code file:line: message} and no stack traces.
 *
 * <p>Scripts see {@code base} (without {@code dofile}, {@code loadfile}, {@code require} and with
 * {@code load} limited to source text), {@code package} (only {@code loaded}, {@code preload},
 * {@code path} and {@code config}), {@code bit32}, {@code table}, {@code string}, {@code math}
 * and an {@code os} with only {@code date}, {@code time}, {@code clock} and {@code difftime}. There
 * is no {@code io}, {@code debug}, {@code coroutine} or {@code luajava}. {@code string.format},
 * {@code os.date} and {@code os.time} are pushcap's own ({@link LuaStringFormat}, {@link LuaOsTime})
 * because LuaJ 3.0.1's ignore the precision of {@code %.2f} and fail on {@code %Z}. Execution is
 * bounded by an instruction limit enforced by a count hook that {@code pcall} cannot catch.
 * {@code table.insert} remembers the line it was called from for every table it inserts
 * ({@link #insertLine}), so a loader can point at a target's line.
 *
 * <p><b>Note:</b> not thread-safe: one sandbox runs one script at a time on one thread; use a new
 * sandbox per file. The limit bounds Lua instructions, not memory or time spent inside library
 * functions (a catastrophic {@code string.find} pattern or a huge {@code string.rep} runs in Java
 * code the hook never sees): commands evaluate scripts through {@link ScriptEvaluator#bounded()},
 * which runs this sandbox in a child JVM with a wall-clock and heap budget. LuaJ keeps the string metatable in a static
 * field, so method-call syntax on strings ({@code s:format()}) uses the string library of the
 * sandbox created last in the JVM; every sandbox installs the same functions, so this is harmless
 * unless other code creates unsandboxed LuaJ globals in the same JVM.
 */
public final class LuaSandbox {
    /** Enough for any sane configuration (a few thousand instructions), small enough to stop a loop in about a second. */
    public static final long DEFAULT_INSTRUCTION_LIMIT = 20_000_000L;

    /** Real configurations are a few KB; reading more would only spend memory before the budget applies. */
    static final long MAX_SCRIPT_BYTES = 16L << 20;

    private final Globals globals = new Globals();
    private final long instructionLimit;
    private final LuaValue getinfo;
    private final Map<LuaTable, Integer> insertLines = new IdentityHashMap<>();

    public LuaSandbox() {
        this(DEFAULT_INSTRUCTION_LIMIT, System.err);
    }

    /**
     * @param instructionLimit Lua VM instructions one script may execute
     * @param printTo          where the script's {@code print} goes (stderr keeps stdout for results)
     */
    public LuaSandbox(long instructionLimit, PrintStream printTo) {
        if (instructionLimit <= 0 || instructionLimit > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("instruction limit must be in 1.." + Integer.MAX_VALUE + ", got " + instructionLimit);
        }
        this.instructionLimit = instructionLimit;
        globals.STDOUT = printTo;
        globals.STDERR = printTo;
        globals.load(new JseBaseLib());
        globals.load(new PackageLib());
        globals.load(new Bit32Lib());
        globals.load(new TableLib());
        globals.load(new StringLib());
        globals.load(new JseMathLib());
        globals.load(new JseOsLib());
        // The debug library is what makes LuaJ call hooks at all; scripts must not see it.
        globals.load(new DebugLib());
        LoadState.install(globals);
        LuaC.install(globals);
        this.getinfo = globals.get("debug").get("getinfo");
        restrict();
    }

    /**
     * Runs the script in {@code file} and returns its first return value.
     *
     * @throws ConfigException the file cannot be read, does not compile, fails while running or
     *                         exceeds the instruction limit; the one problem names file and line
     */
    public LuaValue run(Path file) {
        return run(file.toString(), read(file));
    }

    /** The bytes of a script (at most {@link #MAX_SCRIPT_BYTES}), or a ConfigException naming the file. */
    static byte[] read(Path file) {
        try {
            byte[] bytes;
            try (java.io.InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes((int) MAX_SCRIPT_BYTES + 1);
            }
            if (bytes.length > MAX_SCRIPT_BYTES) {
                throw new ConfigException(file + ": more than " + (MAX_SCRIPT_BYTES >> 20)
                        + " MiB; a configuration script is at most that (a few KB is usual)");
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
    }

    /** Runs {@code source} as if read from a file called {@code name}; see {@link #run(Path)}. */
    public LuaValue run(String name, byte[] source) {
        LuaValue chunk;
        try {
            chunk = globals.load(new ByteArrayInputStream(source), "@" + name, "t", globals);
        } catch (LuaError e) {
            throw new ConfigException(LuaErrors.compileMessage(e, name, source));
        } catch (RuntimeException e) {
            throw new ConfigException(LuaErrors.runtimeMessage(e, name));
        }
        globals.running.state.bytecodes = 0;
        globals.running.state.hookcount = (int) instructionLimit;
        globals.running.state.hookfunc = new LimitHook(name);
        try {
            return chunk.call();
        } catch (LuaError e) {
            throw new ConfigException(LuaErrors.message(e, name));
        } catch (InstructionLimitExceeded e) {
            throw new ConfigException(e.getMessage());
        } catch (StackOverflowError e) {
            throw new ConfigException(name + ": stack overflow (unbounded recursion?)");
        } catch (ConfigException e) {
            throw e;
        } catch (RuntimeException e) {
            // LuaJ's library functions can fail with a plain Java exception (not a LuaError) on
            // odd arguments; the caller must still get one ConfigException naming the file.
            throw new ConfigException(LuaErrors.runtimeMessage(e, name));
        } finally {
            globals.running.state.hookfunc = null;
            globals.running.state.hookcount = 0;
        }
    }

    /**
     * Runs {@code source} (see {@link #run(Path)}) and returns its result with the line of every
     * table it passed to {@code table.insert}.
     */
    public EvaluatedScript evaluate(String name, byte[] source) {
        return new EvaluatedScript(run(name, source), insertLines);
    }

    /** Like {@link #run(Path)}, and the script must return a table (e.g. {@code return Config}). */
    public LuaTable runForTable(Path file, String what) {
        LuaValue result = run(file);
        if (!result.istable()) {
            throw new ConfigException(file + ": the script must end with 'return " + what + "' (a table), but it returned "
                    + LuaValues.describe(result));
        }
        return (LuaTable) result;
    }

    /** The line of the {@code table.insert} call that inserted {@code table}, or -1. */
    public int insertLine(LuaTable table) {
        Integer line = insertLines.get(table);
        return line == null ? -1 : line;
    }

    public long instructionLimit() {
        return instructionLimit;
    }

    private void restrict() {
        LuaValue nil = LuaValue.NIL;
        for (String name : new String[] {"debug", "dofile", "loadfile", "require", "luajava", "io", "coroutine"}) {
            globals.set(name, nil);
        }
        LuaValue load = globals.get("load");
        globals.set("load", new TextOnlyLoad(load));

        LuaTable os = new LuaTable();
        LuaValue fullOs = globals.get("os");
        os.set("date", new LuaOsTime.Date());
        os.set("time", new LuaOsTime.Time());
        os.set("clock", fullOs.get("clock"));
        os.set("difftime", fullOs.get("difftime"));
        globals.set("os", os);

        LuaValue string = globals.get("string");
        string.set("format", new LuaStringFormat());

        LuaValue table = globals.get("table");
        table.set("insert", new LineRecordingInsert(table.get("insert")));

        LuaValue fullPackage = globals.get("package");
        LuaTable pkg = new LuaTable();
        pkg.set("path", fullPackage.get("path"));
        pkg.set("config", fullPackage.get("config"));
        pkg.set("preload", new LuaTable());
        LuaTable loaded = new LuaTable();
        for (String name : new String[] {"_G", "string", "table", "math", "bit32", "os"}) {
            loaded.set(name, name.equals("_G") ? globals : globals.get(name));
        }
        loaded.set("package", pkg);
        pkg.set("loaded", loaded);
        globals.set("package", pkg);
    }

    private int callerLine() {
        LuaValue info = getinfo.call(LuaValue.valueOf(1), LuaValue.valueOf("l"));
        return info.istable() ? info.get("currentline").optint(-1) : -1;
    }

    /** table.insert that remembers where each inserted table came from. */
    private final class LineRecordingInsert extends VarArgFunction {
        private final LuaValue insert;

        LineRecordingInsert(LuaValue insert) {
            this.insert = insert;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaValue value = args.arg(args.narg());
            if (value.istable()) {
                insertLines.putIfAbsent((LuaTable) value, callerLine());
            }
            return insert.invoke(args);
        }
    }

    /** The count hook: fires once, when the budget is spent. An Error, so pcall cannot swallow it. */
    private final class LimitHook extends VarArgFunction {
        private final String name;

        LimitHook(String name) {
            this.name = name;
        }

        @Override
        public Varargs invoke(Varargs args) {
            int line = callerLine();
            throw new InstructionLimitExceeded(name + (line > 0 ? ":" + line : "") + ": the script ran "
                    + instructionLimit + " Lua instructions without finishing (an endless loop?); the sandbox stops it there");
        }
    }

    /** load() for source text only: binary chunks bypass the compiler's checks. */
    private static final class TextOnlyLoad extends VarArgFunction {
        private final LuaValue load;

        TextOnlyLoad(LuaValue load) {
            this.load = load;
        }

        @Override
        public Varargs invoke(Varargs args) {
            LuaValue chunk = args.arg1();
            if (chunk.isstring() && chunk.tojstring().startsWith("\033")) {
                return varargsOf(NIL, valueOf("load: binary chunks are not allowed in the sandbox"));
            }
            LuaValue[] forced = args.narg() >= 4
                    ? new LuaValue[] {chunk, args.arg(2), valueOf("t"), args.arg(4)}
                    : new LuaValue[] {chunk, args.arg(2), valueOf("t")};
            return load.invoke(LuaValue.varargsOf(forced));
        }
    }

    private static final class InstructionLimitExceeded extends Error {
        InstructionLimitExceeded(String message) {
            super(message, null, false, false);
        }
    }
}
