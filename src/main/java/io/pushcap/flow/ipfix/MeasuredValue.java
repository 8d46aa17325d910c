package io.pushcap.flow.ipfix;

/**
 * What the flow meter measures, as the information elements carry it. Several elements may carry
 * the same value in different types (flowStartSeconds and flowStartNanoseconds are both
 * {@link #FLOW_START}).
 *
 * <p><b>Note:</b> immutable and thread-safe.
 */
public enum MeasuredValue {
    OCTETS, PACKETS, FLOW_COUNT, PROTOCOL, CLASS_OF_SERVICE, DSCP, PRECEDENCE, TCP_FLAGS, SRC_PORT, DST_PORT,
    SRC_IPV4, DST_IPV4, SRC_IPV6, DST_IPV6, INGRESS_INTERFACE, EGRESS_INTERFACE,
    ICMP_TYPE_CODE_IPV4, ICMP_TYPE_IPV4, ICMP_CODE_IPV4, ICMP_TYPE_CODE_IPV6, ICMP_TYPE_IPV6, ICMP_CODE_IPV6,
    MIN_TTL, MAX_TTL, OUTER_VLAN, INNER_VLAN, IP_VERSION, FLOW_DIRECTION, FLOW_END_REASON,
    FLOW_START, FLOW_END, FLOW_START_SYS_UP_TIME, FLOW_END_SYS_UP_TIME, SYSTEM_INIT_TIME,
    FLOW_DURATION_MILLISECONDS, FLOW_DURATION_MICROSECONDS, OBSERVATION_DOMAIN, CONSTANT;

    /** 4 when only IPv4 flows have it, 6 for IPv6, 0 for both. */
    public int ipVersion() {
        return switch (this) {
            case SRC_IPV4, DST_IPV4, ICMP_TYPE_CODE_IPV4, ICMP_TYPE_IPV4, ICMP_CODE_IPV4 -> 4;
            case SRC_IPV6, DST_IPV6, ICMP_TYPE_CODE_IPV6, ICMP_TYPE_IPV6, ICMP_CODE_IPV6 -> 6;
            default -> 0;
        };
    }
}
