package io.pushcap.synth;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071): ones' complement sum of 16-bit big-endian words, summed
 * here 32 bits at a time into a long and folded at the end.
 *
 * <p><b>Note:</b> stateless and thread-safe.
 */
final class Checksums {
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private Checksums() {
    }

    /** Adds {@code len} bytes at {@code off} to {@code acc}; an odd last byte is padded with zero. */
    static long add(byte[] b, int off, int len, long acc) {
        int i = off;
        int end = off + len;
        for (; i + 4 <= end; i += 4) {
            acc += (int) INTS.get(b, i) & 0xFFFFFFFFL;
        }
        if (i + 2 <= end) {
            acc += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
            i += 2;
        }
        if (i < end) {
            acc += (b[i] & 0xff) << 8;
        }
        return acc;
    }

    /** Folds a sum to 16 bits and complements it: the value to store in the header. */
    static int finish(long acc) {
        while ((acc >>> 16) != 0) {
            acc = (acc & 0xFFFF) + (acc >>> 16);
        }
        return (int) (~acc & 0xFFFF);
    }

    /** Sum of the IPv4 or IPv6 pseudo-header for an upper-layer checksum. */
    static long pseudoHeader(byte[] src, byte[] dst, int protocol, int length) {
        long acc = add(src, 0, src.length, 0);
        acc = add(dst, 0, dst.length, acc);
        return acc + protocol + (length & 0xFFFFL) + (length >>> 16);
    }
}
