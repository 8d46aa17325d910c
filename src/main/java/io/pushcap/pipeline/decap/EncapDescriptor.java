package io.pushcap.pipeline.decap;

/**
 * Layouts of the encapsulation headers pushcap strips and the synthetic traffic generator
 * writes: Ethernet with 802.1Q/802.1ad tags, MPLS, GRE, ERSPAN I/II/III and VXLAN. All fields are
 * big-endian (network order); offsets are from the start of each header.
 *
 * <pre>
 * Ethernet II (14 bytes) and tags (4 bytes each, between the MACs and the ethertype):
 *   0      6      12           14           16
 *   | dst  | src  | TPID 8100  | PCP|D|VID  | ... | EtherType | payload
 *   TPIDs: 0x8100 (802.1Q C-tag), 0x88a8 (802.1ad S-tag), 0x9100 and 0x9200 (pre-standard QinQ)
 *
 * MPLS label stack entry (4 bytes each, until S=1):
 *    0                   1                   2                   3
 *   |                Label                  | TC  |S|      TTL      |
 *   payload after S=1: first nibble 4 = IPv4, 6 = IPv6, else Ethernet pseudowire,
 *   optionally behind a 4-byte control word whose first nibble is 0 (RFC 4385):
 *   |0 0 0 0| Flags |FRG|  Length   |        Sequence Number        |
 *
 * GRE (RFC 2784/2890; 4 bytes + optional 4-byte fields in this order):
 *   |C|R|K|S|s|Recur|A|Flags| Ver |         Protocol Type         |  0
 *   |      Checksum (if C or R)     |       Reserved1/Offset        |  4
 *   |                         Key (if K)                            |
 *   |                   Sequence Number (if S)                      |
 *   Protocol 0x0800/0x86DD: IP; 0x6558: Ethernet (GRETAP); 0x88BE: ERSPAN I (no S) or II (S);
 *   0x22EB: ERSPAN III; 0x8847: MPLS.
 *
 * ERSPAN type II (8 bytes, then the mirrored Ethernet frame):
 *   |  Ver=1|          VLAN         | COS | En|T|    Session ID     |  0
 *   |      Reserved         |                 Index                 |  4
 * ERSPAN type III (12 bytes, + 8-byte platform-specific subheader when O=1):
 *   |  Ver=2|          VLAN         | COS |BSO|T|     Session ID    |  0
 *   |                          Timestamp                            |  4
 *   |             SGT               |P|    FT   |   Hw ID   |D|Gra|O|  8
 *   FT 0 = Ethernet frame follows.
 * ERSPAN type I has no header: the Ethernet frame follows the 4-byte GRE header.
 *
 * VXLAN (RFC 7348, 8 bytes after UDP to port 4789, then the inner Ethernet frame):
 *   |R|R|R|R|I|R|R|R|            Reserved                           |  0
 *   |                VXLAN Network Identifier (VNI) |   Reserved    |  4
 * </pre>
 */
public final class EncapDescriptor {
    public static final int ETHERTYPE_IPV4 = 0x0800;
    public static final int ETHERTYPE_ARP = 0x0806;
    public static final int ETHERTYPE_VLAN = 0x8100;
    public static final int ETHERTYPE_QINQ = 0x88A8;
    public static final int ETHERTYPE_QINQ_9100 = 0x9100;
    public static final int ETHERTYPE_QINQ_9200 = 0x9200;
    public static final int ETHERTYPE_IPV6 = 0x86DD;
    public static final int ETHERTYPE_MPLS = 0x8847;
    public static final int ETHERTYPE_MPLS_MULTICAST = 0x8848;
    public static final int ETHERTYPE_TEB = 0x6558;
    public static final int ETHERTYPE_ERSPAN_I_II = 0x88BE;
    public static final int ETHERTYPE_ERSPAN_III = 0x22EB;

    public static final int ETH_DST_OFFSET = 0;
    public static final int ETH_SRC_OFFSET = 6;
    public static final int ETH_MACS_LENGTH = 12;
    public static final int ETH_TYPE_OFFSET = 12;
    public static final int ETH_HEADER_LENGTH = 14;
    public static final int TAG_LENGTH = 4;
    public static final int TAG_TCI_OFFSET = 0;
    /** Inside a tag, the ethertype (or next TPID) follows the TCI. */
    public static final int TAG_NEXT_TYPE_OFFSET = 2;

    public static final int MPLS_ENTRY_LENGTH = 4;
    public static final int MPLS_BOTTOM_OF_STACK = 0x100;
    public static final int PW_CONTROL_WORD_LENGTH = 4;

