package io.pushcap.config;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/**
 * {@code string.format} with Lua 5.2's (that is C's) semantics, replacing LuaJ 3.0.1's, which
 * ignores width and precision of {@code %f}, {@code %e}, {@code %g} and {@code %s}.
 *
 * <p>Conversions: {@code %d %i %u %c %o %x %X %e %E %f %F %g %G %a %A %q %s %%}, flags
 * {@code -+ #0}, width and precision of at most two digits each (Lua's own limits, with its
 * error messages). Floating point is rounded from the exact binary value, half to even, as glibc
 * does ({@code %.2f} of 2.675 is "2.67"); infinities and NaN print as {@code inf}/{@code nan}.
 * Integers are the number truncated to 64 bits, as Lua 5.2 casts them. {@code %a} ignores a
 * precision. Works on bytes, so strings that are not UTF-8 pass through untouched.
 *
 * <p><b>Note:</b> stateless and thread-safe.
 */
final class LuaStringFormat extends VarArgFunction {
    private static final String FLAGS = "-+ #0";

    @Override
    public Varargs invoke(Varargs args) {
        LuaString fmt = args.checkstring(1);
        ByteArrayOutputStream out = new ByteArrayOutputStream(fmt.length() + 16);
        int arg = 1;
        int i = 0;
        int n = fmt.length();
        while (i < n) {
            int c = fmt.luaByte(i++);
            if (c != '%') {
                out.write(c);
                continue;
            }
            if (i >= n) {
                throw new LuaError("invalid option '%' to 'format'");
            }
            if (fmt.luaByte(i) == '%') {
                out.write('%');
                i++;
                continue;
            }
            Spec spec = new Spec();
            i = spec.parse(fmt, i);
            arg++;
            spec.format(args, arg, out);
        }
        return LuaString.valueUsing(out.toByteArray());
    }

    /** One conversion: %[flags][width][.precision]conversion. */
    private static final class Spec {
        boolean left;
        boolean plus;
        boolean space;
        boolean alt;
        boolean zero;
        int width;
        int precision = -1;
        char conversion;

        int parse(LuaString fmt, int start) {
            int i = start;
            int n = fmt.length();
            while (i < n && FLAGS.indexOf(fmt.luaByte(i)) >= 0) {
                switch (fmt.luaByte(i)) {
                    case '-' -> left = true;
                    case '+' -> plus = true;
                    case ' ' -> space = true;
                    case '#' -> alt = true;
                    default -> zero = true;
                }
                i++;
            }
            if (i - start >= FLAGS.length()) {
                throw new LuaError("invalid format (repeated flags)");
            }
            int digits = 0;
            while (i < n && isDigit(fmt.luaByte(i))) {
                width = width * 10 + (fmt.luaByte(i++) - '0');
                digits++;
            }
            if (i < n && fmt.luaByte(i) == '.') {
                i++;
                precision = 0;
                int pd = 0;
                while (i < n && isDigit(fmt.luaByte(i))) {
                    precision = precision * 10 + (fmt.luaByte(i++) - '0');
                    pd++;
                }
                digits = Math.max(digits, pd);
            }
            if (digits > 2) {
                throw new LuaError("invalid format (width or precision too long)");
            }
            if (i >= n) {
                throw new LuaError("invalid option '%' to 'format'");
            }
            conversion = (char) fmt.luaByte(i++);
            return i;
        }

        void format(Varargs args, int arg, ByteArrayOutputStream out) {
            switch (conversion) {
                case 'd', 'i' -> {
                    long v = (long) number(args, arg);
                    pad(out, v < 0 ? "-" : sign(), digits(v < 0 ? unsignedAbs(v) : Long.toString(v)), true);
                }
                case 'u' -> pad(out, "", digits(Long.toUnsignedString((long) number(args, arg))), true);
                case 'o' -> {
                    String d = digits(Long.toOctalString((long) number(args, arg)));
                    pad(out, "", alt && !d.startsWith("0") ? "0" + d : d, true);
                }
                case 'x', 'X' -> {
                    long v = (long) number(args, arg);
                    String d = digits(Long.toHexString(v));
                    String prefix = alt && v != 0 ? "0x" : "";
                    pad(out, upper(prefix), upper(d), true);
                }
                case 'c' -> out.write((int) (long) number(args, arg));
                case 'e', 'E', 'f', 'F', 'g', 'G' -> floating(number(args, arg), out);
                case 'a', 'A' -> {
                    double v = number(args, arg);
                    pad(out, negative(v) ? "-" : sign(), upper(hexFloat(Math.abs(v))), !Double.isInfinite(v) && !Double.isNaN(v));
                }
                case 'q' -> quoted(stringArg(args, arg), out);
                case 's' -> string(args, arg, out);
                default -> throw new LuaError("invalid option '%" + conversion + "' to 'format'");
            }
        }

