package io.pushcap.pipeline;

/**
 * Where a packet source stands, as a target saves it in its cursor: {@code major} picks the file
 * of an offline set or the chunk of a stored capture (for a ring, the sequence number of the next
 * packet, -1 if unknown, so a gap is counted exactly), {@code minor} is the byte offset in it (for
 * a ring, its absolute write position). {@code timestampNanos} is the time of
 * the next packet when known (0 otherwise), used to find a position again by time.
 */
public record SourcePosition(long major, long minor, long timestampNanos) implements Comparable<SourcePosition> {
    public static final SourcePosition START = new SourcePosition(0, 0, 0);

    @Override
    public int compareTo(SourcePosition o) {
        int c = Long.compare(major, o.major);
        return c != 0 ? c : Long.compare(minor, o.minor);
    }
}
