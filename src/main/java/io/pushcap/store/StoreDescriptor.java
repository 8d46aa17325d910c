package io.pushcap.store;

import java.nio.charset.StandardCharsets;

/**
 * On-disk layout of the capture store: the directory tree, the chunk {@code index} and the
 * {@code head} of a capture. All binary fields are little-endian, whatever the host.
 *
 * <pre>
 *   STORE/                         --store DIR, $PUSHCAP_STORE, or ./store
 *     .lock                        fcntl lock held while retention rescans and deletes
 *     retention.log                one text line per chunk deleted by retention (audit, survives restarts)
 *     NAME/                        one capture, e.g. capture1_20210521_0101
 *       capture.meta               text: "pushcap-capture 1", then key=value lines (ring, created)
 *       lock                       fcntl lock held by the recorder while it records (liveness)
 *       index                      sealed chunks, one fixed-size entry each (below)
 *       head                       the open chunk: what readers may see of it (below)
 *       000000000001.pcap          sealed chunk: a complete pcap (ns) file, tcpdump -r reads it
 *       000000000002.pcap.pending  the open chunk, growing; readable up to head.VisibleLength
 * </pre>
 *
 * <h2>index</h2>
 * <pre>
 *   Header, 64 bytes:
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +---------------------------------------------------------------+
 *   |                  Magic "PUSHCAPI" (8 bytes)                   |  0
 *   +---------------------------------------------------------------+
 *   |                        Version (1)                            |  8
 *   +---------------------------------------------------------------+
 *   |                     Header Length (64)                        | 12
 *   +---------------------------------------------------------------+
 *   |                     Entry Length (128)                        | 16
 *   +---------------------------------------------------------------+
 *   |                   Link Type  |  Snaplen                       | 20, 24
 *   +---------------------------------------------------------------+
 *   |   Reserved (4)  |  Created (ns since the epoch, 8)            | 28, 32
 *   +---------------------------------------------------------------+
 *   |           Reserved (20)                   |    CRC32C         | 40, 60 (over bytes 0..59)
 *   +---------------------------------------------------------------+
 *
 *   Entry, 128 bytes, appended (and fsynced) after its chunk was renamed into place:
 *   +---------------------------------------------------------------+
 *   |  Chunk Sequence (8)          |  First Packet Sequence (8)     |  0,  8
 *   |  Stream Offset (8)           |  Packets (8)                   | 16, 24
 *   |  Bytes: chunk file size (8)  |  First Timestamp ns (8)        | 32, 40
 *   |  Last Timestamp ns (8)       |  Min Timestamp ns (8)          | 48, 56
 *   |  Max Timestamp ns (8)        |  Lost Packets (8)              | 64, 72
 *   |  Sealed At, wall ns (8)      |  Flags (4)  | Reserved (4)     | 80, 88, 92
 *   |  File Name, ASCII, NUL-padded (24)                            | 96
 *   |  Reserved (4)                |  CRC32C over bytes 0..123 (4)  | 120, 124
 *   +---------------------------------------------------------------+
 * </pre>
 * Chunk Sequence counts from 1 and names the file ({@code %012d.pcap}). First Packet Sequence is
 * the capture-wide number of the chunk's first packet (the first packet of a capture is 0);
 * Stream Offset is the capture-wide offset of its first record in the concatenation of all
 * records (pcap file headers excluded). Both are kept for chunks that retention deleted, so a
 * reader's position in a deleted chunk still converts to an exact count of packets missed.
 * Lost Packets are the ring's packets lost (writer laps) while this chunk was open. Entries are
 * never rewritten; a chunk deleted by retention keeps its entry, its file is gone. A torn last
 * entry (crash while appending) fails its CRC and is cut off by recovery, which then rebuilds it
 * from the sealed file.
 *
 * <h2>head</h2>
 * <pre>
 *   1024 bytes: two slots of 192 bytes at offsets 0 and 512 (different disk sectors). The recorder
 *   writes the slot the current generation does not occupy; a reader takes the valid slot (magic,
 *   version, CRC) with the higher generation. A write torn by a crash or seen half-done by a
 *   concurrent reader fails its CRC, and the other slot, one generation older, is used.
 *   +---------------------------------------------------------------+
 *   |  Magic "PUSHCAPH" (8)        |  Version (4) | State (4)       |  0,  8, 12
 *   |  Generation (8)              |  Open Chunk Sequence (8)       | 16, 24
 *   |  Open First Packet Seq (8)   |  Open Stream Offset (8)        | 32, 40
 *   |  Visible Length (8)          |  Visible Packets (8)           | 48, 56
 *   |  First Timestamp ns (8)      |  Last Timestamp ns (8)         | 64, 72
 *   |  Min Timestamp ns (8)        |  Max Timestamp ns (8)          | 80, 88
 *   |  Ring Position (8)           |  Ring Sequence (8)             | 96, 104
 *   |  Ring Lost Packets, total (8)|  Updated At, wall ns (8)       | 112, 120
 *   |  Recorder PID (8)            |  Open Chunk Lost Packets (8)   | 128, 136
 *   |  Reserved (44)                              | CRC32C (4)      | 144, 188 (over bytes 0..187)
 *   +---------------------------------------------------------------+
 * </pre>
 * State is 1 while recording (or after a crash while recording) and 2 once the recorder closed
 * the capture cleanly. Visible Length is how many bytes of the open chunk a reader may read: 0
 * when its file does not exist yet, else the end of the last record written and flushed (always
 * a record boundary, never more than the file holds). Ring Position and Ring Sequence are where
 * the recorder's ring reader stood after the last visible record: a restarted recorder truncates
 * the open chunk to Visible Length and continues the ring exactly there, so nothing is written
 * twice and a gap (data the ring overwrote meanwhile) is counted exactly by the ring reader.
 *
 * <p><b>Note:</b> constants only; thread-safe.
 */