        private void floating(double v, ByteArrayOutputStream out) {
            String sign = negative(v) ? "-" : sign();
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                pad(out, Double.isNaN(v) ? sign() : sign, upper(Double.isNaN(v) ? "nan" : "inf"), false);
                return;
            }
            BigDecimal abs = new BigDecimal(Math.abs(v));
            int p = precision < 0 ? 6 : precision;
            String body = switch (Character.toLowerCase(conversion)) {
                case 'f' -> fixed(abs, p, alt);
                case 'e' -> exponent(abs, p, alt);
                default -> general(abs, p);
            };
            pad(out, sign, upper(body), true);
        }

        private String general(BigDecimal abs, int precision) {
            int p = precision == 0 ? 1 : precision;
            int x = abs.signum() == 0 ? 0 : decimalExponent(abs.round(new MathContext(p, RoundingMode.HALF_EVEN)));
            String s = p > x && x >= -4 ? fixed(abs, p - 1 - x, alt) : exponent(abs, p - 1, alt);
            return alt ? s : stripZeros(s);
        }

        private String sign() {
            return plus ? "+" : space ? " " : "";
        }

        /** Integer precision: at least that many digits; ".0" of zero prints nothing. */
        private String digits(String d) {
            if (precision < 0) {
                return d;
            }
            if (precision == 0 && d.equals("0")) {
                return "";
            }
            return "0".repeat(Math.max(0, precision - d.length())) + d;
        }

        private String upper(String s) {
            return Character.isUpperCase(conversion) ? s.toUpperCase(java.util.Locale.ROOT) : s;
        }

        private void pad(ByteArrayOutputStream out, String sign, String body, boolean zeroAllowed) {
            int fill = width - sign.length() - body.length();
            boolean zeros = zero && !left && zeroAllowed && (precision < 0 || "eEfFgGaA".indexOf(conversion) >= 0);
            StringBuilder b = new StringBuilder(Math.max(width, sign.length() + body.length()));
            if (!left && !zeros) {
                b.repeat(' ', Math.max(0, fill));
            }
            b.append(sign);
            if (zeros) {
                b.repeat('0', Math.max(0, fill));
            }
            b.append(body);
            if (left) {
                b.repeat(' ', Math.max(0, fill));
            }
            out.writeBytes(b.toString().getBytes(StandardCharsets.ISO_8859_1));
        }

