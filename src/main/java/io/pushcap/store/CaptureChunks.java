package io.pushcap.store;

import io.pushcap.PushcapException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Resolves a stored capture to its chunk files for offline reading ({@code push --offline NAME}):
 * the sealed chunks still present, in sequence order, which is the order they were recorded in.
 *
 * <p><b>Note:</b> thread-safe (stateless). The open chunk of a capture being recorded is left out
 * (it may end in a record being written; a live push follows it instead), and a note says so.
 * A chunk deleted by retention after this call makes the offline push fail at that file.
 */
public final class CaptureChunks {
    private static final Logger LOG = LoggerFactory.getLogger(CaptureChunks.class);

    private CaptureChunks() {
    }

    /** True when {@code dir} is a capture directory (holds capture.meta). */
    public static boolean isCaptureDir(Path dir) {
        return Files.isRegularFile(dir.resolve(StoreDescriptor.META_FILE));
    }

    /** The chunk files of capture {@code name} in {@code store}. */
    public static List<Path> of(Store store, String name) throws IOException {
        return of(store.capture(name));
    }

    /** The chunk files of capture {@code name} that may hold packets in [fromNs, toNs), from the index. */
    public static List<Path> between(Store store, String name, long fromNs, long toNs) throws IOException {
        CaptureDir cap = store.capture(name);
        return CaptureInfo.chunksBetween(cap, fromNs, toNs - 1).stream().map(e -> cap.dir().resolve(e.name())).toList();
    }

    /** The chunk files of the capture in {@code dir}. */
    public static List<Path> of(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        return of(new CaptureDir(dir, abs.getFileName() == null ? abs.toString() : abs.getFileName().toString()));
    }

    private static List<Path> of(CaptureDir cap) throws IOException {
        CaptureInfo info = CaptureInfo.read(cap);
        if (info.sealed().isEmpty()) {
            throw new PushcapException("capture " + cap.name() + " in " + cap.dir().getParent() + " has no sealed chunks"
                    + (info.state().equals("recording") ? " yet (it is being recorded; follow it with a live push)" : ""));
        }
        if (!info.state().equals("finished")) {
            LOG.info("capture {} is {}: pushing its {} sealed chunks; the open chunk is left out", cap.name(),
                    info.state(), info.sealed().size());
        }
        return info.sealed();
    }
}
