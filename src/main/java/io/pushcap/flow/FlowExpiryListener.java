package io.pushcap.flow;

/**
 * Receives each flow as it leaves the cache, for export.
 *
 * <p><b>Note:</b> called on the meter thread; {@code flow} indexes {@code table} and stays valid
 * only during the call (the slot is reused right after), so read what you need now. Exceptions
 * thrown here propagate to whoever drove the meter.
 */
@FunctionalInterface
public interface FlowExpiryListener {

    /** {@code reason} is a {@link FlowEndReason} value. */
    void flowExpired(FlowTable table, int flow, int reason);
}
