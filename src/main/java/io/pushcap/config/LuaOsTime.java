package io.pushcap.config;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.time.temporal.IsoFields;
import java.util.Locale;

/**
 * {@code os.date} and {@code os.time} with Lua 5.2's (C's) semantics in the C locale, replacing
 * LuaJ 3.0.1's, whose {@code %Z} throws ("invalid conversion specifier") and whose {@code !%z}
 * reports the local offset instead of +0000.
 *
 * <p>{@code os.date([format [, time]])}: local time of the JVM's default zone (which follows
 * {@code TZ}), or UTC when the format starts with {@code !}; {@code *t} returns the fields as a
 * table; every C99 strftime conversion, including the {@code E} and {@code O} modifiers, is
 * supported, {@code !%Z} prints "GMT" as glibc does; {@code %Z} is Java's English abbreviation
 * ("CET", "EDT"), or tzdata's numeric one ("+04") where Java has none, which is what glibc prints. {@code os.time([table])}: now, or the local
 * time in the table ({@code hour} defaults to 12), normalised like {@code mktime} (the table's
 * fields are updated to the normalised values).
 *
 * <p><b>Note:</b> stateless and thread-safe.
 */
final class LuaOsTime {
    private static final String CONVERSIONS = "aAbBcCdDeFgGhHIjmMnprRStTuUVwWxXyYzZ%";
    private static final String E_MODIFIED = "cCxXyY";
    private static final String O_MODIFIED = "deHImMSuUVwWy";
    private static final DateTimeFormatter ZONE_NAME = DateTimeFormatter.ofPattern("zzz", Locale.US);

    private LuaOsTime() {
    }

