package io.pushcap.pipeline;

/**
 * Where a packet source stands, as a target saves it in its cursor: {@code major} picks the file
 * of an offline set (for a ring or a stored capture, the sequence number of the next packet, -1
 * if unknown, so a gap is counted exactly), {@code minor} is the byte offset in it (for a ring,
 * its absolute write position; for a stored capture, the offset in the capture's record stream,
 * which its index maps to a chunk and a file offset, see {@code io.pushcap.store.StoreSource}).
 * {@code timestampNanos} is the time of the next packet when known (0 otherwise), used to find a
 * position again by time.
 */
public record SourcePosition(long major, long minor, long timestampNanos) implements Comparable<SourcePosition> {
    public static final SourcePosition START = new SourcePosition(0, 0, 0);

    @Override
    public int compareTo(SourcePosition o) {
        int c = Long.compare(major, o.major);
        return c != 0 ? c : Long.compare(minor, o.minor);
    }
}
