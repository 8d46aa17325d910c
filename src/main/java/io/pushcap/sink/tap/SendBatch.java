package io.pushcap.sink.tap;

import io.pushcap.internal.ffm.LibSocket;
import io.pushcap.internal.net.SockAddr;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Datagrams waiting to be sent together: their bytes packed one after another in a native
 * buffer, and a prebuilt {@code struct mmsghdr} array (one iovec each, the destination address in
 * every header when there is one) for a single {@code sendmmsg} call.
 *
 * <p>Filling: {@link #reserve(int)} gives the offset to write at (or -1 when the batch is full:
 * send it and {@link #clear()} first), {@link #commit(int, int)} adds the datagram.
 *
 * <p><b>Note:</b> not thread-safe. The memory belongs to the arena given at construction.
 */
final class SendBatch {
    private static final int ALIGN = 16;

    private final MemorySegment data;
    private final MemorySegment messages;
    private final MemorySegment iovecs;
    private final int capacity;
    private final long[] offsets;
    private final int[] lengths;
    private final int[] hashes;
    private int count;
    private long used;
    private long reserved = -1;

    /**
     * @param capacity    datagrams per batch
     * @param bufferBytes room for their bytes (at least the largest datagram)
     * @param destination put in every message header (raw IP sockets), or null (bound sockets)
     */
    SendBatch(Arena arena, int capacity, int bufferBytes, SockAddr destination) {
        this.capacity = capacity;
        this.data = arena.allocate(bufferBytes, 64);
        this.messages = arena.allocate(LibSocket.MMSGHDR_SIZE * capacity, 8);
        this.iovecs = arena.allocate(LibSocket.IOVEC_SIZE * capacity, 8);
        this.offsets = new long[capacity];
        this.lengths = new int[capacity];
        this.hashes = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            long m = LibSocket.MMSGHDR_SIZE * i;
            if (destination != null) {
                messages.set(ADDRESS, m + LibSocket.MSG_NAME, destination.segment());
                messages.set(JAVA_INT, m + LibSocket.MSG_NAMELEN, destination.length());
            }
            messages.set(ADDRESS, m + LibSocket.MSG_IOV, iovecs.asSlice(LibSocket.IOVEC_SIZE * i, LibSocket.IOVEC_SIZE));
            messages.set(JAVA_LONG, m + LibSocket.MSG_IOVLEN, 1L);
        }
    }

    /** Where to write a datagram of at most {@code maxLength} bytes, or -1 when it does not fit any more. */
    long reserve(int maxLength) {
        if (count == capacity || used + maxLength > data.byteSize()) {
            return -1;
        }
        reserved = used;
        return used;
    }

    /** Adds the datagram written at the reserved offset. */
    void commit(int length, int hash) {
        long off = reserved;
        offsets[count] = off;
        lengths[count] = length;
        hashes[count] = hash;
        long iov = LibSocket.IOVEC_SIZE * count;
        iovecs.set(JAVA_LONG, iov + LibSocket.IOV_BASE, data.address() + off);
        iovecs.set(JAVA_LONG, iov + LibSocket.IOV_LEN, length);
        count++;
        used = (off + length + ALIGN - 1) & -ALIGN;
        reserved = -1;
    }

    /** Removes the last datagram committed. */
    void cancelLast() {
        if (count > 0) {
            count--;
            used = offsets[count];
        }
    }

    void clear() {
        count = 0;
        used = 0;
        reserved = -1;
    }

    int count() {
        return count;
    }

    int capacity() {
        return capacity;
    }

    boolean full() {
        return count == capacity;
    }

    MemorySegment data() {
        return data;
    }

    long offset(int i) {
        return offsets[i];
    }

    int length(int i) {
        return lengths[i];
    }

    int hash(int i) {
        return hashes[i];
    }

    /** The message headers from index {@code from} on, for sendmmsg. */
    MemorySegment messagesFrom(int from) {
        return messages.asSlice(LibSocket.MMSGHDR_SIZE * from);
    }
}
