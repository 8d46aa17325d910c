package io.pushcap.config;

import java.util.regex.Pattern;

/**
 * The rules for a target's {@code Desc}, which names its log files ({@code push_<Desc>_...}),
 * metrics and manifest: letters, digits, '.', '_', '-' and spaces, starting with a letter or
 * digit, at most 64 characters. Spaces are allowed because the seed's own example uses one
 * ({@code "port80 zstd"}); in file names and metric labels they become '_'.
 *
 * <p><b>Note:</b> stateless and thread-safe.
 */
public final class DescNames {
    public static final String ALLOWED = "letters, digits, '.', '_', '-' and spaces, starting with a letter or digit,"
            + " at most 64 characters";
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._ -]{0,63}");

    private DescNames() {
    }

    /** What is wrong with {@code desc} as a Desc, or null when it is fine. */
    public static String problem(String desc) {
        if (!VALID.matcher(desc).matches() || desc.endsWith(" ")) {
            return "'" + desc + "' (a Desc names log files: " + ALLOWED + ", not ending in a space)";
        }
        return null;
    }

    /** The Desc as used in file names and metric labels: spaces become '_'. */
    public static String fileSafe(String desc) {
        return desc.replace(' ', '_');
    }
}
