package io.pushcap.flow.ipfix;

/**
 * IPFIX abstract data types (RFC 7011 section 6.1) that pushcap encodes, with their default
 * length and whether reduced-size encoding (section 6.2) is allowed.
 *
 * <p><b>Note:</b> immutable and thread-safe.
 */
public enum ElementType {
    UNSIGNED8(1, true),
    UNSIGNED16(2, true),
    UNSIGNED32(4, true),
    UNSIGNED64(8, true),
    IPV4_ADDRESS(4, false),
    IPV6_ADDRESS(16, false),
    DATE_TIME_SECONDS(4, false),
    DATE_TIME_MILLISECONDS(8, false),
    DATE_TIME_MICROSECONDS(8, false),
    DATE_TIME_NANOSECONDS(8, false);

    private final int defaultLength;
    private final boolean reducible;

    ElementType(int defaultLength, boolean reducible) {
        this.defaultLength = defaultLength;
        this.reducible = reducible;
    }

    public int defaultLength() {
        return defaultLength;
    }

    /** Unsigned integers may be sent in fewer bytes than their default length. */
    public boolean reducible() {
        return reducible;
    }

    /** The RFC 7011 name, as in the IANA registry ("unsigned64", "dateTimeMilliseconds"). */
    public String ianaName() {
        return switch (this) {
            case UNSIGNED8 -> "unsigned8";
            case UNSIGNED16 -> "unsigned16";
            case UNSIGNED32 -> "unsigned32";
            case UNSIGNED64 -> "unsigned64";
            case IPV4_ADDRESS -> "ipv4Address";
            case IPV6_ADDRESS -> "ipv6Address";
            case DATE_TIME_SECONDS -> "dateTimeSeconds";
            case DATE_TIME_MILLISECONDS -> "dateTimeMilliseconds";
            case DATE_TIME_MICROSECONDS -> "dateTimeMicroseconds";
            case DATE_TIME_NANOSECONDS -> "dateTimeNanoseconds";
        };
    }

    /** Lengths a template may give a field of this type. */
    public boolean allows(int length) {
        return reducible ? length >= 1 && length <= defaultLength : length == defaultLength;
    }
}
