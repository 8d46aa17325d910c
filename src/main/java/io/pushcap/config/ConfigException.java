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

    public ConfigException(List<String> problems) {
        super(String.join("\n", requireSome(problems)));
        this.problems = List.copyOf(problems);
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
