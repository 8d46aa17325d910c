package io.pushcap.config;

import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Typed reads of one Lua table of a configuration (a target, or the Config globals), reporting
 * every wrong type, wrong value and unknown key to {@link ConfigProblems} with the key's line.
 * A read that fails returns null, so validation carries on and finds the next problem.
 *
 * <p>Reads are raw (no metamethods): validation runs after the script, outside the sandbox's
 * instruction limit, so no Lua code may run then.
 *
 * <p>Empty strings count as absent: the appliance's generated configs write {@code ""} for
 * "unset" ({@code ["SplitCmd"] = ""}).
 *
 * <p><b>Note:</b> not thread-safe; used by one validation.
 */
final class TableReader {
    private final LuaTable table;
    private final String context;
    private final ConfigProblems problems;
    private final SourceLines source;
    private final String keyPrefix;
    private final int ownLine;
    private final int firstLine;
    private final int endLine;

    /**
     * @param keyPrefix how keys are spelt in messages: "" for target keys, "Config." for globals
     * @param ownLine   the table's line, for problems whose key is not found in the source, or -1
     * @param firstLine where to start looking for keys in the source
     * @param endLine   where to stop looking (exclusive), or -1 for the end of the file
     */
    TableReader(LuaTable table, String context, ConfigProblems problems, SourceLines source, String keyPrefix,
                int ownLine, int firstLine, int endLine) {
        this.table = table;
        this.context = context;
        this.problems = problems;
        this.source = source;
        this.keyPrefix = keyPrefix;
        this.ownLine = ownLine;
        this.firstLine = firstLine;
        this.endLine = endLine;
    }

    /** The line that assigns {@code key}, else the table's own line, else -1. */
    int lineOf(String key) {
        int line = source.keyLine(keyPrefix + key, firstLine, endLine);
        return line > 0 ? line : ownLine;
    }

    void error(String key, String message) {
        problems.add(lineOf(key), context, keyPrefix + key + ": " + message);
    }

    /** Reports the table's error without a key, at the table's line. */
    void error(String message) {
        problems.add(ownLine, context, message);
    }

    boolean has(String key) {
        LuaValue v = table.rawget(key);
        return !v.isnil() && !(v.type() == LuaValue.TSTRING && v.tojstring().isBlank());
    }

    LuaValue raw(String key) {
        return table.rawget(key);
    }

    /** A string, or null when absent or empty. */
    String string(String key) {
        LuaValue v = table.rawget(key);
        if (v.isnil()) {
            return null;
        }
        if (v.type() != LuaValue.TSTRING) {
            wrongType(key, v, "a string");
            return null;
        }
        String s = v.tojstring();
        return s.isEmpty() ? null : s;
    }

    /** A string that must be present and not blank. */
    String requiredString(String key, String why) {
        LuaValue v = table.rawget(key);
        if (v.isnil() || (v.type() == LuaValue.TSTRING && v.tojstring().isBlank())) {
            error(key, "missing (" + why + ")");
            return null;
        }
        return string(key);
    }

    Boolean bool(String key) {
        LuaValue v = table.rawget(key);
        if (v.isnil()) {
            return null;
        }
        if (v.type() != LuaValue.TBOOLEAN) {
            wrongType(key, v, "a boolean, true or false");
            return null;
        }
        return v.toboolean();
    }

    /** A whole number in {@code [min, max]}, or null. */
    Long integer(String key, long min, long max, String meaning) {
        LuaValue v = table.rawget(key);
        if (v.isnil()) {
            return null;
        }
        if (v.type() != LuaValue.TNUMBER) {
            wrongType(key, v, "a number: " + meaning);
            return null;
        }
        OptionalLong n = LuaValues.wholeNumber(v);
        if (n.isEmpty() || n.getAsLong() < min || n.getAsLong() > max) {
            error(key, LuaValues.show(v) + " (expected a whole number from " + LuaValues.number(min) + " to "
                    + LuaValues.number(max) + ": " + meaning + ")");
            return null;
        }
        return n.getAsLong();
    }

    /** A number at least {@code min}, or null. */
    Double number(String key, double min, String meaning) {
        LuaValue v = table.rawget(key);
        if (v.isnil()) {
            return null;
        }
        if (v.type() != LuaValue.TNUMBER || Double.isNaN(v.todouble()) || Double.isInfinite(v.todouble())) {
            wrongType(key, v, "a number: " + meaning);
            return null;
        }
        if (v.todouble() < min) {
            error(key, LuaValues.show(v) + " (expected a number of at least " + LuaValues.number(min) + ": " + meaning + ")");
            return null;
        }
        return v.todouble();
    }

    private void wrongType(String key, LuaValue v, String expected) {
        error(key, LuaValues.show(v) + " (expected " + expected + "; got " + LuaValues.article(v.typename()) + ")");
    }

    /** Reports every key not in {@code valid}, with a suggestion, in source order. */
    void rejectUnknownKeys(Set<String> valid, String validList) {
        for (LuaValue key : keys()) {
            if (key.type() != LuaValue.TSTRING) {
                error("unexpected entry [" + LuaValues.show(key) + "] = " + LuaValues.show(table.rawget(key))
                        + " (entries are written Key = value)");
                continue;
            }
            String k = key.tojstring();
            if (!valid.contains(k)) {
                String suggestion = Suggestions.closest(k, valid);
                error(k, "unknown key" + (suggestion == null ? "" : " (did you mean " + suggestion + "?)")
                        + "; valid keys: " + validList);
            }
        }
    }

    /** Every key, in the order they appear in the source (unknown positions last, by name). */
    List<LuaValue> keys() {
        List<LuaValue> keys = new ArrayList<>();
        for (Varargs n = table.next(LuaValue.NIL); !n.arg1().isnil(); n = table.next(n.arg1())) {
            keys.add(n.arg1());
        }
        keys.sort(Comparator.comparingInt((LuaValue k) -> {
            int line = k.type() == LuaValue.TSTRING ? source.keyLine(keyPrefix + k.tojstring(), firstLine, endLine) : -1;
            return line > 0 ? line : Integer.MAX_VALUE;
        }).thenComparing((LuaValue k) -> k.tojstring()));
        return keys;
    }
}
