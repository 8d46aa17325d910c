package io.pushcap.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RepeatedWarningFilterTest {
    private final AtomicLong now = new AtomicLong();
    private final LoggerContext context = new LoggerContext();
    private final ListAppender<ILoggingEvent> seen = new ListAppender<>();

    @BeforeEach
    void setUp() {
        RepeatedWarningFilter filter = new RepeatedWarningFilter(now::get);
        filter.setPrefix("org.apache.kafka");
        filter.setIntervalSeconds(30);
        filter.setContext(context);
        filter.start();
        context.addTurboFilter(filter);
        seen.setContext(context);
        seen.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(seen);
    }

    private void advanceSeconds(long s) {
        now.addAndGet(TimeUnit.SECONDS.toNanos(s));
    }

    @Test
    void shouldPassOneWarningPerIntervalWhenAKafkaClientRepeatsIt() {
        Logger kafka = context.getLogger("org.apache.kafka.clients.NetworkClient");
        for (int i = 0; i < 30; i++) {
            kafka.warn("Connection to node {} ({}) could not be established.", -1, "/127.0.0.1:1");
            advanceSeconds(1);
        }
        assertEquals(1, seen.list.size(), "30 warnings in 30 s: the first only");
        kafka.warn("Connection to node {} ({}) could not be established.", 2, "/127.0.0.1:2");
        assertEquals(2, seen.list.size(), "30 s after the first: the next passes, whatever its arguments");
        assertEquals("Connection to node 2 (/127.0.0.1:2) could not be established.", seen.list.get(1).getFormattedMessage());
    }

    @Test
    void shouldPassEveryKindErrorsAndOtherLoggersWhenLimitingOneKind() {
        Logger kafka = context.getLogger("org.apache.kafka.clients.NetworkClient");
        Logger producer = context.getLogger("org.apache.kafka.clients.producer.internals.Sender");
        Logger ours = context.getLogger("io.pushcap.sink.kafka.KafkaPacketSink");
        for (int i = 0; i < 5; i++) {
            kafka.warn("Connection to node {} could not be established.", i);
            kafka.warn("Bootstrap broker {} disconnected", i);
            producer.warn("Connection to node {} could not be established.", i);
            kafka.error("Fatal {}", i);
            ours.warn("target 'k': broker unreachable, retrying ({})", i);
        }
        long kafkaWarnings = seen.list.stream().filter(e -> e.getLevel() == Level.WARN
                && e.getLoggerName().startsWith("org.apache.kafka")).count();
        assertEquals(3, kafkaWarnings, "one per logger and pattern");
        assertEquals(5, seen.list.stream().filter(e -> e.getLevel() == Level.ERROR).count());
        assertEquals(5, seen.list.stream().filter(e -> e.getLoggerName().startsWith("io.pushcap")).count());
    }

    @Test
    void shouldNotSpendTheIntervalWhenTheWarningWasNotLoggedAnyway() {
        Logger kafka = context.getLogger("org.apache.kafka.clients.NetworkClient");
        kafka.setLevel(Level.ERROR);
        kafka.warn("Connection to node {} could not be established.", 1);
        kafka.setLevel(null);
        kafka.warn("Connection to node {} could not be established.", 1);
        assertEquals(1, seen.list.size());
    }
}
