package io.pushcap.sink.lxc;

import io.pushcap.config.Mode;
import io.pushcap.config.TargetConfig;
import io.pushcap.ring.RingPaths;
import io.pushcap.sink.PacketSink;
import io.pushcap.sink.PacketSinkProvider;
import io.pushcap.sink.SinkContext;

import java.util.Set;

/** Provides {@link RingPacketSink} for {@code Mode = "LXC"}; {@code Path} names the ring. */
public final class LxcSinkProvider implements PacketSinkProvider {
    @Override
    public Mode mode() {
        return Mode.LXC;
    }

    @Override
    public Set<String> optionKeys() {
        return Set.of();
    }

    @Override
    public PacketSink create(TargetConfig target, int linkType, SinkContext context) {
        return new RingPacketSink(RingPaths.resolve(target.path(), null), target.desc(), linkType, 262_144);
    }
}
