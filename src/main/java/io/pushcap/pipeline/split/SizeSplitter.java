package io.pushcap.pipeline.split;

/**
 * Splits when the next record would take the uncompressed pcap (24-byte header included) past
 * {@code maxBytes}. A split never exceeds the limit unless a single packet alone does; then that
 * packet gets a split of its own.
 *
 * <p>The interval of a size split runs from its first packet's time; its end is not known until
 * it closes, so {@link #intervalEnd()} is open-ended and the runner names the file from the
 * first and last packet times.
 *
 * <p><b>Note:</b> single-threaded.
 */
public final class SizeSplitter implements Splitter {
    private final long maxBytes;
    private long start;

    public SizeSplitter(long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("split size must be positive: " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    @Override
    public boolean startsNewSplit(long tsNanos, long recordBytes, long splitBytes, long splitPackets) {
        return splitPackets > 0 && splitBytes + recordBytes > maxBytes;
    }

    @Override
    public void open(long tsNanos) {
        start = tsNanos;
    }

    @Override
    public long intervalStart() {
        return start;
    }

    @Override
    public long intervalEnd() {
        return Long.MAX_VALUE;
    }

    public long maxBytes() {
        return maxBytes;
    }
}
