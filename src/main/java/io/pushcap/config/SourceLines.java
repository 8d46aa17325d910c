package io.pushcap.config;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The text of a configuration script, searched for where a key is written. Lua tables carry no
 * line numbers, so this is how an error about a key points at its line: the first line at or
 * after the target's own line that assigns that key ({@code Key =} or {@code ["Key"] =}).
 *
 * <p><b>Note:</b> immutable and thread-safe. Best effort: a key built at run time
 * ({@code t[name] = v}) is not found, and the caller falls back to the target's line.
 */
final class SourceLines {
    private final List<String> lines;

    SourceLines(byte[] source) {
        this.lines = new String(source, StandardCharsets.UTF_8).lines().toList();
    }

    /** The first line in {@code [from, to)} (1-based) assigning {@code key}, or -1. */
    int keyLine(String key, int from, int to) {
        Pattern p = assignment(key);
        int end = Math.min(to <= 0 ? lines.size() + 1 : to, lines.size() + 1);
        for (int n = Math.max(1, from); n < end; n++) {
            if (p.matcher(stripComment(lines.get(n - 1))).find()) {
                return n;
            }
        }
        return -1;
    }

    /** The first line assigning {@code Desc = "desc"} in any form, or -1. */
    int descLine(String desc) {
        Pattern p = Pattern.compile("(^|[\\s{,;\\[])[\"']?Desc[\"']?\\s*\\]?\\s*=\\s*[\"']" + Pattern.quote(desc) + "[\"']");
        for (int n = 1; n <= lines.size(); n++) {
            if (p.matcher(lines.get(n - 1)).find()) {
                return n;
            }
        }
        return -1;
    }

    private static Pattern assignment(String key) {
        String k = Pattern.quote(key);
        return Pattern.compile("(^|[\\s{,;.])(" + k + "|\\[\\s*[\"']" + k + "[\"']\\s*\\])\\s*=(?!=)");
    }

    private static String stripComment(String line) {
        int c = line.indexOf("--");
        // A "--" inside a string (Split = "--split-time 60e9") is not a comment: keep the line if a quote precedes it.
        if (c < 0 || line.lastIndexOf('"', c) >= 0 || line.lastIndexOf('\'', c) >= 0) {
            return line;
        }
        return line.substring(0, c);
    }
}
