package io.pushcap.config;

import org.luaj.vm2.LuaError;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns LuaJ's error messages into the one-line {@code file:line: message} form users know from
 * the reference Lua: drops the stack traceback LuaJ appends when the debug library is loaded,
 * moves {@code "@file:line msg"} to {@code "file:line: msg"}, and names the tokens LuaJ prints as
 * numbers ({@code unexpected symbol 286 (...)} becomes {@code unexpected symbol near <eof>}).
 *
 * <p><b>Note:</b> stateless and thread-safe.
 */
final class LuaErrors {
    /** LuaJ's LexState token numbers from 257 (FIRST_RESERVED): Lua 5.2's reserved words then symbols. */
    private static final String[] TOKENS = {
        "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
        "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
        "..", "...", "==", ">=", "<=", "~=", "::", "<eof>", "<number>", "<name>", "<string>"};
    private static final int FIRST_RESERVED = 257;

    private static final Pattern RUNTIME = Pattern.compile("^@(.+?):(\\d+|\\?) (.*)$", Pattern.DOTALL);
    private static final Pattern SYMBOL = Pattern.compile("unexpected symbol (\\d+) \\((.*)\\)$", Pattern.DOTALL);

    /** A Java exception LuaJ's {@code load} wrapped into its message: "load @file: java.lang.X: detail". */
    private static final Pattern LEAKED = Pattern.compile("^load @.*?: ((?:java|org)\\.[\\w.$]*?\\.?(\\w+)): ?(.*)$",
            Pattern.DOTALL);
    /** A numeral with two or more points, which LuaJ's lexer hands to Double.parseDouble as is. */
    private static final Pattern MULTI_POINT = Pattern.compile("(?<![\\w.])\\d+\\.\\d*\\.[\\d.]*");

    private LuaErrors() {
    }

    /**
     * The message for a script LuaJ could not compile. LuaJ's lexer lets a few Java exceptions
     * through its {@code load} as text ("load @file: java.lang.NumberFormatException: multiple
     * points" for {@code 10.0.0.1} written without quotes, found by fuzzing): those become the
     * file, the line where the bad numeral is, and what to write instead; every other message goes
     * through {@link #message}.
     */
    static String compileMessage(LuaError e, String name, byte[] source) {
        String m = e.getMessage() == null ? String.valueOf(e.getMessageObject()) : e.getMessage();
        Matcher leaked = LEAKED.matcher(m);
        if (!leaked.matches()) {
            return message(e, name);
        }
        if (leaked.group(2).equals("NumberFormatException")) {
            String[] lines = new String(source, java.nio.charset.StandardCharsets.UTF_8).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                Matcher n = MULTI_POINT.matcher(lines[i]);
                if (n.find()) {
                    return name + ":" + (i + 1) + ": malformed number near '" + n.group()
                            + "' (a number has at most one '.'; put an address in quotes: \"" + n.group() + "\")";
                }
            }
            return name + ": malformed number (" + leaked.group(3) + ")";
        }
        return name + ": the Lua compiler failed: " + leaked.group(3) + " (" + leaked.group(2) + ")";
    }

    /**
     * The message for a failure that LuaJ raised as a Java exception rather than a Lua error
     * while running the script: the file and what failed, without a stack trace.
     */
    static String runtimeMessage(RuntimeException e, String name) {
        String detail = e.getMessage() == null || e.getMessage().isBlank() ? "" : ": " + e.getMessage();
        return name + ": the script failed inside the Lua runtime (" + e.getClass().getSimpleName() + detail + ")";
    }

    /** The message of {@code e} as {@code file:line: message}; {@code name} when LuaJ gave no position. */
    static String message(LuaError e, String name) {
        String m = e.getMessage();
        if (m == null) {
            m = String.valueOf(e.getMessageObject());
        }
        int trace = m.indexOf("\nstack traceback:");
        if (trace >= 0) {
            m = m.substring(0, trace);
        }
        Matcher runtime = RUNTIME.matcher(m);
        if (runtime.matches()) {
            String line = runtime.group(2);
            m = runtime.group(1) + (line.equals("?") ? "" : ":" + line) + ": " + stripPosition(runtime.group(3), runtime.group(1));
        } else if (!m.startsWith(name + ":")) {
            m = name + ": " + m;
        }
        return nameToken(m.strip());
    }

    /** error("x") in Lua already carries "file:line: x"; LuaJ prefixes it a second time. */
    private static String stripPosition(String message, String file) {
        Matcher m = Pattern.compile("^" + Pattern.quote(file) + ":\\d+: (.*)$", Pattern.DOTALL).matcher(message);
        return m.matches() ? m.group(1) : message;
    }

    private static String nameToken(String message) {
        Matcher m = SYMBOL.matcher(message);
        if (!m.find()) {
            return message;
        }
        int token = Integer.parseInt(m.group(1));
        String text;
        if (token >= FIRST_RESERVED && token - FIRST_RESERVED < TOKENS.length) {
            String t = TOKENS[token - FIRST_RESERVED];
            text = t.startsWith("<") ? t : "'" + t + "'";
        } else if (token > 0 && token < FIRST_RESERVED) {
            text = "'" + (char) token + "'";
        } else {
            return message;
        }
        return message.substring(0, m.start()) + "unexpected symbol near " + text;
    }
}
