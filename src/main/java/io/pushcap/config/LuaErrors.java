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

    private LuaErrors() {
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
