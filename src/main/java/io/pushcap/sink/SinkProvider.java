package io.pushcap.sink;

import io.pushcap.config.Mode;
import io.pushcap.config.TargetConfig;

import java.util.Set;

/**
 * Builds the sink of one {@link Mode}. The built-in modes (File, S3, CURL, RCLONE) are in
 * {@link SinkFactory}; other modules (the LXC ring sink, the TAP re-transmitter) contribute theirs
 * with {@link SinkFactory#register} or a {@code META-INF/services/io.pushcap.sink.SinkProvider}
 * entry, without touching the factory.
 *
 * <p><b>Note:</b> implementations are stateless and thread-safe; {@link #create} validates the
 * target's Path and options and throws {@link io.pushcap.PushcapException} with
 * {@code target 'x': Path: '...' (expected ...)}-style messages.
 */
public interface SinkProvider {

    Mode mode();

    /** The per-target option keys this mode accepts (e.g. S3's Endpoint); others are errors. */
    default Set<String> optionKeys() {
        return Set.of();
    }

    /** A sink for {@code target}; the factory adds metering and the bandwidth cap around it. */
    Sink create(TargetConfig target, SinkContext context);
}
