package io.pushcap.service;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import io.pushcap.config.ServiceConfig;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * {@code <LogDir>/serve.log} through logback: a {@link RollingFileAppender} with a
 * {@link SizeAndTimeBasedRollingPolicy} (daily, and at {@code LogMaxSize}, into
 * {@code serve.<yyyy-MM-dd>.<n>.log.gz}, kept {@code LogMaxDays} days), writing either a dated
 * text line per event ({@code 2025-05-29 15:36:46.123 WARN  capture 'eth0': ...}) or, with
 * {@code LogFormat = "json"}, logback's {@link JsonEncoder} (one object per line; its
 * {@code timestamp} is epoch milliseconds).
 *
 * <p>The appender belongs to this file alone, not to a logger: two services in one JVM (tests)
 * each write only their own events, and the stderr copy stays with logback.xml.
 *
 * <p><b>Note:</b> thread-safe (logback's appenders lock). Write failures are logback's status
 * messages; {@link #problem()} reports a file that could not be opened at all.
 */
final class ServeLogFile implements AutoCloseable {
    static final String TEXT_PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level %msg%n";

    private final RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
    private final ch.qos.logback.classic.Logger logger;
    private final String problem;

    ServeLogFile(Path logDir, ServiceConfig.LogFile settings) {
        LoggerContext ctx = context();
        this.logger = ctx.getLogger("serve");
        Path file = logDir.resolve("serve.log").toAbsolutePath();
        appender.setContext(ctx);
        appender.setName("serve.log " + file);
        appender.setFile(file.toString());
        appender.setAppend(true);
        SizeAndTimeBasedRollingPolicy<ILoggingEvent> rolling = new SizeAndTimeBasedRollingPolicy<>();
        rolling.setContext(ctx);
        rolling.setParent(appender);
        rolling.setFileNamePattern(logDir.toAbsolutePath().resolve("serve.%d{yyyy-MM-dd}.%i.log.gz").toString());
        rolling.setMaxFileSize(new FileSize(settings.maxBytes()));
        rolling.setMaxHistory(settings.maxDays());
        rolling.start();
        appender.setRollingPolicy(rolling);
        appender.setEncoder(encoder(ctx, settings.format()));
        appender.start();
        this.problem = appender.isStarted() ? null : "cannot open " + file + " for writing";
    }

    private static Encoder<ILoggingEvent> encoder(LoggerContext ctx, String format) {
        if (format.equals("json")) {
            JsonEncoder json = new JsonEncoder();
            json.setContext(ctx);
            json.setWithContext(false);
            json.setWithSequenceNumber(false);
            json.setWithNanoseconds(false);
            json.setWithArguments(false);
            json.start();
            return json;
        }
        PatternLayoutEncoder text = new PatternLayoutEncoder();
        text.setContext(ctx);
        text.setPattern(TEXT_PATTERN);
        text.start();
        return text;
    }

    /** SLF4J is bound to logback in pushcap (logback-classic is its only binding). */
    private static LoggerContext context() {
        return (LoggerContext) LoggerFactory.getILoggerFactory();
    }

    /** Null when the file is open, otherwise why not. */
    String problem() {
        return problem;
    }

    void append(Level level, String message) {
        if (problem == null) {
            LoggingEvent e = new LoggingEvent(ServeLogFile.class.getName(), logger, level, message, null, null);
            appender.doAppend(e);
        }
    }

    @Override
    public void close() {
        appender.stop();
    }
}
