package io.pushcap.ring;

/**
 * Layout of a pushcap ring file: a memory-mapped, fixed-size file (normally on ramfs) that one
 * writer fills with packet records, round and round, while any number of readers follow it.
 *
 * <p>All integers are in the host's byte order (a ring never leaves its host) and naturally
 * aligned. The file is a 16 KiB header followed by the data area of {@code capacity} bytes.
 *
 * <pre>
 *   Header page (offsets in bytes)
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +---------------------------------------------------------------+
 *   |                     Magic "PUSHRING" (8)                      |    0 MAGIC_OFFSET
 *   +-------------------------------+-------------------------------+
 *   |          Version (4)          |       Header Length (4)       |    8 VERSION_OFFSET, HEADER_LENGTH_OFFSET
 *   +-------------------------------+-------------------------------+
 *   |                  Data Capacity in bytes (8)                   |   16 CAPACITY_OFFSET
 *   |                  Created, ns since epoch (8)                  |   24 CREATED_OFFSET
 *   +-------------------------------+-------------------------------+
 *   |      Max Record Length (4)    |          Snaplen (4)          |   32 MAX_RECORD_OFFSET, SNAPLEN_OFFSET
 *   |          Link Type (4)        |         Reserved (4)          |   40 LINK_TYPE_OFFSET
 *   |                        Reserved (16)                          |   48
 *   +=== writer identity (cache line) ==============================+
 *   |         Writer Owner: pid (high 32) | start ticks (low 32)    |   64 WRITER_OWNER_OFFSET
 *   |                 Writer claimed at, ns (8)                     |   72 WRITER_CLAIMED_OFFSET
 *   |           Writer takeovers from dead writers (8)              |   80 WRITER_TAKEOVERS_OFFSET
 *   |                       Reserved (8)                            |   88
 *   |           Writer source, UTF-8, NUL padded (32)               |   96 WRITER_SOURCE_OFFSET
 *   +=== publication (cache line, written per record) =============+
 *   |   Position: end of the last published record (8)  [futex]     |  128 POSITION_OFFSET
 *   |   Intent: end of the record being written (8)                 |  136 INTENT_OFFSET
 *   |   Tail: start of the oldest record still intact (8)           |  144 TAIL_OFFSET
 *   |   Packets: records written, = next sequence number (8)        |  152 PACKETS_OFFSET
 *   |   Bytes: captured bytes written (8)                           |  160 BYTES_OFFSET
 *   |   Wire Bytes: original lengths of the packets written (8)     |  168 WIRE_BYTES_OFFSET
 *   |   Last Timestamp, ns (8)                                      |  176 LAST_TIMESTAMP_OFFSET
 *   |   Reserved (8)                                                |  184
 *   +=== sleepers (cache line) =====================================+
 *   |   Waiters: bit i set = reader slot i sleeps on the futex (8)  |  192 WAITERS_OFFSET
 *   |   Wakeups: FUTEX_WAKE calls made by writers (8)               |  200 WAKEUPS_OFFSET
 *   |   Reserved (48)                                               |  208
 *   +=== writer counters (cache line, updated about once a second) =+
 *   |   Kernel Received: pcap_stats ps_recv (8)                     |  256 KERNEL_RECEIVED_OFFSET
 *   |   Kernel Drops: pcap_stats ps_drop (8)                        |  264 KERNEL_DROPS_OFFSET
 *   |   Interface Drops: pcap_stats ps_ifdrop (8)                   |  272 INTERFACE_DROPS_OFFSET
 *   |   Truncated: records cut to the max record length (8)         |  280 TRUNCATED_OFFSET
 *   |   Source Restarts: capture reopened after a failure (8)       |  288 SOURCE_RESTARTS_OFFSET
 *   |   Reserved (24)                                               |  296
 *   +---------------------------------------------------------------+
 *   |   Reserved up to 4096                                         |  320
 *   +=== reader slots: READER_SLOTS x READER_SLOT_LENGTH ============+
 *   |   slot 0 .. slot 63 (see below)                               | 4096 READER_SLOTS_OFFSET
 *   +---------------------------------------------------------------+
 *   |   Reserved up to HEADER_LENGTH                                | 12288
 *   +=== data area: capacity bytes of records ======================+ 16384 HEADER_LENGTH
 *
 *   Reader slot (128 bytes, two cache lines: the hot one first)
 *   +---------------------------------------------------------------+
 *   |   Position: start of the next record to read (8)              |    0 SLOT_POSITION
 *   |   Sequence: sequence number expected next (8)                 |    8 SLOT_SEQUENCE
 *   |   Packets read (8)                                            |   16 SLOT_PACKETS
 *   |   Bytes read, captured (8)                                    |   24 SLOT_BYTES
 *   |   Packets lost to laps (8)                                    |   32 SLOT_LOST
 *   |   Laps: times the writer overtook this reader (8)             |   40 SLOT_LAPS
 *   |   Last Timestamp read, ns (8)                                 |   48 SLOT_LAST_TIMESTAMP
 *   |   Reserved (8)                                                |   56
 *   +---------------------------------------------------------------+
 *   |   Owner: pid (high 32) | start ticks (low 32); 0 = free (8)   |   64 SLOT_OWNER
 *   |   Attached at, ns; 0 until the start position is set (8)      |   72 SLOT_ATTACHED
 *   |   Name, UTF-8, NUL padded (32)                                |   80 SLOT_NAME
 *   |   Reserved (16)                                               |  112
 *   +---------------------------------------------------------------+
 *
 *   Record in the data area (8-byte aligned; never wraps around the end)
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-------------------------------+---------------+---------------+
 *   |   Length: whole record, aligned, header included (4)          |    0 REC_LENGTH
 *   +-------------------------------+-------------------------------+
 *   |          Type (2)             |         Link Type (2)         |    4 REC_TYPE, REC_LINK_TYPE
 *   +-------------------------------+-------------------------------+
 *   |                   Sequence number (8)                         |    8 REC_SEQUENCE
 *   |                   Timestamp, ns since epoch (8)               |   16 REC_TIMESTAMP
 *   +-------------------------------+-------------------------------+
 *   |         Caplen (4)            |         Wirelen (4)           |   24 REC_CAPLEN, REC_WIRELEN
 *   |  Interface (ifindex) (4)      |         Flags (4)             |   32 REC_INTERFACE, REC_FLAGS
 *   +-------------------------------+-------------------------------+
 *   |                 Caplen bytes of packet data ...               |   40 REC_DATA
 *   |                 ... zero to 7 bytes of padding                |
 *   +---------------------------------------------------------------+
 *
 *   Padding record: when a record does not fit before the end of the data area, the writer
 *   fills the rest with one record of TYPE_PADDING (only Length and Type are meaningful; it can be
 *   as short as 8 bytes) and continues at offset 0. So every lap starts with a record at a
 *   multiple of the capacity.
 * </pre>
 *
 * <h2>Positions, sequences and laps</h2>
 * Positions are absolute, monotonic 64-bit byte counts since the ring was created: the record at
 * position {@code p} lives at data offset {@code p % capacity}, and {@code p / capacity} is its
 * lap (epoch). Sequence numbers count packet records from 0 and are stored in each record, so a
 * reader that resumes after being overtaken knows exactly how many packets it missed: the
 * difference between the sequence it expected and the one it finds.
 *
 * <h2>Publication protocol (one writer)</h2>
 * <ol>
 *   <li>Claim: for a record of {@code len} bytes at position {@code P}, if {@code P + len} is
 *       beyond Intent, the writer claims a chunk ahead: it moves Tail over the old records that
 *       {@code [P, P + len + INTENT_CHUNK)} will overwrite (reading their Length fields), stores
 *       Tail, then stores {@code Intent = P + len + INTENT_CHUNK} with release semantics and issues
 *       a store-store fence. So no byte of the old lap is changed before a reader can see that
 *       Intent moved past it, and Intent's cache line changes once per chunk, not per record
 *       (readers treat data as overwritten up to a chunk early: a conservative, small loss of
 *       capacity for readers that lag by almost a whole lap).</li>
 *   <li>Write the record header and data with plain stores.</li>
 *   <li>Publish: store Packets, Bytes, Wire Bytes, Last Timestamp, then {@code Position = P + len}
 *       with release semantics. A reader that loads Position with acquire semantics sees the whole
 *       record.</li>
 *   <li>Wake: a full fence, then if Waiters is non-zero and the last wake is at least 200 us
 *       old, clear Waiters and {@code FUTEX_WAKE} the Position word. With nobody asleep the
 *       writer makes no system call; with readers asleep, at most 5000 a second.</li>
 * </ol>
 * The writer never reads reader slots and never waits for a reader.
 *
 * <h2>Reading and validation (any number of readers)</h2>
 * A reader at position {@code R} with {@code R < Position} (acquire) reads the record header (and,
 * to copy, the data) with plain loads, then issues a load-load fence and loads Intent. The bytes
 * it read are the writer's bytes for position {@code R} if and only if
 * {@code Intent - R <= capacity}: the writer only touches offset {@code R % capacity} again for
 * position {@code R + capacity}, and it raises Intent beyond that before its first store there.
 * When the check fails the reader was overtaken (a lap): it loads Intent and then Tail with
 * acquire semantics, jumps to Tail (the oldest record still intact, always a record boundary),
 * and counts {@code sequence found - sequence expected} packets as lost. A zero-copy reader
 * repeats the check after it has used the bytes; a packet that fails it is withdrawn and counted
 * as lost, never delivered as valid.
 *
 * <h2>Sleeping</h2>
 * A reader that has caught up sets its bit in Waiters with an atomic OR (a full barrier), loads
 * Position again, and if it still equals its own position sleeps in {@code FUTEX_WAIT} on the low
 * 32 bits of Position (little-endian: the word at POSITION_OFFSET), expecting that value, for at
 * most 1 ms. Either the writer's fence-then-load sees the bit, or the reader's load sees the new
 * Position; and a wake that comes before the sleep makes {@code FUTEX_WAIT} return at once because
 * the word changed. A wake the writer coalesced away (less than 200 us after the previous one) is
 * made up for by the 1 ms slice: data is seen within about 1 ms, usually within tens of us.
 *
 * <h2>Ownership</h2>
 * The writer's Owner and each reader slot's Owner hold {@code pid << 32 | start ticks}, where start
 * ticks are the process start time in 10 ms units (low 32 bits), claimed with one compare-and-set:
 * a pid reused by an unrelated process is not mistaken for the owner. An owner whose process is
 * gone is stale and may be taken over.
 *
 * <p><b>Note:</b> constants only; see {@link RingWriter} and {@link RingReader} for the code that
 * follows this protocol. Readers refuse files with another magic or version
 * ({@link RingFormatException}).
 */
