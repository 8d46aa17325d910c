package io.pushcap.pipeline.split;

/**
 * Splits on clock-aligned intervals of packet time, like dumpcap's {@code -b interval}: a 60 s
 * split covers [hh:mm:00, hh:mm+1:00) whatever time the first packet arrived.
 *
 * <p>A packet stamped before the open interval (reordering between capture queues) stays in the
 * open split: an earlier split is already published and is never reopened.
 *
 * <p><b>Note:</b> single-threaded.
 */
public final class TimeSplitter implements Splitter {
    private final long intervalNanos;
    private long start = Long.MIN_VALUE;
    private long end = Long.MIN_VALUE;

    public TimeSplitter(long intervalNanos) {
        if (intervalNanos <= 0) {
            throw new IllegalArgumentException("split interval must be positive: " + intervalNanos);
        }
        this.intervalNanos = intervalNanos;
    }

    @Override
    public boolean startsNewSplit(long tsNanos, long recordBytes, long splitBytes, long splitPackets) {
        return tsNanos >= end;
    }

    @Override
    public void open(long tsNanos) {
        start = Math.floorDiv(tsNanos, intervalNanos) * intervalNanos;
        end = start + intervalNanos;
    }

    @Override
    public long intervalStart() {
        return start;
    }

    @Override
    public long intervalEnd() {
        return end;
    }

    public long intervalNanos() {
        return intervalNanos;
    }
}
