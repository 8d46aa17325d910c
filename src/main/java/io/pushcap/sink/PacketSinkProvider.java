package io.pushcap.sink;

import io.pushcap.config.Mode;
import io.pushcap.config.TargetConfig;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds {@link PacketSink}s for the packet modes (LXC, TAP). The ring and tap modules each
 * register one, through {@link #register(PacketSinkProvider)} or a ServiceLoader entry
 * ({@code META-INF/services/io.pushcap.sink.PacketSinkProvider}).
 *
 * <p><b>Note:</b> implementations are stateless and thread-safe.
 */
public interface PacketSinkProvider {
    Map<Mode, PacketSinkProvider> REGISTERED = new ConcurrentHashMap<>();

    Mode mode();

    /** Option keys this mode accepts in a target (for validation). */
    Set<String> optionKeys();

    /** A sink for {@code target}, writing packets of {@code linkType}. */
    PacketSink create(TargetConfig target, int linkType, SinkContext context);

    static void register(PacketSinkProvider p) {
        REGISTERED.put(p.mode(), p);
    }

    /** The provider for a packet mode, or null when the mode writes files. */
    static PacketSinkProvider forMode(Mode mode) {
        PacketSinkProvider p = REGISTERED.get(mode);
        if (p == null) {
            ServiceLoader.load(PacketSinkProvider.class).forEach(l -> REGISTERED.putIfAbsent(l.mode(), l));
            p = REGISTERED.get(mode);
        }
        return p;
    }
}
