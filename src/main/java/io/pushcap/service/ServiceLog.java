package io.pushcap.service;

import io.pushcap.internal.Redact;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import io.pushcap.config.ServiceConfig;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The service's own log: every start, exit, restart, window, reload and stop, as one line
 * {@code 2025-05-29 15:36:46.123 WARN  capture 'eth0': interface went down ...} appended to
 * {@code logs/serve.log} (through logback, rolled by size and day, text or JSON: {@link ServeLogFile})
 * and written to stderr (the journal under systemd) through SLF4J. The last warnings and errors are
 * kept for {@code /status}.
 *
 * <p><b>Note:</b> thread-safe. A log file that cannot be opened is reported once on stderr and then
 * left alone; the stderr copy continues.
 */
public final class ServiceLog {
    private static final Logger LOG = LoggerFactory.getLogger("serve");
    private static final int KEEP = 50;

    /** One kept warning or error. */
    public record Event(long epochMillis, String level, String source, String message) {
    }

    private final Path file;
    private final ServeLogFile out;
    private final Deque<Event> problems = new ArrayDeque<>();

    /** serve.log in {@code logDir} as text with the default rotation; no file when logDir is null. */
    public ServiceLog(Path logDir) {
        this(logDir, new ServiceConfig.LogFile("text", ServiceConfig.LogFile.DEFAULT_MAX_BYTES,
                ServiceConfig.LogFile.DEFAULT_MAX_DAYS));
    }

    public ServiceLog(Path logDir, ServiceConfig.LogFile settings) {
        this.file = logDir == null ? null : logDir.resolve("serve.log");
        ServeLogFile f = null;
        if (logDir != null) {
            f = new ServeLogFile(logDir, settings);
            if (f.problem() != null) {
                LOG.warn("{} (service log lines go to stderr only)", f.problem());
                f.close();
                f = null;
            }
        }
        this.out = f;
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

    private void append(String level, String source, String message) {
        if (out != null) {
            out.append(Level.toLevel(level.strip()), source + ": " + message);
        }
    }

    /** Closes serve.log (the service has stopped). */
    public void close() {
        if (out != null) {
            out.close();
        }
    }
}