    public static final int IPPROTO_HOPOPTS = 0;
    public static final int IPPROTO_ICMP = 1;
    public static final int IPPROTO_TCP = 6;
    public static final int IPPROTO_UDP = 17;
    public static final int IPPROTO_ROUTING = 43;
    public static final int IPPROTO_FRAGMENT = 44;
    public static final int IPPROTO_GRE = 47;
    public static final int IPPROTO_ICMPV6 = 58;
    public static final int IPPROTO_DSTOPTS = 60;

    public static final int IPV4_MIN_HEADER = 20;
    public static final int IPV4_TOTAL_LENGTH_OFFSET = 2;
    public static final int IPV4_FRAGMENT_OFFSET = 6;
    public static final int IPV4_PROTOCOL_OFFSET = 9;
    public static final int IPV4_MF_OR_OFFSET_MASK = 0x3FFF;
    public static final int IPV6_HEADER = 40;
    public static final int IPV6_PAYLOAD_LENGTH_OFFSET = 4;
    public static final int IPV6_NEXT_HEADER_OFFSET = 6;

    public static final int UDP_HEADER = 8;
    public static final int UDP_DST_PORT_OFFSET = 2;
    public static final int UDP_LENGTH_OFFSET = 4;

    public static final int GRE_BASE_LENGTH = 4;
    public static final int GRE_FLAG_CHECKSUM = 0x8000;
    public static final int GRE_FLAG_ROUTING = 0x4000;
    public static final int GRE_FLAG_KEY = 0x2000;
    public static final int GRE_FLAG_SEQUENCE = 0x1000;
    public static final int GRE_VERSION_MASK = 0x0007;
    public static final int GRE_PROTOCOL_OFFSET = 2;

    public static final int ERSPAN2_HEADER = 8;
    public static final int ERSPAN3_HEADER = 12;
    public static final int ERSPAN3_PLATFORM_SUBHEADER = 8;
    public static final int ERSPAN_VERSION_II = 1;
    public static final int ERSPAN_VERSION_III = 2;
    /** Offset of the 16-bit word P|FT|HwID|D|Gra|O in a type III header. */
    public static final int ERSPAN3_FLAGS_OFFSET = 10;
    public static final int ERSPAN3_FLAG_O = 0x0001;
    public static final int ERSPAN3_FT_SHIFT = 10;
    public static final int ERSPAN3_FT_MASK = 0x1F;

    public static final int VXLAN_PORT = 4789;
    public static final int VXLAN_HEADER = 8;
    public static final int VXLAN_FLAG_I = 0x08;

    // Fields the tap encapsulators write and the tunnel receivers check (sink.tap, capture.tunnel).
    public static final int IPV4_TOS_OFFSET = 1;
    public static final int IPV4_SRC_OFFSET = 12;
    public static final int IPV6_SRC_OFFSET = 8;
    public static final int GRE_OPTION_LENGTH = 4;
    /** ERSPAN II/III first 16-bit word: Ver (4 bits) and VLAN (12 bits). */
    public static final int ERSPAN_VERSION_SHIFT = 12;
    public static final int ERSPAN_VLAN_MASK = 0x0FFF;
    /** ERSPAN II/III second 16-bit word (offset 2): COS (3), En/BSO (2), T (1), Session ID (10). */
    public static final int ERSPAN_SESSION_WORD_OFFSET = 2;
    public static final int ERSPAN_COS_SHIFT = 13;
    public static final int ERSPAN_EN_SHIFT = 11;
    public static final int ERSPAN_FLAG_T = 0x0400;
    public static final int ERSPAN_SESSION_MASK = 0x03FF;
    /** En = 3: the mirrored frame keeps its VLAN tag ("in frame"), as Linux marks tagged frames. */
    public static final int ERSPAN_EN_INFRAME = 3;
    public static final int ERSPAN2_INDEX_OFFSET = 4;
    public static final int ERSPAN2_INDEX_MASK = 0xFFFFF;
    public static final int ERSPAN3_TIMESTAMP_OFFSET = 4;
    public static final int ERSPAN3_SGT_OFFSET = 8;
    /** P = 1: an Ethernet PDU follows (with FT 0). */
    public static final int ERSPAN3_FLAG_P = 0x8000;
    public static final int ERSPAN3_BSO_SHORT = 1;
    public static final int ERSPAN3_BSO_OVERSIZED = 2;
    /** Timestamp granularity 00: units of 100 microseconds (what Linux writes). */
    public static final long ERSPAN3_TIMESTAMP_UNIT_NANOS = 100_000L;
    public static final int VXLAN_VNI_OFFSET = 4;

    private EncapDescriptor() {
    }
}
