package io.pushcap.internal;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * Logback's {@code %msg} through {@link Redact#text}: every log line on stderr hides the secrets a
 * message may carry (an endpoint's password, a signed URL), whichever class logged it.
 *
 * <p><b>Note:</b> stateless and thread-safe, as logback requires.
 */
public final class RedactedMessageConverter extends MessageConverter {
    @Override
    public String convert(ILoggingEvent event) {
        return Redact.text(super.convert(event));
    }
}
