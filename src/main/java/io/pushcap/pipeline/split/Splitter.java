package io.pushcap.pipeline.split;

import io.pushcap.config.SplitRule;

/**
 * Decides where one output file ends and the next begins.
 *
 * <p>The runner asks {@link #startsNewSplit} for every packet it will write; when the answer is
 * true it publishes the open split and calls {@link #open} for the next. The interval bounds are
 * what the filename encoder names the file after.
 *
 * <p><b>Note:</b> single-threaded, one instance per target; holds only the open split's bounds.
 */
public interface Splitter {

    /** True when a packet at {@code tsNanos} taking {@code recordBytes} must go to a new split. */
    boolean startsNewSplit(long tsNanos, long recordBytes, long splitBytes, long splitPackets);

    /** Opens a split for a first packet at {@code tsNanos}. */
    void open(long tsNanos);

    /** Start of the open split's interval, ns since the epoch. */
    long intervalStart();

    /** End (exclusive) of the open split's interval, or Long.MAX_VALUE when open-ended. */
    long intervalEnd();

    static Splitter of(SplitRule rule) {
        return switch (rule.kind()) {
            case TIME -> new TimeSplitter(rule.value());
            case BYTES -> new SizeSplitter(rule.value());
            case NONE -> new SizeSplitter(Long.MAX_VALUE);
        };
    }
}
