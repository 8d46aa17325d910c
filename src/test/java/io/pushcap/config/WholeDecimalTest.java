package io.pushcap.config;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.OptionalLong;
import java.util.Random;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WholeDecimalTest {
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final long[] UNITS = {1, 1000, 1024, 1_000_000, 1L << 30, 60_000_000_000L, 3_600_000_000_000L};

    /** What the parsers computed before WholeDecimal: BigDecimal, exactly. */
    private static OptionalLong oracle(String text, long unit) {
        if (!DECIMAL.matcher(text).matches()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(new BigDecimal(text).multiply(BigDecimal.valueOf(unit)).stripTrailingZeros()
                    .longValueExact());
        } catch (ArithmeticException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    @Test
    void shouldAgreeWithBigDecimalWhenGivenTheSpellingsConfigsUse() {
        String[] cases = {"60e9", "60E9", "3.6E12", "3600000000000", "1e9", "1.5", "1.5e0", "0.5e1", ".5", "5.",
            "-0", "+0", "0e5000", "1e-9", "1e18", "1e19", "9223372036854775807", "9223372036854775808",
            "-9223372036854775808", "-9223372036854775809", "92233720368547758.07e2", "0000000000000000000001",
            "1.000000000000000000000", "1e99999999999", "1e-99999999999", "0.0000000000000000000001e22", "",
            ".", "e9", "1e", "1e+", "1.2.3", "--1", "+-1", "1 ", " 1", "0x10", "1_000", "١", "60s", "1.5e-1",
            "9.223372036854775807e18", "9.223372036854775808e18", "123456789012345678.9e1"};
        for (String c : cases) {
            for (long unit : UNITS) {
                assertEquals(oracle(c, unit), WholeDecimal.times(c, unit), () -> "'" + c + "' x " + unit);
            }
        }
    }

    @Test
    void shouldAgreeWithBigDecimalWhenGivenRandomDecimals() {
        Random r = new Random(42);
        String alphabet = "0123456789000.eE+-";
        for (int n = 0; n < 200_000; n++) {
            StringBuilder b = new StringBuilder();
            if (r.nextInt(4) == 0) {
                b.append(r.nextBoolean() ? '-' : '+');
            }
            b.append(r.nextInt(1000));
            int len = r.nextInt(24);
            for (int k = 0; k < len; k++) {
                b.append(r.nextInt(3) == 0 ? alphabet.charAt(r.nextInt(alphabet.length())) : (char) ('0' + r.nextInt(10)));
            }
            if (r.nextInt(3) == 0) {
                b.append(r.nextBoolean() ? 'e' : 'E').append(r.nextInt(3) == 0 ? "-" : "").append(r.nextInt(40));
            }
            String s = b.toString();
            long unit = UNITS[r.nextInt(UNITS.length)];
            assertEquals(oracle(s, unit), WholeDecimal.times(s, unit), () -> "'" + s + "' x " + unit);
        }
    }
}
