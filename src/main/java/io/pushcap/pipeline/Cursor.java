package io.pushcap.pipeline;

/**
 * A target's saved progress: everything before {@code position} of {@code source} has been
 * published (or filtered out), and {@code lastName} was the last file it published.
 */
public record Cursor(String source, SourcePosition position, String lastName) {
}
