package io.pushcap.config;

import io.pushcap.ring.ByteSizes;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Reading helpers shared by the sections of a service configuration: the list of tables under
 * one key ({@code Service.Capture}, ...), component names, sizes, and lists of strings. Problems
 * go to the file's {@link ConfigProblems} like every other check.
 *
 * <p><b>Note:</b> not thread-safe; used by one validation.
 */
final class ServiceSections {
    /** Names of rings, captures, schedules...: they become file names and metric labels. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,30}");
    static final String NAME_RULE = "letters, digits, '.', '_' and '-', starting with a letter or digit, at most 31 characters";

    /** One table of a section, with the lines that bound its keys in the source. */
    record Entry(LuaTable table, int index, int line, int nextLine) {
    }

    private final ConfigProblems problems;
    private final SourceLines source;
    private final EvaluatedScript sandbox;

    ServiceSections(ConfigProblems problems, SourceLines source, EvaluatedScript sandbox) {
        this.problems = problems;
        this.source = source;
        this.sandbox = sandbox;
    }

    ConfigProblems problems() {
        return problems;
    }

    /** The tables of {@code Service.<key>}, each with its line; absent means none. */
    List<Entry> entries(TableReader service, String key, String example) {
        LuaValue list = service.raw(key);
        if (list.isnil()) {
            return List.of();
        }
        if (!list.istable()) {
            service.error(key, LuaValues.show(list) + " (expected a list: table.insert(Service." + key + ", " + example + "))");
            return List.of();
        }
        LuaTable t = (LuaTable) list;
        int n = t.rawlen();
        for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
            LuaValue k = e.arg1();
            if (!(k.type() == LuaValue.TNUMBER && k.isint() && k.toint() >= 1 && k.toint() <= n)) {
                service.error(key, "unexpected entry [" + LuaValues.show(k) + "] (Service." + key
                        + " is a list: table.insert(Service." + key + ", " + example + "))");
            }
        }
        List<LuaTable> tables = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            LuaValue v = t.rawget(i);
            if (v.istable()) {
                tables.add((LuaTable) v);
            } else {
                service.error(key, "entry " + i + " is " + LuaValues.describe(v) + " (expected a table " + example + ")");
            }
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < tables.size(); i++) {
            int line = sandbox.insertLine(tables.get(i));
            int next = i + 1 < tables.size() ? sandbox.insertLine(tables.get(i + 1)) : -1;
            entries.add(new Entry(tables.get(i), i + 1, line, next > line ? next : -1));
        }
        return entries;
    }

    /** A reader for one entry's keys, whose messages start with {@code context}. */
    TableReader reader(Entry e, String context) {
        return new TableReader(e.table(), context, problems, source, "", e.line(), e.line(), e.nextLine());
    }

    /**
     * The entry's {@code Name} (or {@code fallbackKey}'s value when Name is absent), checked
     * against {@link #NAME}; null when unusable (reported).
     */
    String name(TableReader r, String fallbackKey) {
        String name = r.string("Name");
        String key = "Name";
        if (name == null && fallbackKey != null) {
            name = r.string(fallbackKey);
            key = fallbackKey;
        }
        if (name == null) {
            r.error("Name", "missing (every entry needs a Name" + (fallbackKey == null ? "" : " or a " + fallbackKey) + ")");
            return null;
        }
        if (!NAME.matcher(name).matches()) {
            r.error(key, "'" + name + "' (a name becomes file names and metric labels: " + NAME_RULE + ")");
            return null;
        }
        return name;
    }

    /** A size written as a number of bytes or a string such as "256m"; {@code fallback} when absent, -1 when wrong. */
    static long size(TableReader r, String key, long fallback, String meaning) {
        LuaValue v = r.raw(key);
        if (v.isnil() || (v.isstring() && v.type() == LuaValue.TSTRING && v.tojstring().isBlank())) {
            return fallback;
        }
        if (v.type() == LuaValue.TNUMBER) {
            OptionalLong n = LuaValues.wholeNumber(v);
            if (n.isPresent() && n.getAsLong() > 0) {
                return n.getAsLong();
            }
            r.error(key, LuaValues.show(v) + " (expected a positive whole number of bytes or a size such as \"256m\": "
                    + meaning + ")");
            return -1;
        }
        if (v.type() != LuaValue.TSTRING) {
            r.error(key, LuaValues.show(v) + " (expected a size such as \"256m\", \"1g\" or a number of bytes: " + meaning + ")");
            return -1;
        }
        try {
            return ByteSizes.parse(v.tojstring(), key);
        } catch (io.pushcap.PushcapException e) {
            r.error(key, "'" + v.tojstring() + "' (expected a size such as \"256m\", \"1g\", \"512k\" or 65536: " + meaning + ")");
            return -1;
        }
    }

    /** A string or a list of strings, as a list; empty when absent. */
    static List<String> strings(TableReader r, String key, String meaning) {
        LuaValue v = r.raw(key);
        if (v.isnil()) {
            return List.of();
        }
        if (v.type() == LuaValue.TSTRING) {
            return v.tojstring().isBlank() ? List.of() : List.of(v.tojstring());
        }
        if (!v.istable()) {
            r.error(key, LuaValues.show(v) + " (expected a string or a list of strings: " + meaning + ")");
            return List.of();
        }
        LuaTable t = (LuaTable) v;
        List<String> out = new ArrayList<>();
        int n = t.rawlen();
        int count = 0;
        for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
            count++;
        }
        if (count != n) {
            r.error(key, "a table with keys (expected a list of strings { \"a\", \"b\" }: " + meaning + ")");
            return List.of();
        }
        for (int i = 1; i <= n; i++) {
            LuaValue s = t.rawget(i);
            if (s.type() != LuaValue.TSTRING) {
                r.error(key, "entry " + i + " is " + LuaValues.describe(s) + " (expected strings: " + meaning + ")");
                return List.of();
            }
            out.add(s.tojstring());
        }
        return List.copyOf(out);
    }

    /** A whole number in {@code [min, max]}, or {@code fallback} when absent (and when wrong, reported). */
    static long integer(TableReader r, String key, long min, long max, long fallback, String meaning) {
        Long v = r.integer(key, min, max, meaning);
        return v == null ? fallback : v;
    }
}
