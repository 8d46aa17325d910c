package io.pushcap.pcap;

/**
 * Layout of a classic pcap file (tcpdump/libpcap "savefile", draft-ietf-opsawg-pcap).
 *
 * <pre>
 *   File header (24 bytes), in the byte order the magic reveals:
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +---------------------------------------------------------------+
 *   |                          Magic Number                         |  0  a1b2c3d4 us, a1b23c4d ns
 *   +-------------------------------+-------------------------------+
 *   |        Major Version (2)      |        Minor Version (4)      |  4
 *   +-------------------------------+-------------------------------+
 *   |                     Reserved1 (thiszone)                      |  8
 *   +---------------------------------------------------------------+
 *   |                     Reserved2 (sigfigs)                       | 12
 *   +---------------------------------------------------------------+
 *   |                            SnapLen                            | 16
 *   +---------------------------------------------------------------+
 *   | FCS |f|0 0 0 0 0 0 0 0 0 0 0 0|         LinkType              | 20
 *   +---------------------------------------------------------------+
 *
 *   Record header (16 bytes), followed by Captured Length bytes of data:
 *   +---------------------------------------------------------------+
 *   |                      Timestamp (Seconds)                      |  0
 *   +---------------------------------------------------------------+
 *   |            Timestamp (Microseconds or nanoseconds)            |  4
 *   +---------------------------------------------------------------+
 *   |                    Captured Packet Length                     |  8
 *   +---------------------------------------------------------------+
 *   |                    Original Packet Length                     | 12
 *   +---------------------------------------------------------------+
 * </pre>
 */
public final class PcapDescriptor {
    public static final int MAGIC_MICROS = 0xa1b2c3d4;
    public static final int MAGIC_NANOS = 0xa1b23c4d;
    public static final int MAGIC_MICROS_SWAPPED = 0xd4c3b2a1;
    public static final int MAGIC_NANOS_SWAPPED = 0x4d3cb2a1;
    /** Alexey Kuznetzov's modified format; recognised only to refuse it by name. */
    public static final int MAGIC_KUZNETZOV = 0xa1b2cd34;
    public static final int MAGIC_KUZNETZOV_SWAPPED = 0x34cdb2a1;

    public static final int VERSION_MAJOR = 2;
    public static final int VERSION_MINOR = 4;

    public static final int FILE_HEADER_LENGTH = 24;
    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_MAJOR_OFFSET = 4;
    public static final int VERSION_MINOR_OFFSET = 6;
    public static final int THISZONE_OFFSET = 8;
    public static final int SIGFIGS_OFFSET = 12;
    public static final int SNAPLEN_OFFSET = 16;
    public static final int LINKTYPE_OFFSET = 20;
    /** The link type is the low 16 bits of the last field; the top bits carry FCS information. */
    public static final int LINKTYPE_MASK = 0x0000ffff;

    public static final int RECORD_HEADER_LENGTH = 16;
    public static final int TS_SEC_OFFSET = 0;
    public static final int TS_FRAC_OFFSET = 4;
    public static final int CAPLEN_OFFSET = 8;
    public static final int WIRELEN_OFFSET = 12;

    /** libpcap's largest snapshot length for most link types; records beyond it are refused. */
    public static final int MAX_SNAPLEN = 262_144;
    /** An absolute bound on one record, whatever the header claims (guards memory). */
    public static final int MAX_RECORD = 256 << 20;

    private PcapDescriptor() {
    }
}
