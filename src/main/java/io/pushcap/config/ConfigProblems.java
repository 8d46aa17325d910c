package io.pushcap.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Collects the problems of one configuration file, so the whole file is checked and every
 * problem reported at once, each as {@code file:line: context: message}, in the order of the
 * file's lines (problems without a line first).
 *
 * <p><b>Note:</b> not thread-safe; one per file being validated.
 */
final class ConfigProblems {
    private final String file;
    private final List<Problem> problems = new ArrayList<>();

    ConfigProblems(String file) {
        this.file = file;
    }

    String file() {
        return file;
    }

    /**
     * @param line    line in the file, or a value below 1 when unknown
     * @param context "target 'x'" or "Config", or null
     */
    void add(int line, String context, String message) {
        StringBuilder b = new StringBuilder(file);
        if (line > 0) {
            b.append(':').append(line);
        }
        b.append(": ");
        if (context != null) {
            b.append(context).append(": ");
        }
        problems.add(new Problem(line > 0 ? line : 0, b.append(message).toString()));
    }

    int size() {
        return problems.size();
    }

    void throwIfAny() {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.stream().sorted(Comparator.comparingInt(Problem::line)).map(Problem::text).toList());
        }
    }

    private record Problem(int line, String text) {
    }
}
