package io.pushcap.sink;

import io.pushcap.metrics.MetricsRegistry;

import java.nio.file.Path;
import java.util.Map;

/**
 * What sink providers may need from the process: the metrics registry, pushcap's home directory
 * (for {@code etc/rclone.conf}) and the environment (AWS_ENDPOINT_URL, NETRC...).
 *
 * <p><b>Note:</b> immutable.
 */
public record SinkContext(MetricsRegistry metrics, Path home, Map<String, String> env) {

    /** The running process's registry, {@code pushcap.home} / {@code $PUSHCAP_HOME}, and environment. */
    public static SinkContext system() {
        String home = System.getProperty("pushcap.home", System.getenv("PUSHCAP_HOME"));
        return new SinkContext(MetricsRegistry.global(), Path.of(home == null ? "." : home), System.getenv());
    }
}
