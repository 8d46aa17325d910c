package io.pushcap.service;

import io.pushcap.internal.Redact;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * The service's own log: every start, exit, restart, window, reload and stop, as one line
 * {@code 2025-05-29 15:36:46.123 WARN  capture 'eth0': interface went down ...} appended to
 * {@code logs/serve.log} and written to stderr (the journal under systemd) through SLF4J. The
 * last warnings and errors are kept for {@code /status}.
 *
 * <p><b>Note:</b> thread-safe (synchronized). A log file that cannot be written is reported once
 * on stderr and then left alone; the stderr copy continues.
 */
public final class ServiceLog {
    private static final Logger LOG = LoggerFactory.getLogger("serve");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS", Locale.ROOT)
            .withZone(ZoneId.systemDefault());
    private static final int KEEP = 50;

    /** One kept warning or error. */
    public record Event(long epochMillis, String level, String source, String message) {
    }

    private final Path file;
    private final Deque<Event> problems = new ArrayDeque<>();
    private boolean fileFailed;

    public ServiceLog(Path logDir) {
        this.file = logDir == null ? null : logDir.resolve("serve.log");
    }

    public Path file() {
        return file;
    }

    public void info(String source, String text) {
        String message = Redact.text(text);
        LOG.info("{}: {}", source, message);
        append("INFO ", source, message);
    }

    public void warn(String source, String text) {
        String message = Redact.text(text);
        LOG.warn("{}: {}", source, message);
        append("WARN ", source, message);
        keep("WARN", source, message);
    }

    public void error(String source, String text) {
        String message = Redact.text(text);
        LOG.error("{}: {}", source, message);
        append("ERROR", source, message);
        keep("ERROR", source, message);
    }

    /** The last warnings and errors, newest first. */
    public synchronized List<Event> recentProblems() {
        return List.copyOf(problems);
    }

    private synchronized void keep(String level, String source, String message) {
        problems.addFirst(new Event(System.currentTimeMillis(), level, source, message));
        while (problems.size() > KEEP) {
            problems.removeLast();
        }
    }

    private synchronized void append(String level, String source, String message) {
        if (file == null || fileFailed) {
            return;
        }
        String line = STAMP.format(Instant.now()) + " " + level + " " + source + ": " + message + "\n";
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            fileFailed = true;
            LOG.warn("cannot write {}: {} (service log lines go to stderr only)", file, e.getMessage());
        }
    }
}
