package io.pushcap.config;

import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * What a configuration script evaluated to: its first return value and, for every table it
 * passed to {@code table.insert}, the line of that call (so a loader can point at a target).
 *
 * <p><b>Note:</b> not thread-safe once shared: the tables are LuaJ's mutable tables, read by one
 * validation. The values are plain data (tables, strings, numbers, booleans); functions returned
 * by a script evaluated in a child process come back as placeholders that only say "a function".
 */
public final class EvaluatedScript {
    private final LuaValue result;
    private final Map<LuaTable, Integer> insertLines;

    EvaluatedScript(LuaValue result, Map<LuaTable, Integer> insertLines) {
        this.result = result;
        this.insertLines = new IdentityHashMap<>(insertLines);
    }

    public LuaValue result() {
        return result;
    }

    /** The line of the {@code table.insert} call that inserted {@code table}, or -1. */
    public int insertLine(LuaTable table) {
        Integer line = insertLines.get(table);
        return line == null ? -1 : line;
    }
}
