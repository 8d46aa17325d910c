package io.pushcap.pipeline.retention;

import io.pushcap.config.KeepLimits;
import io.pushcap.sink.StoredOutput;

import java.util.List;

/**
 * Decides which of a target's published files go under {@code KeepFiles}/{@code KeepBytes}: the
 * oldest, one by one, until what is left holds at most {@code KeepFiles} files and
 * {@code KeepBytes} bytes, except that the newest file always stays (a single split larger than
 * {@code KeepBytes} is kept, as dumpcap keeps its current file).
 *
 * <p><b>Note:</b> stateless and thread-safe; pure (lists nothing, deletes nothing).
 */
public final class RetentionPolicy {
    private RetentionPolicy() {
    }

    /**
     * @param oldestFirst the target's own published files, oldest first
     * @return the files to delete, oldest first: a prefix of {@code oldestFirst}, never its last
     */
    public static List<StoredOutput> expired(List<StoredOutput> oldestFirst, KeepLimits limits) {
        if (!limits.active() || oldestFirst.size() <= 1) {
            return List.of();
        }
        long count = oldestFirst.size();
        long total = 0;
        for (StoredOutput o : oldestFirst) {
            total += o.bytes();
        }
        int cut = 0;
        while (cut < oldestFirst.size() - 1 && limits.exceeded(count, total)) {
            count--;
            total -= oldestFirst.get(cut).bytes();
            cut++;
        }
        return List.copyOf(oldestFirst.subList(0, cut));
    }
}