public final class RingDescriptor {
    /** "PUSHRING" as a little-endian long: the bytes read P U S H R I N G in the file. */
    public static final long MAGIC = 0x474E495248535550L;
    public static final String MAGIC_TEXT = "PUSHRING";
    public static final int VERSION = 1;

    public static final int HEADER_LENGTH = 16384;
    public static final int CACHE_LINE = 64;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 8;
    public static final int HEADER_LENGTH_OFFSET = 12;
    public static final int CAPACITY_OFFSET = 16;
    public static final int CREATED_OFFSET = 24;
    public static final int MAX_RECORD_OFFSET = 32;
    public static final int SNAPLEN_OFFSET = 36;
    public static final int LINK_TYPE_OFFSET = 40;

    public static final int WRITER_OWNER_OFFSET = 64;
    public static final int WRITER_CLAIMED_OFFSET = 72;
    public static final int WRITER_TAKEOVERS_OFFSET = 80;
    public static final int WRITER_SOURCE_OFFSET = 96;
    public static final int WRITER_SOURCE_LENGTH = 32;

    public static final int POSITION_OFFSET = 128;
    public static final int INTENT_OFFSET = 136;
    public static final int TAIL_OFFSET = 144;
    public static final int PACKETS_OFFSET = 152;
    public static final int BYTES_OFFSET = 160;
    public static final int WIRE_BYTES_OFFSET = 168;
    public static final int LAST_TIMESTAMP_OFFSET = 176;

