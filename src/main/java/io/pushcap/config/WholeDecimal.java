package io.pushcap.config;

import java.math.BigDecimal;
import java.util.OptionalLong;

/**
 * Exact conversion of a decimal as configs spell it ({@code 60e9}, {@code 3.6E12}, {@code 1.5})
 * times a unit ({@code 1}, {@code 1024}, {@code 60e9} ns) to a whole {@code long}.
 *
 * <p>Why not simply {@link BigDecimal}: in JDK 25 the first use of {@code BigDecimal} runs its
 * class initializer, which squares 5 sixteen times (a 150,000-bit number), in the interpreter, on
 * the main thread of every push that reads a {@code Split}: 25-30 ms of start-up for "60e9". Every
 * value a config plausibly holds (at most 18 significant digits, a small exponent) is computed
 * here in {@code long} arithmetic; anything else falls back to {@code BigDecimal}, so results are
 * the same for every input.
 *
 * <p><b>Note:</b> stateless and thread-safe.
 */
final class WholeDecimal {
    private static final int MAX_FAST_DIGITS = 18;
    private static final long[] POW10 = new long[MAX_FAST_DIGITS + 1];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
    }

    private WholeDecimal() {
    }

    /**
     * {@code text × unit} when {@code text} is a decimal ({@code [+-]?(D+.?D*|.D+)([eE][+-]?D+)?})
     * and the product is a whole number within the {@code long} range; empty otherwise.
     *
     * @param unit a positive scale
     */
    static OptionalLong times(String text, long unit) {
        int n = text.length();
        int i = 0;
        boolean negative = false;
        if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
            negative = text.charAt(i) == '-';
            i++;
        }
        long mantissa = 0;
        int significant = 0;
        int fraction = 0;
        int digits = 0;
        boolean dot = false;
        for (; i < n; i++) {
            char c = text.charAt(i);
            if (c == '.' && !dot) {
                dot = true;
                continue;
            }
            if (c < '0' || c > '9') {
                break;
            }
            digits++;
            if (dot) {
                fraction++;
            }
            if (significant > 0 || c != '0') {
                significant++;
                if (significant <= MAX_FAST_DIGITS) {
                    mantissa = mantissa * 10 + (c - '0');
                }
            }
        }
        if (digits == 0) {
            return OptionalLong.empty();
        }
        long exponent = 0;
        if (i < n && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
            i++;
            boolean negExp = false;
            if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
                negExp = text.charAt(i) == '-';
                i++;
            }
            int start = i;
            for (; i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9'; i++) {
                if (exponent < 1_000_000) {
                    exponent = exponent * 10 + (text.charAt(i) - '0');
                }
            }
            if (i == start) {
                return OptionalLong.empty();
            }
            exponent = negExp ? -exponent : exponent;
        }
        if (i != n) {
            return OptionalLong.empty();
        }
        if (significant > MAX_FAST_DIGITS || Math.abs(exponent) >= 1_000) {
            return slow(text, unit);
        }
        if (mantissa == 0) {
            return OptionalLong.of(0);
        }
        return scaled(negative ? -mantissa : mantissa, exponent - fraction, unit, text);
    }

    /** m × 10^e × unit, exactly; {@code text} only for the rare fallback. */
    private static OptionalLong scaled(long m, long e, long unit, String text) {
        try {
            if (e >= 0) {
                if (e > MAX_FAST_DIGITS) {
                    return OptionalLong.empty(); // |m| >= 1: at least 10^19
                }
                return OptionalLong.of(Math.multiplyExact(Math.multiplyExact(m, POW10[(int) e]), unit));
            }
            if (-e > MAX_FAST_DIGITS) {
                return slow(text, unit);
            }
            long p;
            try {
                p = Math.multiplyExact(m, unit);
            } catch (ArithmeticException overflow) {
                return slow(text, unit); // the quotient may still fit
            }
            long d = POW10[(int) -e];
            return p % d == 0 ? OptionalLong.of(p / d) : OptionalLong.empty();
        } catch (ArithmeticException overflow) {
            return OptionalLong.empty();
        }
    }

    private static OptionalLong slow(String text, long unit) {
        try {
            return OptionalLong.of(new BigDecimal(text).multiply(BigDecimal.valueOf(unit)).stripTrailingZeros()
                    .longValueExact());
        } catch (ArithmeticException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
