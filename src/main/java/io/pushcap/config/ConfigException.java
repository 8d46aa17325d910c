package io.pushcap.config;

import io.pushcap.PushcapException;

import java.util.List;

/**
 * A configuration file that cannot be used, with every problem found in it: one line per
 * problem, each naming the file, the line where known, the target, the key, the value and what
 * would be valid, e.g. {@code etc/push_pcap.lua:14: target 'nfs-tcp': Split: '--split-tim 60e9'
 * (expected --split-time NS, --split-byte N or --split-size N)}.
 *
 * <p><b>Note:</b> immutable and thread-safe. The message is the problems joined by newlines, so
 * a caller that prints only the message still shows all of them.
 */
public final class ConfigException extends PushcapException {
    private final List<String> problems;
    private final boolean evaluatorStopped;

    public ConfigException(List<String> problems) {
        this(problems, false);
    }

    private ConfigException(List<String> problems, boolean evaluatorStopped) {
        super(String.join("\n", requireSome(problems)));
        this.problems = List.copyOf(problems);
        this.evaluatorStopped = evaluatorStopped;
    }

    /**
     * The evaluator child ended by SIGTERM or SIGINT before it had a result: most likely the
     * signal that stops this process too (a service stopping its schedule's process group), not
     * a problem of the file.
     */
    static ConfigException evaluatorStopped(String problem) {
        return new ConfigException(List.of(problem), true);
    }

    /** True for {@link #evaluatorStopped(String)}. */
    public boolean evaluatorStopped() {
        return evaluatorStopped;
    }

    public ConfigException(String problem) {
        this(List.of(problem));
    }

    /** Every problem, one per element, in the order of the file. */
    public List<String> problems() {
        return problems;
    }

    private static List<String> requireSome(List<String> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        return problems;
    }
}
