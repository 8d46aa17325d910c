package io.pushcap.ring;

import io.pushcap.PushcapException;

import java.util.Locale;

/**
 * Sizes as users type them: {@code 100m}, {@code 1g}, {@code 512k}, {@code 65536}; binary units
 * (k = 1024), as fluxcap's {@code -s 100m}.
 *
 * <p><b>Note:</b> thread-safe (stateless).
 */
public final class ByteSizes {
    private ByteSizes() {
    }

    /** Parses a size; {@code what} names the option for the error message. */
    public static long parse(String text, String what) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.endsWith("ib")) {
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("b") && t.length() > 1 && !Character.isDigit(t.charAt(t.length() - 2))) {
            t = t.substring(0, t.length() - 1);
        }
        long unit = 1;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'k' -> unit = 1L << 10;
                case 'm' -> unit = 1L << 20;
                case 'g' -> unit = 1L << 30;
                case 't' -> unit = 1L << 40;
                default -> unit = 1;
            }
        }
        String digits = unit == 1 ? t : t.substring(0, t.length() - 1);
        try {
            long n = Long.parseLong(digits);
            if (n <= 0) {
                throw new NumberFormatException();
            }
            return Math.multiplyExact(n, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new PushcapException(what + ": '" + text + "' (expected a positive size such as 100m, 1g, 512k or 65536)");
        }
    }

    /** "100.0 MiB", "64.0 KiB", "512 B". */
    public static String format(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int i = -1;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
    }
}
