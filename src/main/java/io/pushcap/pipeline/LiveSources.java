package io.pushcap.pipeline;

import io.pushcap.PushcapException;
import io.pushcap.config.TargetConfig;
import io.pushcap.ring.RingPaths;
import io.pushcap.ring.RingReader;
import io.pushcap.ring.RingSource;

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

    static PacketSource open(TargetConfig t) {
        String name = t.source() == null || t.source().isBlank() ? DEFAULT_RING : t.source();
        Path ring = RingPaths.resolve(name, null);
        if (Files.isRegularFile(ring)) {
            RingReader.Start start = t.followStart() ? RingReader.Start.OLDEST : RingReader.Start.LATEST;
            return RingSource.open(ring, new RingReader.Options(readerName(t), start));
        }
        throw new PushcapException(t.label() + ": Source '" + name + "': no ring at " + ring.toAbsolutePath()
                + " (create one with: pushcap ring create -s 100m " + ring + ", or set Source to a ring path)");
    }

    /** The reader slot name a target uses (ring slots hold 31 bytes). */
    static String readerName(TargetConfig t) {
        String n = "push:" + t.desc();
        byte[] b = n.getBytes(StandardCharsets.UTF_8);
        return b.length <= 31 ? n : new String(b, 0, 31, StandardCharsets.UTF_8).replace("\uFFFD", "");
    }
}