    /** os.date. */
    static final class Date extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            String format = args.optjstring(1, "%c");
            long seconds = args.isnoneornil(2) ? System.currentTimeMillis() / 1000 : (long) args.checkdouble(2);
            boolean utc = format.startsWith("!");
            if (utc) {
                format = format.substring(1);
            }
            ZonedDateTime t = Instant.ofEpochSecond(seconds).atZone(utc ? ZoneOffset.UTC : ZoneId.systemDefault());
            if (format.startsWith("*t")) {
                return table(t);
            }
            return valueOf(strftime(format, t, utc));
        }
    }

    /** os.time. */
    static final class Time extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            if (args.isnoneornil(1)) {
                return valueOf((double) (System.currentTimeMillis() / 1000));
            }
            LuaTable t = args.checktable(1);
            LocalDateTime local = LocalDateTime.of(field(t, "year", -1), 1, 1, 0, 0)
                    .plusMonths(field(t, "month", -1) - 1L)
                    .plusDays(field(t, "day", -1) - 1L)
                    .plusHours(field(t, "hour", 12))
                    .plusMinutes(field(t, "min", 0))
                    .plusSeconds(field(t, "sec", 0));
            ZonedDateTime z = local.atZone(ZoneId.systemDefault());
            LuaTable normalised = table(z);
            for (LuaValue k = normalised.next(NIL).arg1(); !k.isnil(); k = normalised.next(k).arg1()) {
                t.set(k, normalised.get(k));
            }
            return valueOf((double) z.toEpochSecond());
        }

        private static int field(LuaTable t, String key, int fallback) {
            LuaValue v = t.get(key);
            if (v.isnil()) {
                if (fallback < 0) {
                    throw new LuaError("field '" + key + "' missing in date table");
                }
                return fallback;
            }
            if (!v.isnumber()) {
                throw new LuaError("field '" + key + "' is not an integer");
            }
            return v.toint();
        }
    }

    static LuaTable table(ZonedDateTime t) {
        LuaTable r = new LuaTable();
        r.set("year", t.getYear());
        r.set("month", t.getMonthValue());
        r.set("day", t.getDayOfMonth());
        r.set("hour", t.getHour());
        r.set("min", t.getMinute());
        r.set("sec", t.getSecond());
        r.set("wday", sundayBased(t) + 1);
        r.set("yday", t.getDayOfYear());
        r.set("isdst", LuaValue.valueOf(t.getZone().getRules().isDaylightSavings(t.toInstant())));
        return r;
    }

    /** strftime in the C locale. */
    static String strftime(String format, ZonedDateTime t, boolean utc) {
        StringBuilder b = new StringBuilder(format.length() + 16);
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%') {
                b.append(c);
                continue;
            }
            if (i + 1 >= format.length()) {
                throw badConversion("%");
            }
            char k = format.charAt(++i);
            if (k == 'E' || k == 'O') {
                String allowed = k == 'E' ? E_MODIFIED : O_MODIFIED;
                if (i + 1 >= format.length() || allowed.indexOf(format.charAt(i + 1)) < 0) {
                    throw badConversion("%" + k + (i + 1 < format.length() ? format.charAt(i + 1) : ""));
                }
                k = format.charAt(++i);
            } else if (CONVERSIONS.indexOf(k) < 0) {
                throw badConversion("%" + k);
            }
            b.append(conversion(k, t, utc));
        }
        return b.toString();
    }

    private static String conversion(char k, ZonedDateTime t, boolean utc) {
        return switch (k) {
            case 'a' -> t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.US);
            case 'A' -> t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.US);
            case 'b', 'h' -> t.getMonth().getDisplayName(TextStyle.SHORT, Locale.US);
            case 'B' -> t.getMonth().getDisplayName(TextStyle.FULL, Locale.US);
            case 'c' -> strftime("%a %b %e %H:%M:%S %Y", t, utc);
            case 'C' -> two(Math.floorDiv(t.getYear(), 100));
            case 'd' -> two(t.getDayOfMonth());
            case 'D', 'x' -> strftime("%m/%d/%y", t, utc);
            case 'e' -> String.format(Locale.ROOT, "%2d", t.getDayOfMonth());
            case 'F' -> strftime("%Y-%m-%d", t, utc);
            case 'g' -> two(Math.floorMod(t.get(IsoFields.WEEK_BASED_YEAR), 100));
            case 'G' -> Integer.toString(t.get(IsoFields.WEEK_BASED_YEAR));
            case 'H' -> two(t.getHour());
            case 'I' -> two(t.getHour() % 12 == 0 ? 12 : t.getHour() % 12);
            case 'j' -> String.format(Locale.ROOT, "%03d", t.getDayOfYear());
            case 'm' -> two(t.getMonthValue());
            case 'M' -> two(t.getMinute());
            case 'n' -> "\n";
            case 'p' -> t.getHour() < 12 ? "AM" : "PM";
            case 'r' -> strftime("%I:%M:%S %p", t, utc);
            case 'R' -> strftime("%H:%M", t, utc);
            case 'S' -> two(t.getSecond());
            case 't' -> "\t";
            case 'T', 'X' -> strftime("%H:%M:%S", t, utc);
            case 'u' -> Integer.toString(t.getDayOfWeek().getValue());
            case 'U' -> two((t.getDayOfYear() - 1 + 7 - sundayBased(t)) / 7);
            case 'V' -> two(t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
            case 'w' -> Integer.toString(sundayBased(t));
            case 'W' -> two((t.getDayOfYear() - 1 + 7 - (t.getDayOfWeek().getValue() - 1)) / 7);
            case 'y' -> two(Math.floorMod(t.getYear(), 100));
            case 'Y' -> Integer.toString(t.getYear());
            case 'z' -> offset(t.getOffset().getTotalSeconds());
            case 'Z' -> utc ? "GMT" : zoneName(t);
            case '%' -> "%";
            default -> throw badConversion("%" + k);
        };
    }

    /** The zone's abbreviation; where Java knows none ("GMT+04:00") tzdata's numeric one, as glibc prints: "+04", "+1030". */
    private static String zoneName(ZonedDateTime t) {
        String name = ZONE_NAME.format(t);
        if (!name.matches("GMT[+-]\\d\\d:\\d\\d")) {
            return name;
        }
        int total = t.getOffset().getTotalSeconds();
        int minutes = Math.abs(total) / 60;
        return (total < 0 ? "-" : "+") + two(minutes / 60) + (minutes % 60 == 0 ? "" : two(minutes % 60));
    }

    private static int sundayBased(ZonedDateTime t) {
        return t.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : t.getDayOfWeek().getValue();
    }

    private static String two(int v) {
        return v < 10 && v >= 0 ? "0" + v : Integer.toString(v);
    }

    private static String offset(int totalSeconds) {
        int abs = Math.abs(totalSeconds) / 60;
        return (totalSeconds < 0 ? "-" : "+") + two(abs / 60) + two(abs % 60);
    }

    private static LuaError badConversion(String spec) {
        return new LuaError("bad argument #1 to 'date' (invalid conversion specifier '" + spec + "')");
    }
}
