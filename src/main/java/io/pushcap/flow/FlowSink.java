package io.pushcap.flow;

/**
 * Where a meter loop sends ended flows: an exporter, or anything that wants them.
 *
 * <p><b>Note:</b> called on the meter thread only. {@link #close()} must deliver what is pending.
 */
public interface FlowSink extends FlowExpiryListener, AutoCloseable {

    /** Periodic housekeeping between batches (send a message that waited too long, reconnect). */
    default void tick() {
    }

    /** Delivers what is buffered now. */
    default void flush() {
    }

    @Override
    void close();
}
