package io.pushcap.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * fsync of a directory, so a rename or a new file in it survives a power cut.
 *
 * <p><b>Note:</b> thread-safe (stateless).
 */
final class Durable {
    private Durable() {
    }

    static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // Some file systems refuse to sync directories; the rename itself is still atomic.
        }
    }
}