        private void string(Varargs args, int arg, ByteArrayOutputStream out) {
            LuaValue v = present(args, arg);
            LuaValue tostring = v.metatag(LuaValue.valueOf("__tostring"));
            LuaString s = (tostring.isnil() ? LuaValue.valueOf(v.tojstring()) : tostring.call(v)).checkstring();
            byte[] bytes = new byte[s.length()];
            s.copyInto(0, bytes, 0, bytes.length);
            if (precision < 0 && bytes.length >= 100) {
                out.writeBytes(bytes);
                return;
            }
            int len = precision < 0 ? bytes.length : Math.min(precision, bytes.length);
            int fill = Math.max(0, width - len);
            if (!left) {
                out.writeBytes(" ".repeat(fill).getBytes(StandardCharsets.ISO_8859_1));
            }
            out.write(bytes, 0, len);
            if (left) {
                out.writeBytes(" ".repeat(fill).getBytes(StandardCharsets.ISO_8859_1));
            }
        }
    }

    private static LuaValue present(Varargs args, int arg) {
        if (arg > args.narg()) {
            throw new LuaError("bad argument #" + arg + " to 'format' (no value)");
        }
        return args.arg(arg);
    }

    /** Lua's luaL_checknumber: numbers and numeric strings. */
    private static double number(Varargs args, int arg) {
        LuaValue v = present(args, arg);
        if (!v.isnumber()) {
            throw new LuaError("bad argument #" + arg + " to 'format' (number expected, got " + v.typename() + ")");
        }
        return v.checkdouble();
    }

    private static LuaString stringArg(Varargs args, int arg) {
        LuaValue v = present(args, arg);
        if (!v.isstring()) {
            throw new LuaError("bad argument #" + arg + " to 'format' (string expected, got " + v.typename() + ")");
        }
        return v.checkstring();
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    static boolean negative(double v) {
        return v < 0 || (v == 0 && 1 / v < 0);
    }

    private static String unsignedAbs(long v) {
        return v == Long.MIN_VALUE ? "9223372036854775808" : Long.toString(-v);
    }

    /** %f of a non-negative exact value. */
    static String fixed(BigDecimal abs, int precision, boolean alt) {
        String s = abs.setScale(precision, RoundingMode.HALF_EVEN).toPlainString();
        return alt && precision == 0 ? s + "." : s;
    }

    /** %e of a non-negative exact value: d.ddde+XX. */
    static String exponent(BigDecimal abs, int precision, boolean alt) {
        String digits;
        int exp;
        if (abs.signum() == 0) {
            digits = "0".repeat(precision + 1);
            exp = 0;
        } else {
            BigDecimal r = abs.round(new MathContext(precision + 1, RoundingMode.HALF_EVEN));
            exp = decimalExponent(r);
            digits = r.unscaledValue().toString();
            digits = (digits + "0".repeat(precision + 1)).substring(0, precision + 1);
        }
        StringBuilder b = new StringBuilder(digits.length() + 6).append(digits.charAt(0));
        if (precision > 0 || alt) {
            b.append('.').append(digits, 1, digits.length());
        }
        b.append('e').append(exp < 0 ? '-' : '+');
        int e = Math.abs(exp);
        if (e < 10) {
            b.append('0');
        }
        return b.append(e).toString();
    }

    private static int decimalExponent(BigDecimal nonZero) {
        return nonZero.precision() - nonZero.scale() - 1;
    }

    /** %g drops trailing zeros of the fraction (and a bare point), in both notations. */
    private static String stripZeros(String s) {
        int e = s.indexOf('e');
        String mantissa = e < 0 ? s : s.substring(0, e);
        String rest = e < 0 ? "" : s.substring(e);
        if (mantissa.indexOf('.') >= 0) {
            mantissa = mantissa.replaceAll("0+$", "");
            if (mantissa.endsWith(".")) {
                mantissa = mantissa.substring(0, mantissa.length() - 1);
            }
        }
        return mantissa + rest;
    }

    /** C's %a: 0x1.8p+1, 0x0p+0, subnormals as 0x0.xxxp-1022. */
    private static String hexFloat(double abs) {
        if (Double.isNaN(abs)) {
            return "nan";
        }
        if (Double.isInfinite(abs)) {
            return "inf";
        }
        String j = Double.toHexString(abs);
        int p = j.indexOf('p');
        String mantissa = j.substring(0, p);
        String exp = j.substring(p + 1);
        if (mantissa.endsWith(".0")) {
            mantissa = mantissa.substring(0, mantissa.length() - 2);
        }
        return mantissa + "p" + (exp.startsWith("-") ? exp : "+" + exp);
    }

    /** %q: a string Lua can read back, as lstrlib.c's addquoted does. */
    private static void quoted(LuaString s, ByteArrayOutputStream out) {
        out.write('"');
        int n = s.length();
        for (int i = 0; i < n; i++) {
            int c = s.luaByte(i);
            if (c == '"' || c == '\\' || c == '\n') {
                out.write('\\');
                out.write(c);
            } else if (c == '\r') {
                out.writeBytes("\\r".getBytes(StandardCharsets.ISO_8859_1));
            } else if (c == 0 || c < 32 || c == 127) {
                boolean digitNext = i + 1 < n && isDigit(s.luaByte(i + 1));
                String esc = digitNext ? String.format("\\%03d", c) : "\\" + c;
                out.writeBytes(esc.getBytes(StandardCharsets.ISO_8859_1));
            } else {
                out.write(c);
            }
        }
        out.write('"');
    }
}
