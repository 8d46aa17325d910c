package io.pushcap.pcap;

/**
 * Layout of the pcapng blocks pushcap reads and writes (draft-ietf-opsawg-pcapng). Every block is
 *
 * <pre>
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +---------------------------------------------------------------+
 *   |                          Block Type                           |  0
 *   +---------------------------------------------------------------+
 *   |                      Block Total Length                       |  4
 *   +---------------------------------------------------------------+
 *   /                          Block Body                           /  8
 *   +---------------------------------------------------------------+
 *   |                      Block Total Length                       |  len-4
 *   +---------------------------------------------------------------+
 *
 *   Section Header Block (type 0x0A0D0D0A):
 *     8  Byte-Order Magic 0x1A2B3C4D | 12 Major (1) | 14 Minor | 16 Section Length (i64) | 24 options
 *   Interface Description Block (type 1):
 *     8  LinkType (u16) | 10 reserved | 12 SnapLen | 16 options (if_tsresol=9, if_tsoffset=14)
 *   Enhanced Packet Block (type 6):
 *     8  Interface ID | 12 Timestamp high | 16 Timestamp low | 20 Captured len | 24 Original len
 *    28  Packet data, padded to 32 bits | options
 *   Simple Packet Block (type 3):
 *     8  Original len | 12 Packet data (captured = min(original, snaplen, body))
 *   Packet Block (type 2, obsolete):
 *     8  Interface ID (u16) | 10 Drops (u16) | 12 Timestamp high | 16 Timestamp low
 *    20  Captured len | 24 Original len | 28 Packet data
 *   Options: code (u16) | length (u16) | value padded to 32 bits; code 0 ends the list.
 * </pre>
 *
 * Blocks of any other type are skipped by their total length.
 *
 * <p>{@link PcapngWriter} writes, in host byte order, one section of exactly these blocks:
 *
 * <pre>
 *   SHB  (28 bytes)  0A0D0D0A | 28 | 1A2B3C4D | 1 | 0 | section length -1 (unknown) | 28
 *   IDB  (32 bytes)  1 | 32 | linktype | 0 | snaplen | if_tsresol: 9, 1, 9 (ns), pad | 0, 0 | 32
 *                    one per (input interface, link type), written before its first packet
 *   EPB  (32 + data padded to 4)  6 | len | interface id | ts high | ts low (ns) | caplen | wirelen
 *                    | data, zero-padded | len
 * </pre>
 */
public final class PcapngDescriptor {
    public static final int SHB_TYPE = 0x0A0D0D0A;
    public static final int IDB_TYPE = 0x00000001;
    public static final int PB_TYPE = 0x00000002;
    public static final int SPB_TYPE = 0x00000003;
    public static final int EPB_TYPE = 0x00000006;
    public static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    public static final int BYTE_ORDER_MAGIC_SWAPPED = 0x4D3C2B1A;
    public static final int VERSION_MAJOR = 1;

    public static final int BLOCK_TYPE_OFFSET = 0;
    public static final int BLOCK_LENGTH_OFFSET = 4;
    public static final int BLOCK_BODY_OFFSET = 8;
    public static final int BLOCK_MIN_LENGTH = 12;

    public static final int SHB_BYTE_ORDER_OFFSET = 8;
    public static final int SHB_MAJOR_OFFSET = 12;
    public static final int SHB_MIN_LENGTH = 28;

    public static final int IDB_LINKTYPE_OFFSET = 8;
    public static final int IDB_SNAPLEN_OFFSET = 12;
    public static final int IDB_OPTIONS_OFFSET = 16;
    public static final int IDB_MIN_LENGTH = 20;

    public static final int EPB_INTERFACE_OFFSET = 8;
    public static final int EPB_TS_HIGH_OFFSET = 12;
    public static final int EPB_TS_LOW_OFFSET = 16;
    public static final int EPB_CAPLEN_OFFSET = 20;
    public static final int EPB_WIRELEN_OFFSET = 24;
    public static final int EPB_DATA_OFFSET = 28;
    public static final int EPB_MIN_LENGTH = 32;

    public static final int PB_INTERFACE_OFFSET = 8;
    public static final int PB_DATA_OFFSET = 28;

    public static final int SPB_WIRELEN_OFFSET = 8;
    public static final int SPB_DATA_OFFSET = 12;
    public static final int SPB_MIN_LENGTH = 16;

    public static final int OPT_ENDOFOPT = 0;
    public static final int OPT_IF_TSRESOL = 9;
    public static final int OPT_IF_TSOFFSET = 14;
    /** if_tsresol value for nanoseconds (10^-9). */
    public static final int TSRESOL_NANOS = 9;

    public static final int SHB_VERSION_MINOR = 0;
    public static final int SHB_MINOR_OFFSET = 14;
    public static final int SHB_SECTION_LENGTH_OFFSET = 16;
    /** The section header pushcap writes: no options. */
    public static final int SHB_WRITTEN_LENGTH = 28;
    /** The interface block pushcap writes: if_tsresol and opt_endofopt. */
    public static final int IDB_WRITTEN_LENGTH = 32;

    /** Blocks larger than this are taken as corruption rather than allocated. */
    public static final int MAX_BLOCK = 256 << 20;

    private PcapngDescriptor() {
    }

    /** Rounds a length up to the 32-bit boundary pcapng pads to. */
    public static int pad4(int length) {
        return (length + 3) & ~3;
    }
}
