package io.pushcap.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * How much a recorder's store uses, for {@code /status}: bytes of its files and the free and total
 * space of its file system.
 *
 * <p><b>Note:</b> stateless; walks the store's directory on each call (a store holds chunk files of
 * 256 MB, so a few thousand entries at most). A store that cannot be read gives nulls, not an error:
 * the recorder reports its own failures.
 */
record StoreUsage(Long usedBytes, Long freeBytes, Long totalBytes) {

    static StoreUsage of(Path store) {
        Long used = null;
        Long free = null;
        Long total = null;
        try (Stream<Path> files = Files.walk(store)) {
            used = files.filter(Files::isRegularFile).mapToLong(StoreUsage::size).sum();
        } catch (IOException | UncheckedIOException e) {
            // not created yet, or unreadable: shown as unknown
        }
        try {
            var fs = Files.getFileStore(store);
            free = fs.getUsableSpace();
            total = fs.getTotalSpace();
        } catch (IOException e) {
            // as above
        }
        return new StoreUsage(used, free, total);
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return 0; // removed by retention while we walked
        }
    }

    void into(Map<String, Object> m) {
        m.put("used_bytes", usedBytes);
        m.put("fs_free_bytes", freeBytes);
        m.put("fs_total_bytes", totalBytes);
    }
}
