package io.pushcap.config;

import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Loads a push_pcap.lua, in the appliance's format, into a validated {@link PushConfig}: runs it in
 * a {@link LuaSandbox}, reads the globals ({@code Config.TimeoutRing}, {@code Config.FollowStart},
 * {@code Config.Decap}, pushcap's {@code Config.Source}) and every {@code Config.Target} table,
 * folds the globals into each target, and checks the whole file against this host before anything
 * runs. Every problem in the file is reported at once.
 *
 * <p><b>Note:</b> immutable and thread-safe; each {@link #load} uses its own sandbox. Loading runs
 * the script (by default in a child JVM bounded in time and memory, see {@link ChildEvaluator}),
 * compiles each BPF filter with libpcap
 * and looks at the file system, but creates nothing.
 */
public final class PushConfigLoader {
    /** Keys of the Config table itself. */
    public static final Set<String> GLOBAL_KEYS = Set.of("Target", "TimeoutRing", "FollowStart", "Decap", "Source");
    private static final String GLOBAL_LIST = "Target, TimeoutRing, FollowStart, Decap, Source";

    private final HostChecks host;
    private final ScriptEvaluator evaluator;

    /** Checks against this host; the script runs in a child JVM with the default budgets ({@link ScriptEvaluator#bounded()}). */
    public PushConfigLoader() {
        this(HostChecks.thisHost(), ScriptEvaluator.bounded());
    }

    /** Checks against this host; scripts run through {@code evaluator}. */
    public PushConfigLoader(ScriptEvaluator evaluator) {
        this(HostChecks.thisHost(), evaluator);
    }

    /** In this JVM, bounded only by the instruction count: for tests of validation. */
    PushConfigLoader(HostChecks host, long instructionLimit) {
        this(host, ScriptEvaluator.inProcess(instructionLimit));
    }

    PushConfigLoader(HostChecks host, ScriptEvaluator evaluator) {
        this.host = host;
        this.evaluator = evaluator;
    }

    /**
     * @throws ConfigException with every problem of the file, one per line
     */
    public PushConfig load(Path file) {
        return load(file.toString(), LuaSandbox.read(file));
    }

    /** Loads {@code bytes} as the file {@code name} (fuzzing and tests; messages name it). */
    PushConfig load(String name, byte[] bytes) {
        EvaluatedScript script = evaluator.evaluate(name, bytes);
        LuaValue result = script.result();
        if (!result.istable()) {
            throw new ConfigException(name + ": the script must end with 'return Config' (a table), but it returned "
                    + LuaValues.describe(result));
        }
        ConfigProblems problems = new ConfigProblems(name);
        SourceLines source = new SourceLines(bytes);
        TableReader config = new TableReader((LuaTable) result, null, problems, source, "Config.", -1, 1, -1);
        config.rejectUnknownKeys(GLOBAL_KEYS, GLOBAL_LIST);
        ConfigDefaults defaults = readDefaults(config);
        List<TargetConfig> targets = readTargets(config, new TargetValidator(problems, source, host, defaults), script);
        problems.throwIfAny();
        return new PushConfig(name, defaults.timeoutRingNanos(), defaults.followStart(), defaults.decap(),
                defaults.source(), List.copyOf(targets));
    }

    /**
     * What pushcap does differently from the appliance with this target's settings, or what looks
     * unintended; the pipeline prints these once in the target's log.
     */
    public static List<String> notes(TargetConfig target) {
        return TargetNotes.of(target);
    }

    private static ConfigDefaults readDefaults(TableReader config) {
        ConfigDefaults seed = ConfigDefaults.SEED;
        Long timeout = config.integer("TimeoutRing", 0, Long.MAX_VALUE, "nanoseconds, e.g. 5*60e9");
        Boolean follow = config.bool("FollowStart");
        Boolean decap = config.bool("Decap");
        String source = config.string("Source");
        return new ConfigDefaults(timeout == null ? seed.timeoutRingNanos() : timeout,
                follow == null ? seed.followStart() : follow, decap == null ? seed.decap() : decap,
                source == null ? seed.source() : source);
    }

    private static List<TargetConfig> readTargets(TableReader config, TargetValidator validator, EvaluatedScript sandbox) {
        LuaValue list = config.raw("Target");
        if (list.isnil()) {
            config.error("Target", "missing (add targets with table.insert(Config.Target, { Desc = ..., ... }))");
            return List.of();
        }
        if (!list.istable()) {
            config.error("Target", LuaValues.show(list) + " (expected a table of targets)");
            return List.of();
        }
        List<LuaTable> tables = targetTables(config, (LuaTable) list);
        List<TargetConfig> targets = new ArrayList<>(tables.size());
        for (int i = 0; i < tables.size(); i++) {
            int line = sandbox.insertLine(tables.get(i));
            int next = i + 1 < tables.size() ? sandbox.insertLine(tables.get(i + 1)) : -1;
            TargetConfig t = validator.validate(tables.get(i), i + 1, line, next > line ? next : -1);
            if (t != null) {
                targets.add(t);
            }
        }
        return targets;
    }

    /** The entries 1..n of Config.Target, each a table; anything else is reported. */
    private static List<LuaTable> targetTables(TableReader config, LuaTable list) {
        List<LuaTable> tables = new ArrayList<>();
        int n = list.rawlen();
        for (Varargs e = list.next(LuaValue.NIL); !e.arg1().isnil(); e = list.next(e.arg1())) {
            LuaValue key = e.arg1();
            boolean inSequence = key.type() == LuaValue.TNUMBER && key.isint() && key.toint() >= 1 && key.toint() <= n;
            if (!inSequence) {
                config.error("Target", "unexpected entry [" + LuaValues.show(key) + "] (Config.Target is a list: add"
                        + " targets with table.insert(Config.Target, { ... }))");
            }
        }
        for (int i = 1; i <= n; i++) {
            LuaValue v = list.rawget(i);
            if (v.istable()) {
                tables.add((LuaTable) v);
            } else {
                config.error("Target", "entry " + i + " is " + LuaValues.describe(v) + " (expected a target table { Desc = ..., ... })");
            }
        }
        if (n == 0) {
            config.error("Target", "no targets (add one with table.insert(Config.Target, { Desc = ..., ... }))");
        }
        return tables;
    }
}