    public static final int WAITERS_OFFSET = 192;
    public static final int WAKEUPS_OFFSET = 200;

    public static final int KERNEL_RECEIVED_OFFSET = 256;
    public static final int KERNEL_DROPS_OFFSET = 264;
    public static final int INTERFACE_DROPS_OFFSET = 272;
    public static final int TRUNCATED_OFFSET = 280;
    public static final int SOURCE_RESTARTS_OFFSET = 288;

    public static final int READER_SLOTS_OFFSET = 4096;
    /** One bit each in the 64-bit Waiters word. */
    public static final int READER_SLOTS = 64;
    public static final int READER_SLOT_LENGTH = 128;

    public static final int SLOT_POSITION = 0;
    public static final int SLOT_SEQUENCE = 8;
    public static final int SLOT_PACKETS = 16;
    public static final int SLOT_BYTES = 24;
    public static final int SLOT_LOST = 32;
    public static final int SLOT_LAPS = 40;
    public static final int SLOT_LAST_TIMESTAMP = 48;
    public static final int SLOT_OWNER = 64;
    public static final int SLOT_ATTACHED = 72;
    public static final int SLOT_NAME = 80;
    public static final int SLOT_NAME_LENGTH = 32;

    public static final int REC_LENGTH = 0;
    public static final int REC_TYPE = 4;
    public static final int REC_LINK_TYPE = 6;
    public static final int REC_SEQUENCE = 8;
    public static final int REC_TIMESTAMP = 16;
    public static final int REC_CAPLEN = 24;
    public static final int REC_WIRELEN = 28;
    public static final int REC_INTERFACE = 32;
    public static final int REC_FLAGS = 36;
    public static final int REC_DATA = 40;
    public static final int REC_HEADER_LENGTH = REC_DATA;
    public static final int RECORD_ALIGNMENT = 8;
    /** The smallest padding record: Length and Type. */
    public static final int PADDING_MIN_LENGTH = 8;

