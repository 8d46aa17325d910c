package io.pushcap.store;

import java.io.IOException;
import java.nio.file.Path;

import static io.pushcap.store.StoreDescriptor.*;

/**
 * Where the files of one capture are (layout in {@link StoreDescriptor}).
 *
 * <p><b>Note:</b> immutable.
 */
public record CaptureDir(Path dir, String name) {

    public Path meta() {
        return dir.resolve(META_FILE);
    }

    public Path index() {
        return dir.resolve(INDEX_FILE);
    }

    public Path head() {
        return dir.resolve(HEAD_FILE);
    }

    public Path lock() {
        return dir.resolve(LOCK_FILE);
    }

    /** The sealed chunk file {@code seq}. */
    public Path chunk(long seq) {
        return dir.resolve(chunkName(seq));
    }

    /** The open chunk file {@code seq}. */
    public Path pending(long seq) {
        return dir.resolve(chunkName(seq) + PENDING_SUFFIX);
    }

    /** True while a recorder (in any process) holds this capture's lock. */
    public boolean recording() throws IOException {
        return FileLocks.held(lock());
    }
}
