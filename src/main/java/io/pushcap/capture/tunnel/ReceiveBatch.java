package io.pushcap.capture.tunnel;

import io.pushcap.internal.ffm.LibSocket;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Native memory for one {@code recvmmsg}: a slot per datagram (64 KiB, the largest IP packet,
 * after {@link #HEADROOM} bytes of room in front for a synthetic Ethernet header), a control
 * buffer per datagram for its kernel receive timestamp ({@code SCM_TIMESTAMPNS}), and the
 * {@code mmsghdr}/{@code iovec} arrays pointing at them.
 *
 * <p><b>Note:</b> not thread-safe. Call {@link #rearm(int)} before reusing the headers the
 * kernel filled.
 */
final class ReceiveBatch {
    static final int HEADROOM = 16;
    private static final int DATAGRAM = 65536;
    private static final int SLOT = HEADROOM + DATAGRAM;
    private static final int CONTROL = 64;

    private final int capacity;
    private final MemorySegment data;
    private final MemorySegment control;
    private final MemorySegment messages;
    private final MemorySegment iovecs;

    ReceiveBatch(Arena arena, int capacity) {
        this.capacity = capacity;
        this.data = arena.allocate((long) SLOT * capacity, 64);
        this.control = arena.allocate((long) CONTROL * capacity, 8);
        this.messages = arena.allocate(LibSocket.MMSGHDR_SIZE * capacity, 8);
        this.iovecs = arena.allocate(LibSocket.IOVEC_SIZE * capacity, 8);
        for (int i = 0; i < capacity; i++) {
            long iov = LibSocket.IOVEC_SIZE * i;
            iovecs.set(JAVA_LONG, iov + LibSocket.IOV_BASE, data.address() + (long) SLOT * i + HEADROOM);
            iovecs.set(JAVA_LONG, iov + LibSocket.IOV_LEN, DATAGRAM);
            long m = LibSocket.MMSGHDR_SIZE * i;
            messages.set(ADDRESS, m + LibSocket.MSG_IOV, iovecs.asSlice(iov, LibSocket.IOVEC_SIZE));
            messages.set(JAVA_LONG, m + LibSocket.MSG_IOVLEN, 1L);
            messages.set(ADDRESS, m + LibSocket.MSG_CONTROL, control.asSlice((long) CONTROL * i, CONTROL));
        }
        rearm(capacity);
    }

    /** Resets what the kernel changed in the first {@code n} headers (control lengths, flags). */
    void rearm(int n) {
        for (int i = 0; i < n; i++) {
            long m = LibSocket.MMSGHDR_SIZE * i;
            messages.set(JAVA_LONG, m + LibSocket.MSG_CONTROLLEN, CONTROL);
            messages.set(JAVA_INT, m + LibSocket.MSG_FLAGS, 0);
        }
    }

    int capacity() {
        return capacity;
    }

    MemorySegment messages() {
        return messages;
    }

    MemorySegment data() {
        return data;
    }

    /** Offset in {@link #data()} where datagram {@code i} starts ({@link #HEADROOM} bytes into its slot). */
    long offset(int i) {
        return (long) SLOT * i + HEADROOM;
    }

    /** Bytes of datagram {@code i}. */
    int length(int i) {
        return messages.get(JAVA_INT, LibSocket.MMSGHDR_SIZE * i + LibSocket.MSG_LEN);
    }

    /** True when datagram {@code i} did not fit its slot (cannot happen below 64 KiB). */
    boolean truncated(int i) {
        return (messages.get(JAVA_INT, LibSocket.MMSGHDR_SIZE * i + LibSocket.MSG_FLAGS) & LibSocket.MSG_TRUNC) != 0;
    }

    /** The kernel's receive time of datagram {@code i} in ns since the epoch, or {@code fallback}. */
    long timestamp(int i, long fallback) {
        long m = LibSocket.MMSGHDR_SIZE * i;
        long len = messages.get(JAVA_LONG, m + LibSocket.MSG_CONTROLLEN);
        long c = (long) CONTROL * i;
        if (len >= LibSocket.CMSG_HEADER + 16
                && control.get(JAVA_INT, c + LibSocket.CMSG_LEVEL) == LibSocket.SOL_SOCKET
                && control.get(JAVA_INT, c + LibSocket.CMSG_TYPE) == LibSocket.SCM_TIMESTAMPNS) {
            return control.get(JAVA_LONG, c + LibSocket.CMSG_HEADER) * 1_000_000_000L
                    + control.get(JAVA_LONG, c + LibSocket.CMSG_HEADER + 8);
        }
        return fallback;
    }
}