    public static final short TYPE_PACKET = 1;
    public static final short TYPE_PADDING = 2;

    /** Record flag: caplen was cut to the ring's max record length by the writer. */
    public static final int FLAG_TRUNCATED = 1;
    /** Record flag: the writer inserted an 802.1Q tag (rx -V). */
    public static final int FLAG_VLAN_INSERTED = 2;

    /** Intent is claimed this far beyond the record being written (at most 1/32 of the data area). */
    public static final int INTENT_CHUNK = 64 * 1024;

    /** The smallest data area: a few maximum-size records must fit per lap. */
    public static final long MIN_CAPACITY = 64 * 1024;
    /** libpcap's largest snapshot length; records are cut to it at most. */
    public static final int MAX_CAPLEN = 262_144;

    private RingDescriptor() {
    }

    /** Record length for {@code caplen} data bytes, header and alignment included. */
    public static int recordLength(int caplen) {
        return (REC_HEADER_LENGTH + caplen + RECORD_ALIGNMENT - 1) & -RECORD_ALIGNMENT;
    }

    /** Largest record for a data area: a quarter of it (so a lap holds several), at most a full-size packet. */
    public static int maxRecordLength(long capacity) {
        return (int) Math.min(capacity / 4, recordLength(MAX_CAPLEN)) & -RECORD_ALIGNMENT;
    }

    public static long slotOffset(int slot) {
        return READER_SLOTS_OFFSET + (long) slot * READER_SLOT_LENGTH;
    }
}
