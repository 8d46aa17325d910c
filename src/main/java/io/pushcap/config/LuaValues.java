package io.pushcap.config;

import org.luaj.vm2.LuaValue;

import java.util.OptionalLong;

/**
 * Small conversions between Lua values and what error messages and configuration records need:
 * a value as the user wrote it, a type with its article, and numbers in every spelling a script
 * produces ({@code 60e9}, {@code 3.6E12}, {@code 3600000000000}).
 *
 * <p><b>Note:</b> stateless and thread-safe.
 */
public final class LuaValues {
    private LuaValues() {
    }

    /** "a string", "an integer"... for "(expected ...)" messages. */
    public static String article(String typeName) {
        return ("aeiou".indexOf(typeName.charAt(0)) >= 0 ? "an " : "a ") + typeName;
    }

    /** The value as a user would write it in a message: 'text', 60000000000, true, a table. */
    public static String show(LuaValue v) {
        if (v.isnil()) {
            return "nil";
        }
        if (v.type() == LuaValue.TNUMBER) {
            return number(v.todouble());
        }
        if (v.isstring()) {
            return "'" + v.tojstring() + "'";
        }
        if (v.isboolean()) {
            return v.toboolean() ? "true" : "false";
        }
        return article(v.typename());
    }

    /** {@link #show} with the type, for "returned ..." messages: "nil", "a string 'x'". */
    public static String describe(LuaValue v) {
        if (v.isnil()) {
            return "nil";
        }
        if (v.istable() || v.isfunction() || v.isuserdata()) {
            return article(v.typename());
        }
        return article(v.typename()) + " " + show(v);
    }

    /** A double as a person writes it: integers without ".0" or exponent, others as Java prints them. */
    public static String number(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e18) {
            return Long.toString((long) d);
        }
        return Double.toString(d);
    }

    /**
     * Parses an integer written in any of the forms Lua scripts produce: plain digits, or a decimal
     * with exponent whose value is whole ({@code 60e9}, {@code 3.6E12}, {@code 1e9}).
     *
     * @return empty for anything else (fractions, hex, words, out of the long range)
     */
    public static OptionalLong parseWholeNumber(String text) {
        return WholeDecimal.times(text.strip(), 1);
    }

    /** The value as a long when it is a whole number in range, else empty. */
    public static OptionalLong wholeNumber(LuaValue v) {
        if (v.type() != LuaValue.TNUMBER) {
            return OptionalLong.empty();
        }
        double d = v.todouble();
        if (d != Math.rint(d) || Math.abs(d) >= 0x1p63) {
            return OptionalLong.empty();
        }
        return OptionalLong.of((long) d);
    }
}
