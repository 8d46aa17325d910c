package io.pushcap.synth;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * SplitMix64: a tiny, fast generator whose output depends only on the seed, on every JVM, so a
 * seed names one exact capture. Distributions use {@link StrictMath} for the same reason.
 *
 * <p><b>Note:</b> not thread-safe; one per generator.
 */
final class SynthRandom {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private long state;

    SynthRandom(long seed) {
        this.state = seed;
    }

    long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    int nextInt() {
        return (int) (nextLong() >>> 32);
    }

    /** Uniform in [0, bound). */
    int nextInt(int bound) {
        return (int) (((nextLong() >>> 33) * bound) >>> 31);
    }

    /** Uniform in [lo, hi] (inclusive). */
    int between(int lo, int hi) {
        return lo + nextInt(hi - lo + 1);
    }

    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    boolean chance(double p) {
        return nextDouble() < p;
    }

    /** A log-normal draw: exp(N(mu, sigma)), clipped to [lo, hi]. */
    long logNormal(double mu, double sigma, long lo, long hi) {
        double u1 = Math.max(nextDouble(), 1e-12);
        double u2 = nextDouble();
        double n = StrictMath.sqrt(-2 * StrictMath.log(u1)) * StrictMath.cos(2 * StrictMath.PI * u2);
        long v = (long) StrictMath.exp(mu + sigma * n);
        return Math.max(lo, Math.min(hi, v));
    }

    /** Fills {@code len} bytes with random data, eight at a time. */
    void fill(byte[] b, int off, int len) {
        fill(b, off, len, -1L);
    }

    /** Random bytes with the top bit clear (0x00-0x7f). */
    void fill7(byte[] b, int off, int len) {
        fill(b, off, len, 0x7F7F7F7F7F7F7F7FL);
    }

    private void fill(byte[] b, int off, int len, long mask) {
        int i = off;
        int end = off + len;
        for (; i + 8 <= end; i += 8) {
            LONGS.set(b, i, nextLong() & mask);
        }
        if (i < end) {
            long r = nextLong() & mask;
            for (; i < end; i++, r >>>= 8) {
                b[i] = (byte) r;
            }
        }
    }
}
