package io.pushcap.synth;

import java.util.Arrays;

/**
 * A frame built from the inside out: the payload is appended first, then each header is
 * prepended in front of what is already there, so every length and checksum field can be
 * computed from the bytes that follow it. Positions are absolute indexes into {@link #buf},
 * and stay valid while headers are prepended.
 *
 * <p><b>Note:</b> not thread-safe; reused for every packet, so building allocates nothing.
 */
final class FrameBuffer {
    final byte[] buf;
    int start;
    int end;

    FrameBuffer(int capacity) {
        this.buf = new byte[capacity];
    }

    /** Empties the buffer, leaving {@code headroom} bytes in front for headers. */
    void reset(int headroom) {
        start = headroom;
        end = headroom;
    }

    int length() {
        return end - start;
    }

    /** Makes room for {@code n} bytes in front; returns their position. */
    int prepend(int n) {
        if (start < n) {
            throw new IllegalStateException("frame headroom exhausted");
        }
        start -= n;
        return start;
    }

    /** Makes room for {@code n} bytes at the end; returns their position. */
    int append(int n) {
        if (end + n > buf.length) {
            throw new IllegalStateException("frame larger than " + buf.length + " bytes");
        }
        int p = end;
        end += n;
        return p;
    }

    void append(byte[] src, int off, int len) {
        System.arraycopy(src, off, buf, append(len), len);
    }

    /** Appends zeros up to {@code minLength} (Ethernet's 60-byte minimum without FCS). */
    void padTo(int minLength) {
        int missing = minLength - length();
        if (missing > 0) {
            int p = append(missing);
            Arrays.fill(buf, p, p + missing, (byte) 0);
        }
    }

    void put8(int at, int v) {
        buf[at] = (byte) v;
    }

    void put16(int at, int v) {
        buf[at] = (byte) (v >>> 8);
        buf[at + 1] = (byte) v;
    }

    void put32(int at, int v) {
        buf[at] = (byte) (v >>> 24);
        buf[at + 1] = (byte) (v >>> 16);
        buf[at + 2] = (byte) (v >>> 8);
        buf[at + 3] = (byte) v;
    }

    void put(int at, byte[] src) {
        System.arraycopy(src, 0, buf, at, src.length);
    }

    int u16(int at) {
        return ((buf[at] & 0xff) << 8) | (buf[at + 1] & 0xff);
    }
}
