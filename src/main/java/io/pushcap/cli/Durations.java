package io.pushcap.cli;

import io.pushcap.PushcapException;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as users type them: {@code 60s}, {@code 100ms}, {@code 5m}, {@code 1h}, {@code 250us},
 * {@code 60e9ns}; a bare number is seconds.
 *
 * <p><b>Note:</b> thread-safe (stateless).
 */
final class Durations {
    private static final Pattern FORM = Pattern.compile("([0-9]+(?:\\.[0-9]+)?(?:e[0-9]+)?)\\s*(ns|us|ms|s|m|h)?");

    private Durations() {
    }

    /** Nanoseconds; {@code option} names the option in the error. */
    static long parseNanos(String text, String option) {
        Matcher m = FORM.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw bad(text, option);
        }
        double v = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double ns = v * switch (unit) {
            case "ns" -> 1;
            case "us" -> 1e3;
            case "ms" -> 1e6;
            case "m" -> 60e9;
            case "h" -> 3600e9;
            default -> 1e9;
        };
        if (ns < 1 || ns > 1e18) {
            throw bad(text, option);
        }
        return (long) ns;
    }

    private static PushcapException bad(String text, String option) {
        return new PushcapException(option + ": '" + text + "' (expected a positive duration such as 60s, 100ms, 5m or 1h)");
    }
}
