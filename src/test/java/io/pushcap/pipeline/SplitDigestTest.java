package io.pushcap.pipeline;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** SplitDigest gives the JDK's SHA-256 of the same bytes, whatever their sizes and write pattern. */
class SplitDigestTest {

    @Test
    void shouldEqualTheJdksSha256WhenBytesArriveInRandomWrites() throws Exception {
        Random r = new Random(11);
        for (long total : new long[] {0, 1, SplitDigest.ASYNC_AFTER, SplitDigest.ASYNC_AFTER + 1, 13L << 20,
                SplitDigest.CHUNK * (SplitDigest.BUFFERS + 3L) + 12_345}) {
            byte[] data = new byte[(int) total];
            r.nextBytes(data);
            SplitDigest d = new SplitDigest(true);
            int off = 0;
            while (off < data.length) {
                if (r.nextInt(50) == 0) {
                    d.update(data[off] & 0xff);
                    off++;
                    continue;
                }
                int n = Math.min(data.length - off, 1 + r.nextInt(r.nextBoolean() ? 100 : 3 << 20));
                d.update(data, off, n);
                off += n;
            }
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), d.digest(), "total " + total);
        }
    }

    @Test
    void shouldEqualTheJdksSha256WhenItHashesOnTheWritersThread() throws Exception {
        byte[] data = new byte[11 << 20];
        new Random(13).nextBytes(data);
        SplitDigest d = new SplitDigest(false);
        for (int off = 0; off < data.length; off += 777_777) {
            d.update(data, off, Math.min(777_777, data.length - off));
        }
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), d.digest());
    }

    @Test
    void shouldHashInPlaceWhenBytesAreReadBackFromAFile() throws Exception {
        byte[] data = new byte[9 << 20];
        new Random(12).nextBytes(data);
        SplitDigest d = new SplitDigest(true);
        d.updateInPlace(ByteBuffer.wrap(data, 0, 5 << 20));
        d.updateInPlace(ByteBuffer.wrap(data, 5 << 20, 4 << 20));
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), d.digest());
    }

    @Test
    void shouldRefuseInPlaceBytesWhenBytesAreAlreadyQueued() throws Exception {
        SplitDigest d = new SplitDigest(true);
        d.update(new byte[6 << 20], 0, 6 << 20);
        assertThrows(IllegalStateException.class, () -> d.updateInPlace(ByteBuffer.allocate(1)));
        d.close();
    }

    @Test
    void shouldStopItsThreadWhenTheSplitIsAbandoned() {
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), () -> {
            for (int i = 0; i < 50; i++) {
                SplitDigest d = new SplitDigest(true);
                d.update(new byte[7 << 20], 0, 7 << 20);
                d.close();
            }
        });
    }
}
