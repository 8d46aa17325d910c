package io.pushcap.pipeline;

import io.pushcap.PushcapException;
import io.pushcap.config.TargetConfig;
import io.pushcap.ring.RingPaths;
import io.pushcap.ring.RingReader;
import io.pushcap.ring.RingSource;

import io.pushcap.store.Store;
import io.pushcap.store.StoreSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens what a live push target follows: its {@code Source} (or {@code Config.Source}) names a
 * ring file or a capture in the store; without one, the service's default ring {@value #DEFAULT_RING}
 * in {@code $PUSHCAP_RING_DIR}.
 */
final class LiveSources {
    static final String DEFAULT_RING = "pushcap";

    private LiveSources() {
    }

    static PacketSource open(TargetConfig t) throws IOException {
        String name = t.source() == null || t.source().isBlank() ? DEFAULT_RING : t.source();
        if (io.pushcap.kafka.KafkaLocation.looksLike(name)) {
            return io.pushcap.pipeline.source.KafkaGroupSource.open(io.pushcap.kafka.KafkaLocation.parse(name),
                    t.options().get(TargetConfig.GROUP_KEY), t.consumerSettings(), t.label(),
                    new io.pushcap.kafka.KafkaCounters(io.pushcap.metrics.MetricsRegistry.global(), t.desc()));
        }
        Path ring = RingPaths.resolve(name, null);
        if (Files.isRegularFile(ring)) {
            RingReader.Start start = t.followStart() ? RingReader.Start.OLDEST : RingReader.Start.LATEST;
            return RingSource.open(ring, new RingReader.Options(readerName(t), start));
        }
        Store store = Store.at(Store.resolve(null));
        if (name.indexOf('/') < 0 && store.contains(name)) {
            return StoreSource.open(store, name, t.followStart(), readerName(t));
        }
        throw new PushcapException(t.label() + ": Source '" + name + "': no ring at " + ring.toAbsolutePath()
                + " and no capture of that name in " + store.dir().toAbsolutePath() + " (create a ring with: pushcap ring"
                + " create -s 100m " + ring + ", or set Source to a ring path or a capture name)");
    }

    /** The reader slot name a target uses (ring slots hold 31 bytes). */
    static String readerName(TargetConfig t) {
        String n = "push:" + t.desc();
        byte[] b = n.getBytes(StandardCharsets.UTF_8);
        return b.length <= 31 ? n : new String(b, 0, 31, StandardCharsets.UTF_8).replace("\uFFFD", "");
    }
}
