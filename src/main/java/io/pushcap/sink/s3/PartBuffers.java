package io.pushcap.sink.s3;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Part buffers an S3 sink reuses from one part (and split) to the next. A part buffer is 8 MiB
 * or more: a new one per part is a humongous allocation for G1, zeroed by the writing thread, and
 * garbage a few hundred milliseconds later; at 100 MB/s that is a dozen a second per target.
 *
 * <p><b>Note:</b> thread-safe: a split's writer takes buffers, its upload threads give them back.
 * At most {@code keep} buffers are kept (the parts in flight plus the one being filled, which is
 * all a target can hold at once anyway); a buffer of another size (parts grow after 900) is not.
 */
final class PartBuffers {
    private final ConcurrentLinkedQueue<byte[]> free = new ConcurrentLinkedQueue<>();
    private final AtomicInteger kept = new AtomicInteger();
    private final int keep;

    PartBuffers(int keep) {
        this.keep = keep;
    }

    /** A buffer of exactly {@code size} bytes, reused when one is free. Its contents are stale. */
    byte[] take(int size) {
        byte[] b;
        while ((b = free.poll()) != null) {
            kept.decrementAndGet();
            if (b.length == size) {
                return b;
            }
        }
        return new byte[size];
    }

    /** Gives a buffer back once nothing reads it any more (its part is uploaded or abandoned). */
    void give(byte[] b) {
        if (kept.incrementAndGet() <= keep) {
            free.add(b);
        } else {
            kept.decrementAndGet();
        }
    }

    /** Buffers held for reuse (for tests). */
    int kept() {
        return kept.get();
    }
}