public final class StoreDescriptor {
    public static final int VERSION = 1;

    public static final String META_FILE = "capture.meta";
    public static final String INDEX_FILE = "index";
    public static final String HEAD_FILE = "head";
    public static final String LOCK_FILE = "lock";
    public static final String STORE_LOCK_FILE = ".lock";
    public static final String RETENTION_LOG = "retention.log";
    public static final String CHUNK_SUFFIX = ".pcap";
    public static final String PENDING_SUFFIX = ".pending";
    public static final String META_MAGIC_LINE = "pushcap-capture";

    // index header
    public static final long INDEX_MAGIC = magic("PUSHCAPI");
    public static final int INDEX_HEADER_LENGTH = 64;
    public static final int IDX_MAGIC_OFFSET = 0;
    public static final int IDX_VERSION_OFFSET = 8;
    public static final int IDX_HEADER_LENGTH_OFFSET = 12;
    public static final int IDX_ENTRY_LENGTH_OFFSET = 16;
    public static final int IDX_LINK_TYPE_OFFSET = 20;
    public static final int IDX_SNAPLEN_OFFSET = 24;
    public static final int IDX_CREATED_OFFSET = 32;
    public static final int IDX_HEADER_CRC_OFFSET = 60;

    // index entry
    public static final int ENTRY_LENGTH = 128;
    public static final int E_CHUNK_SEQ = 0;
    public static final int E_FIRST_PACKET_SEQ = 8;
    public static final int E_STREAM_OFFSET = 16;
    public static final int E_PACKETS = 24;
    public static final int E_BYTES = 32;
    public static final int E_FIRST_TS = 40;
    public static final int E_LAST_TS = 48;
    public static final int E_MIN_TS = 56;
    public static final int E_MAX_TS = 64;
    public static final int E_LOST = 72;
    public static final int E_SEALED_AT = 80;
    public static final int E_FLAGS = 88;
    public static final int E_NAME = 96;
    public static final int E_NAME_LENGTH = 24;
    public static final int E_CRC = 124;

    /** Entry flag: sealed by crash recovery, not by the recorder that wrote it. */
    public static final int FLAG_RECOVERED = 1;
    /** Entry flag: recovery cut a torn or unpublished tail off this chunk. */
    public static final int FLAG_TRUNCATED = 2;

    // head
    public static final long HEAD_MAGIC = magic("PUSHCAPH");
    public static final int HEAD_FILE_LENGTH = 1024;
    public static final int HEAD_SLOT_LENGTH = 192;
    public static final int HEAD_SLOT_STRIDE = 512;
    public static final int H_MAGIC = 0;
    public static final int H_VERSION = 8;
    public static final int H_STATE = 12;
    public static final int H_GENERATION = 16;
    public static final int H_OPEN_CHUNK_SEQ = 24;
    public static final int H_OPEN_FIRST_PACKET_SEQ = 32;
    public static final int H_OPEN_STREAM_OFFSET = 40;
    public static final int H_VISIBLE_LENGTH = 48;
    public static final int H_VISIBLE_PACKETS = 56;
    public static final int H_FIRST_TS = 64;
    public static final int H_LAST_TS = 72;
    public static final int H_MIN_TS = 80;
    public static final int H_MAX_TS = 88;
    public static final int H_RING_POSITION = 96;
    public static final int H_RING_SEQUENCE = 104;
    public static final int H_RING_LOST = 112;
    public static final int H_UPDATED_AT = 120;
    public static final int H_PID = 128;
    public static final int H_OPEN_LOST = 136;
    public static final int H_CRC = 188;

    public static final int STATE_RECORDING = 1;
    public static final int STATE_FINISHED = 2;

    private StoreDescriptor() {
    }

    /** The file name of chunk {@code seq}: {@code 000000000042.pcap}. */
    public static String chunkName(long seq) {
        return String.format("%012d%s", seq, CHUNK_SUFFIX);
    }

    /** Eight ASCII characters as a little-endian 64-bit word (reads as the text in a hex dump). */
    static long magic(String eight) {
        byte[] b = eight.getBytes(StandardCharsets.US_ASCII);
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[i] & 0xff);
        }
        return v;
    }
}
