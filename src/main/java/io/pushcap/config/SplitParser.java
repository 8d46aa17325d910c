package io.pushcap.config;

import java.util.OptionalLong;

/**
 * Parses a target's {@code Split} string: {@code --split-time NS}, {@code --split-byte N} or
 * {@code --split-size N}, with N in any form a Lua script prints ({@code 60e9}, {@code 3.6E12},
 * {@code 3600000000000}).
 *
 * <p><b>Note:</b> stateless and thread-safe.
 */
final class SplitParser {
    static final String FORMS = "--split-time NS, --split-byte N or --split-size N";
    static final String EXPECTED = "expected " + FORMS;
    /** A split must hold the 24-byte pcap header, one 16-byte record header and some packet. */
    static final long MIN_BYTES = 64;

    private SplitParser() {
    }

    /** @throws IllegalArgumentException whose message is "'value' (what is expected)" */
    static SplitRule parse(String value) {
        String[] words = value.strip().split("\\s+");
        if (words.length != 2) {
            throw new IllegalArgumentException("'" + value + "' (" + EXPECTED + ")");
        }
        boolean time = words[0].equals("--split-time");
        if (!time && !words[0].equals("--split-byte") && !words[0].equals("--split-size")) {
            throw new IllegalArgumentException("'" + value + "' (" + EXPECTED + ")");
        }
        OptionalLong n = LuaValues.parseWholeNumber(words[1]);
        if (n.isEmpty()) {
            throw new IllegalArgumentException("'" + value + "' (" + words[0] + " needs a whole number of "
                    + (time ? "nanoseconds, e.g. 60e9" : "bytes, e.g. 1e9") + "; got '" + words[1] + "')");
        }
        long v = n.getAsLong();
        if (time && v <= 0) {
            throw new IllegalArgumentException("'" + value + "' (the split time must be positive)");
        }
        if (!time && v < MIN_BYTES) {
            throw new IllegalArgumentException("'" + value + "' (a split must be at least " + MIN_BYTES + " bytes)");
        }
        return time ? SplitRule.time(v) : SplitRule.bytes(v);
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
