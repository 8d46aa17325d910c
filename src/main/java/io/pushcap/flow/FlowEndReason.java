package io.pushcap.flow;

/**
 * Why a flow ended: the flowEndReason values of RFC 5102 (IANA element 136), and the label each
 * has in the {@code pushcap_flow_expired_total{reason=...}} counter.
 *
 * <p><b>Note:</b> constants only; thread-safe.
 */
public final class FlowEndReason {
    /** No packet for the idle timeout. */
    public static final int IDLE_TIMEOUT = 0x01;
    /** The active timeout passed since the flow's first packet. */
    public static final int ACTIVE_TIMEOUT = 0x02;
    /** TCP FIN or RST seen (after the FIN linger). */
    public static final int END_OF_FLOW = 0x03;
    /** Flush command, shutdown or end of the input. */
    public static final int FORCED_END = 0x04;
    /** The cache was full and this flow made room for a new one. */
    public static final int LACK_OF_RESOURCES = 0x05;

    private static final String[] LABELS = {"", "idle", "active", "end_of_flow", "forced", "lack_of_resources"};

    private FlowEndReason() {
    }

    /** The counter label: idle, active, end_of_flow, forced or lack_of_resources. */
    public static String label(int reason) {
        if (reason < IDLE_TIMEOUT || reason > LACK_OF_RESOURCES) {
            throw new IllegalArgumentException("flowEndReason " + reason + " (expected 1..5)");
        }
        return LABELS[reason];
    }
}
