package io.pushcap.config;

import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a target's {@code Split} string: {@code --split-time NS}, {@code --split-byte N} or
 * {@code --split-size N}, with N in any form a Lua script prints ({@code 60e9}, {@code 3.6E12},
 * {@code 3600000000000}), or a human duration or size ({@code --split-time 60s},
 * {@code --split-byte 1GB}). A human value alone ({@code "1h"}, {@code "500MiB"}) is also a split:
 * its unit says whether it splits by time or by size.
 *
 * <p>Units, chosen so that no spelling is ambiguous: durations {@code ns}, {@code us} (or
 * {@code µs}), {@code ms}, {@code s}, {@code m} (minutes), {@code h}, lower case only, so
 * {@code M} is never read as minutes; sizes {@code B}, decimal {@code kB}/{@code KB},
 * {@code MB}, {@code GB}, {@code TB} (powers of 1000, as disks and tcpdump's {@code -C} count)
 * and binary {@code KiB}, {@code MiB}, {@code GiB}, {@code TiB} (powers of 1024), in any letter
 * case. The number may have a fraction when the result is whole ({@code 1.5s}, {@code 0.5GiB}).
 * A bare number keeps the seed's meaning: nanoseconds for time, bytes for sizes.
 *
 * <p><b>Note:</b> stateless and thread-safe.
 */
final class SplitParser {
    static final String FORMS = "--split-time NS, --split-byte N or --split-size N";
    static final String HUMAN = SplitRule.HUMAN_FORMS;
    static final String EXPECTED = "expected " + FORMS + "; " + HUMAN;
    /** A split must hold the 24-byte pcap header, one 16-byte record header and some packet. */
    static final long MIN_BYTES = 64;

    private static final Pattern HUMAN_VALUE = Pattern.compile("([+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?)\\s*([A-Za-zµ]+)");
    private static final Map<String, Long> TIME_UNITS = Map.of(
            "ns", 1L, "us", 1_000L, "µs", 1_000L, "ms", 1_000_000L,
            "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);
    private static final Map<String, Long> SIZE_UNITS = Map.of(
            "b", 1L, "kb", 1_000L, "mb", 1_000_000L, "gb", 1_000_000_000L, "tb", 1_000_000_000_000L,
            "kib", 1L << 10, "mib", 1L << 20, "gib", 1L << 30, "tib", 1L << 40);

    private SplitParser() {
    }

    /** @throws IllegalArgumentException whose message is "'value' (what is expected)" */
    static SplitRule parse(String value) {
        String[] words = value.strip().split("\\s+");
        if (words.length == 1) {
            return parseAlone(value, words[0]);
        }
        if (words.length != 2) {
            throw new IllegalArgumentException("'" + value + "' (" + EXPECTED + ")");
        }
        boolean time = words[0].equals("--split-time");
        if (!time && !words[0].equals("--split-byte") && !words[0].equals("--split-size")) {
            throw new IllegalArgumentException("'" + value + "' (" + EXPECTED + ")");
        }
        OptionalLong n = LuaValues.parseWholeNumber(words[1]);
        if (n.isEmpty()) {
            n = human(words[1], time ? TIME_UNITS : SIZE_UNITS, !time);
        }
        if (n.isEmpty()) {
            throw new IllegalArgumentException("'" + value + "' (" + words[0] + " needs a whole number of "
                    + (time ? "nanoseconds, e.g. 60e9, or a duration: ns, us, ms, s, m or h, e.g. 60s, 1h"
                            : "bytes, e.g. 1e9, or a size: B, kB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB"
                                    + " (powers of 1024), e.g. 1GB, 500MiB")
                    + "; got '" + words[1] + "')");
        }
        return checked(value, time, n.getAsLong());
    }

    /** A duration or size alone: its unit picks the kind of split. */
    private static SplitRule parseAlone(String value, String word) {
        OptionalLong t = human(word, TIME_UNITS, false);
        if (t.isPresent()) {
            return checked(value, true, t.getAsLong());
        }
        OptionalLong b = human(word, SIZE_UNITS, true);
        if (b.isPresent()) {
            return checked(value, false, b.getAsLong());
        }
        throw new IllegalArgumentException("'" + value + "' (" + EXPECTED + ")");
    }

    private static SplitRule checked(String value, boolean time, long v) {
        if (time && v <= 0) {
            throw new IllegalArgumentException("'" + value + "' (the split time must be positive)");
        }
        if (!time && v < MIN_BYTES) {
            throw new IllegalArgumentException("'" + value + "' (a split must be at least " + MIN_BYTES + " bytes)");
        }
        return time ? SplitRule.time(v) : SplitRule.bytes(v);
    }

    /** NUMBER UNIT as a whole count of the base unit, else empty (unknown unit, fraction left, overflow). */
    static OptionalLong human(String word, Map<String, Long> units, boolean anyCase) {
        Matcher m = HUMAN_VALUE.matcher(word.strip());
        if (!m.matches()) {
            return OptionalLong.empty();
        }
        Long scale = units.get(anyCase ? m.group(2).toLowerCase(java.util.Locale.ROOT) : m.group(2));
        if (scale == null) {
            return OptionalLong.empty();
        }
        return WholeDecimal.times(m.group(1), scale);
    }

    /** A size such as {@code 10GB}, {@code 500MiB} or a bare byte count ({@code 1e9}), else empty. */
    static OptionalLong parseSize(String text) {
        OptionalLong n = LuaValues.parseWholeNumber(text);
        return n.isPresent() ? n : human(text, SIZE_UNITS, true);
    }

    /** The shortest time split the file name format can tell apart (ns). */
    static long resolutionNanos(FileNameFormat f) {
        return switch (f) {
            case TSTR_HHMM -> 60_000_000_000L;
            case TSTR_HHMMSS_SUB -> 1L;
            default -> 1_000_000_000L;
        };
    }

    /** "60 s", "1.5 s", "250 ms" for messages and check output. */
    static String humanTime(long nanos) {
        if (nanos % 1_000_000_000L == 0) {
            return nanos / 1_000_000_000L + " s";
        }
        if (nanos >= 1_000_000_000L) {
            return LuaValues.number(nanos / 1e9) + " s";
        }
        if (nanos % 1_000_000L == 0) {
            return nanos / 1_000_000L + " ms";
        }
        return nanos + " ns";
    }
}
