package io.pushcap.config;

import org.luaj.vm2.LuaInteger;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.ZeroArgFunction;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The value tree a configuration script returned, as bytes, so a child JVM can evaluate the
 * script and this JVM validate the result: nil, booleans, integers, doubles, byte strings and
 * tables (each once, later uses by reference, so shared tables stay shared), with the
 * {@code table.insert} line of each table. Functions and userdata travel as their type name only;
 * validation reads data and only ever names their type.
 *
 * <p>Tags: {@code 0} nil, {@code T}/{@code F} booleans, {@code I} int, {@code D} double,
 * {@code S} length and bytes, {@code X} a new table (id, line, then key/value pairs ended by a
 * nil key), {@code R} a table seen before (id), {@code U} another type (its name).
 *
 * <p><b>Note:</b> stateless and thread-safe. Tables nested deeper than {@link #MAX_DEPTH} are
 * refused on both sides, so neither a writer nor a reader can overflow its stack.
 */
final class LuaValueCodec {
    static final int MAX_DEPTH = 64;

    private LuaValueCodec() {
    }

    /** Thrown when the script's result cannot be written (too deeply nested). */
    static final class Unencodable extends Exception {
        Unencodable(String message) {
            super(message, null, false, false);
        }
    }

    static void write(DataOutputStream out, EvaluatedScript script) throws IOException, Unencodable {
        new Writer(out, script).value(script.result(), 0);
    }

    static EvaluatedScript read(DataInputStream in) throws IOException {
        Reader r = new Reader(in);
        LuaValue v = r.value(0);
        return new EvaluatedScript(v, r.lines);
    }

    private static final class Writer {
        private final DataOutputStream out;
        private final EvaluatedScript script;
        private final Map<LuaTable, Integer> ids = new IdentityHashMap<>();

        Writer(DataOutputStream out, EvaluatedScript script) {
            this.out = out;
            this.script = script;
        }

        void value(LuaValue v, int depth) throws IOException, Unencodable {
            switch (v.type()) {
                case LuaValue.TNIL -> out.writeByte('0');
                case LuaValue.TBOOLEAN -> out.writeByte(v.toboolean() ? 'T' : 'F');
                case LuaValue.TNUMBER -> {
                    if (v instanceof LuaInteger) {
                        out.writeByte('I');
                        out.writeInt(v.toint());
                    } else {
                        out.writeByte('D');
                        out.writeDouble(v.todouble());
                    }
                }
                case LuaValue.TSTRING -> {
                    LuaString s = v.checkstring();
                    out.writeByte('S');
                    out.writeInt(s.m_length);
                    out.write(s.m_bytes, s.m_offset, s.m_length);
                }
                case LuaValue.TTABLE -> table((LuaTable) v, depth);
                default -> {
                    out.writeByte('U');
                    out.writeUTF(v.typename());
                }
            }
        }

        private void table(LuaTable t, int depth) throws IOException, Unencodable {
            Integer seen = ids.get(t);
            if (seen != null) {
                out.writeByte('R');
                out.writeInt(seen);
                return;
            }
            if (depth >= MAX_DEPTH) {
                throw new Unencodable("the returned table nests tables more than " + MAX_DEPTH + " levels deep");
            }
            int id = ids.size();
            ids.put(t, id);
            out.writeByte('X');
            out.writeInt(id);
            out.writeInt(script.insertLine(t));
            for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
                value(e.arg1(), depth + 1);
                value(e.arg(2), depth + 1);
            }
            out.writeByte('0');
        }
    }

    private static final class Reader {
        private final DataInputStream in;
        private final Map<Integer, LuaTable> tables = new HashMap<>();
        private final Map<LuaTable, Integer> lines = new IdentityHashMap<>();

        Reader(DataInputStream in) {
            this.in = in;
        }

        LuaValue value(int depth) throws IOException {
            int tag = in.readUnsignedByte();
            return switch (tag) {
                case '0' -> LuaValue.NIL;
                case 'T' -> LuaValue.TRUE;
                case 'F' -> LuaValue.FALSE;
                case 'I' -> LuaValue.valueOf(in.readInt());
                case 'D' -> LuaValue.valueOf(in.readDouble());
                case 'S' -> {
                    int n = in.readInt();
                    if (n < 0 || n > in.available()) {
                        throw new IOException("bad string length " + n);
                    }
                    byte[] b = new byte[n];
                    in.readFully(b);
                    yield LuaValue.valueOf(b);
                }
                case 'R' -> {
                    LuaTable t = tables.get(in.readInt());
                    if (t == null) {
                        throw new IOException("reference to an unknown table");
                    }
                    yield t;
                }
                case 'X' -> table(depth);
                case 'U' -> other(in.readUTF());
                default -> throw new IOException("unknown tag " + tag);
            };
        }

        private LuaTable table(int depth) throws IOException {
            if (depth >= MAX_DEPTH) {
                throw new IOException("tables nested too deeply");
            }
            int id = in.readInt();
            int line = in.readInt();
            LuaTable t = new LuaTable();
            tables.put(id, t);
            if (line > 0) {
                lines.put(t, line);
            }
            List<LuaValue[]> pairs = new ArrayList<>();
            while (true) {
                LuaValue k = value(depth + 1);
                if (k.isnil()) {
                    break;
                }
                pairs.add(new LuaValue[] {k, value(depth + 1)});
            }
            pairs.forEach(p -> t.rawset(p[0], p[1]));
            return t;
        }

        private static LuaValue other(String typeName) {
            if (typeName.equals("function")) {
                return new ZeroArgFunction() {
                    @Override
                    public LuaValue call() {
                        return NIL;
                    }
                };
            }
            return LuaValue.userdataOf(typeName);
        }
    }
}
