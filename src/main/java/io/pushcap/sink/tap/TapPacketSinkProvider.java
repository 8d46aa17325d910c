package io.pushcap.sink.tap;

import io.pushcap.config.Mode;
import io.pushcap.config.TargetConfig;
import io.pushcap.sink.PacketSink;
import io.pushcap.sink.PacketSinkProvider;
import io.pushcap.sink.SinkContext;

import java.util.Set;

/**
 * Registers {@code Mode = "TAP"} (ServiceLoader entry in
 * {@code META-INF/services/io.pushcap.sink.PacketSinkProvider}): keys {@code Encap}, {@code Key},
 * {@code Interface}, {@code Snaplen}, {@code Vlan}, {@code StripVlan}, plus the common
 * {@code MaxMbps} rate cap.
 *
 * <p><b>Note:</b> stateless and thread-safe.
 */
public final class TapPacketSinkProvider implements PacketSinkProvider {
    private static final Set<String> KEYS = Set.of("Encap", "Key", "Interface", "Snaplen", "Vlan", "StripVlan");

    @Override
    public Mode mode() {
        return Mode.TAP;
    }

    @Override
    public Set<String> optionKeys() {
        return KEYS;
    }

    /**
     * Validates the target's options and opens its sockets.
     *
     * @throws io.pushcap.PushcapException naming the target, the key and the value
     */
    @Override
    public PacketSink create(TargetConfig target, int linkType, SinkContext context) {
        TapOptions o = TapOptions.fromTarget(target);
        return new TapPacketSink(TapSender.open(o, context.metrics(), true));
    }
}
