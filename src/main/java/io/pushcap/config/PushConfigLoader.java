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
 * the script (bounded by the sandbox's instruction limit), compiles each BPF filter with libpcap
 * and looks at the file system, but creates nothing.
 */
public final class PushConfigLoader {
    /** Keys of the Config table itself. */
    public static final Set<String> GLOBAL_KEYS = Set.of("Target", "TimeoutRing", "FollowStart", "Decap", "Source");
    private static final String GLOBAL_LIST = "Target, TimeoutRing, FollowStart, Decap, Source";

    private final HostChecks host;
    private final long instructionLimit;

    /** Checks against this host, with the default instruction limit. */
    public PushConfigLoader() {
        this(HostChecks.thisHost(), LuaSandbox.DEFAULT_INSTRUCTION_LIMIT);
    }

    PushConfigLoader(HostChecks host, long instructionLimit) {
        this.host = host;
        this.instructionLimit = instructionLimit;
    }

    /**
     * @throws ConfigException with every problem of the file, one per line
     */
    public PushConfig load(Path file) {
        return load(file.toString(), LuaSandbox.read(file));
    }

    /** Loads {@code bytes} as the file {@code name} (fuzzing and tests; messages name it). */
    PushConfig load(String name, byte[] bytes) {
        LuaSandbox sandbox = new LuaSandbox(instructionLimit, System.err);
        LuaValue result = sandbox.run(name, bytes);
        if (!result.istable()) {
            throw new ConfigException(name + ": the script must end with 'return Config' (a table), but it returned "
                    + LuaValues.describe(result));
        }
        ConfigProblems problems = new ConfigProblems(name);
        SourceLines source = new SourceLines(bytes);
        TableReader config = new TableReader((LuaTable) result, null, problems, source, "Config.", -1, 1, -1);
        config.rejectUnknownKeys(GLOBAL_KEYS, GLOBAL_LIST);
        ConfigDefaults defaults = readDefaults(config);
        List<TargetConfig> targets = readTargets(config, new TargetValidator(problems, source, host, defaults), sandbox);
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

    private static List<TargetConfig> readTargets(TableReader config, TargetValidator validator, LuaSandbox sandbox) {
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
