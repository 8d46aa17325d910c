package io.pushcap.flow.ipfix;

/**
 * Layout of an IPFIX message (RFC 7011), all fields in network byte order, no padding.
 *
 * <pre>
 *   Message = Message Header, then one or more Sets.
 *
 *   Message Header (16 bytes, section 3.1):
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-------------------------------+-------------------------------+
 *   |     Version Number (10)       |            Length             |  0  length of the whole message
 *   +-------------------------------+-------------------------------+
 *   |                          Export Time                          |  4  seconds since the epoch
 *   +---------------------------------------------------------------+
 *   |                        Sequence Number                        |  8  data records sent before this
 *   +---------------------------------------------------------------+     message, per domain, mod 2^32
 *   |                    Observation Domain ID                      | 12
 *   +---------------------------------------------------------------+
 *
 *   Set Header (4 bytes, section 3.3.2), followed by records up to Length:
 *   +-------------------------------+-------------------------------+
 *   |          Set ID               |            Length             |  0  2 = Template Set,
 *   +-------------------------------+-------------------------------+     >= 256 = Data Set of that template
 *
 *   Template Record (section 3.4.1) inside a Template Set:
 *   +-------------------------------+-------------------------------+
 *   |      Template ID (>= 256)     |          Field Count          |  0
 *   +-+-----------------------------+-------------------------------+
 *   |E|  Information Element id     |         Field Length          |  4  one Field Specifier per field
 *   +-+-----------------------------+-------------------------------+
 *   |           Enterprise Number (only when E = 1)                 |  8
 *   +---------------------------------------------------------------+
 *
 *   Data Record inside a Data Set: the fields' values back to back, in template order, each
 *   Field Length bytes (section 3.4.3); unsigned integers big-endian, possibly reduced in size
 *   (section 6.2); dateTimeSeconds 4 bytes, dateTimeMilliseconds 8 bytes (ms since the epoch),
 *   dateTimeMicroseconds/Nanoseconds 8 bytes NTP format: seconds since 1900, then 2^-32 s
 *   fractions (section 6.1.9, 6.1.10).
 * </pre>
 *
 * <p><b>Note:</b> constants only; thread-safe.
 */
public final class IpfixDescriptor {
    public static final int VERSION = 10;

    public static final int MESSAGE_HEADER_LENGTH = 16;
    public static final int VERSION_OFFSET = 0;
    public static final int LENGTH_OFFSET = 2;
    public static final int EXPORT_TIME_OFFSET = 4;
    public static final int SEQUENCE_OFFSET = 8;
    public static final int DOMAIN_OFFSET = 12;

    public static final int SET_HEADER_LENGTH = 4;
    public static final int SET_ID_OFFSET = 0;
    public static final int SET_LENGTH_OFFSET = 2;
    public static final int TEMPLATE_SET_ID = 2;
    public static final int OPTIONS_TEMPLATE_SET_ID = 3;
    public static final int MIN_DATA_SET_ID = 256;

    public static final int TEMPLATE_RECORD_HEADER_LENGTH = 4;
    public static final int TEMPLATE_ID_OFFSET = 0;
    public static final int FIELD_COUNT_OFFSET = 2;
    public static final int FIELD_SPECIFIER_LENGTH = 4;
    public static final int ENTERPRISE_NUMBER_LENGTH = 4;
    /** Set in the Information Element id of a Field Specifier followed by an Enterprise Number. */
    public static final int ENTERPRISE_BIT = 0x8000;

    /** Seconds from 1900-01-01 (NTP era 0) to 1970-01-01. */
    public static final long NTP_UNIX_OFFSET_SECONDS = 2_208_988_800L;
    /** dateTimeMicroseconds: the 11 low bits of the NTP fraction are zero (RFC 7011 section 6.1.9). */
    public static final long MICROSECOND_FRACTION_MASK = ~0x7ffL;

    private IpfixDescriptor() {
    }
}
