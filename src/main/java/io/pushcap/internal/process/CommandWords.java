package io.pushcap.internal.process;

import io.pushcap.PushcapException;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a configured command ({@code PipeCmd}, {@code ScriptNew}) into program and arguments the
 * way a POSIX shell splits simple words: blanks separate words, {@code '...'} is literal,
 * {@code "..."} keeps blanks and honours {@code \" \\ \$ \`}, a backslash outside quotes escapes
 * the next character.
 *
 * <p>No shell runs the result: there is no expansion of variables, globs or {@code ~}, and
 * unquoted shell operators ({@code | ; & < > ( ) $ `}) are refused rather than passed on as
 * arguments, so a config cannot smuggle a second command in and a user who wanted a pipeline gets
 * told to say {@code sh -c '...'} explicitly.
 *
 * <p><b>Note:</b> stateless and thread-safe. Errors are {@link PushcapException}s naming the
 * command.
 */
public final class CommandWords {
    private static final String OPERATORS = "|;&<>()$`";

    private CommandWords() {
    }

    /** The words of {@code command}; at least one. */
    public static List<String> split(String command) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int i = 0;
        int n = command.length();
        while (i < n) {
            char c = command.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                i++;
            } else if (c == '\'') {
                int end = command.indexOf('\'', i + 1);
                if (end < 0) {
                    throw error(command, "unbalanced ' quote");
                }
                word.append(command, i + 1, end);
                inWord = true;
                i = end + 1;
            } else if (c == '"') {
                i = doubleQuoted(command, i + 1, word);
                inWord = true;
            } else if (c == '\\') {
                if (i + 1 >= n) {
                    throw error(command, "trailing backslash");
                }
                word.append(command.charAt(i + 1));
                inWord = true;
                i += 2;
            } else if (OPERATORS.indexOf(c) >= 0) {
                throw error(command, "shell syntax '" + c + "' needs a shell: pushcap runs the command without one;"
                        + " quote it, or write sh -c '...'");
            } else {
                word.append(c);
                inWord = true;
                i++;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        if (words.isEmpty()) {
            throw error(command, "empty command");
        }
        return words;
    }

    private static int doubleQuoted(String command, int i, StringBuilder word) {
        int n = command.length();
        while (i < n) {
            char c = command.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\' && i + 1 < n && "\"\\$`".indexOf(command.charAt(i + 1)) >= 0) {
                word.append(command.charAt(i + 1));
                i += 2;
            } else {
                word.append(c);
                i++;
            }
        }
        throw error(command, "unbalanced \" quote");
    }

    private static PushcapException error(String command, String why) {
        return new PushcapException("'" + command + "' (" + why + ")");
    }
}
