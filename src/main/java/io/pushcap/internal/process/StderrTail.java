package io.pushcap.internal.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Drains a child process's stderr on its own thread and keeps its last lines for error messages,
 * so a chatty child can never block on a full stderr pipe and a failing one can say why.
 *
 * <p><b>Note:</b> thread-safe: the drain thread appends, any thread reads {@link #tail()}. Memory
 * is bounded ({@code maxLines} lines of at most 512 characters each). The thread is a daemon and
 * ends at the stream's end of file, i.e. when the child and its descendants have exited.
 */
public final class StderrTail {
    private static final int MAX_LINE = 512;

    private final Deque<String> lines = new ArrayDeque<>();
    private final int maxLines;
    private final Thread thread;

    private StderrTail(int maxLines, InputStream in, String name) {
        this.maxLines = maxLines;
        this.thread = Thread.ofPlatform().daemon().name(name).unstarted(() -> drain(in));
    }

    /** Starts draining {@code in} (the child's stderr) on a daemon thread called {@code name}. */
    public static StderrTail start(InputStream in, String name, int maxLines) {
        StderrTail t = new StderrTail(maxLines, in, name);
        t.thread.start();
        return t;
    }

    private void drain(InputStream in) {
        byte[] buf = new byte[8192];
        StringBuilder line = new StringBuilder();
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                String s = new String(buf, 0, n, StandardCharsets.UTF_8);
                for (int i = 0; i < s.length(); i++) {
                    char c = s.charAt(i);
                    if (c == '\n' || c == '\r') {
                        add(line);
                    } else if (line.length() < MAX_LINE) {
                        line.append(c);
                    }
                }
            }
        } catch (IOException e) {
            // The child went away or the stream was closed: what we have is the tail.
        }
        add(line);
    }

    private synchronized void add(StringBuilder line) {
        if (!line.isEmpty()) {
            lines.addLast(line.toString());
            while (lines.size() > maxLines) {
                lines.removeFirst();
            }
            line.setLength(0);
        }
    }

    /** Waits up to {@code millis} for the drain to reach end of file (a child's last words). */
    public void await(long millis) {
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last lines joined with " | ", or "" when the child said nothing. */
    public synchronized String tail() {
        return String.join(" | ", lines);
    }

    /** ": stderr: <tail>" or "" for appending to a message. */
    public String suffix() {
        String t = tail();
        return t.isEmpty() ? " (no stderr output)" : "; stderr: " + t;
    }
}
