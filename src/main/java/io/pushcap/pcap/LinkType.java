package io.pushcap.pcap;

/**
 * The LINKTYPE numbers pushcap handles by name (tcpdump.org/linktypes.html), and their mapping
 * to the DLT numbers libpcap's filter compiler takes.
 *
 * <p>Capture files store LINKTYPE values; libpcap's API ({@code pcap_open_dead},
 * {@code pcap_compile}) takes DLT values. Most are equal, but a few LINKTYPEs were given new
 * numbers because the DLT ones differ between systems: LINKTYPE_RAW 101 is DLT_RAW 12 on Linux.
 * {@link #toDlt(int)} is libpcap's {@code linktype_to_dlt} (pcap-common.c, 1.10) for Linux.
 */
public final class LinkType {
    public static final int NULL = 0;
    public static final int ETHERNET = 1;
    public static final int RAW = 101;
    public static final int LOOP = 108;
    public static final int LINUX_SLL = 113;
    public static final int IPV4 = 228;
    public static final int IPV6 = 229;
    public static final int LINUX_SLL2 = 276;

    public static final int ATM_RFC1483 = 100;
    public static final int SLIP_BSDOS = 102;
    public static final int PPP_BSDOS = 103;
    public static final int PFSYNC = 246;
    public static final int PKTAP = 258;

    /** LINKTYPEs from here up to {@link #MATCHING_MAX} have the same number as their DLT. */
    static final int MATCHING_MIN = 104;
    static final int MATCHING_MAX = 289;

    /** The Linux DLT values of the LINKTYPEs whose numbers differ (pcap/dlt.h). */
    private static final int DLT_ATM_RFC1483 = 11;
    private static final int DLT_RAW = 12;
    private static final int DLT_SLIP_BSDOS = 15;
    private static final int DLT_PPP_BSDOS = 16;
    private static final int DLT_ATM_CLIP = 19;
    /** LINKTYPE_ATM_CLIP: in the matching range, so it maps back to 106, not 19 (as in libpcap). */
    static final int ATM_CLIP = 106;

    private LinkType() {
    }

    /**
     * The DLT value libpcap compiles filters for, given a file's LINKTYPE value, as libpcap maps
     * it when it opens a file: 100 to 11, 101 to 12, 102 to 15, 103 to 16; PFSYNC (246) and PKTAP
     * (258) keep their numbers on Linux, as do the matching range 104..289 and every other value.
     */
    public static int toDlt(int linkType) {
        if (linkType == PFSYNC || linkType == PKTAP) {
            return linkType; // DLT_PFSYNC and DLT_PKTAP are 246 and 258 except on OpenBSD and macOS
        }
        if (linkType >= MATCHING_MIN && linkType <= MATCHING_MAX) {
            return linkType;
        }
        return switch (linkType) {
            case ATM_RFC1483 -> DLT_ATM_RFC1483;
            case RAW -> DLT_RAW;
            case SLIP_BSDOS -> DLT_SLIP_BSDOS;
            case PPP_BSDOS -> DLT_PPP_BSDOS;
            default -> linkType;
        };
    }

    /**
     * libpcap's largest sane captured length for a link type ({@code max_snaplen_for_dlt}):
     * 128 MiB for D-Bus (231), 8 MiB for EBHSCR (279), 1 MiB for USBPcap (249), else 262144.
     * A record longer than this is damage to libpcap, tcpdump and tshark alike.
     */
    public static int maxSnaplen(int linkType) {
        return switch (toDlt(linkType)) {
            case 231 -> 128 * 1024 * 1024;
            case 279 -> 8 * 1024 * 1024;
            case 249 -> 1024 * 1024;
            default -> PcapDescriptor.MAX_SNAPLEN;
        };
    }

    /**
     * The snapshot length libpcap reads a file with ({@code pcap_adjust_snapshot}): the header's,
     * unless it is 0, negative (above 2^31 unsigned) or above {@link #maxSnaplen(int)}, which
     * then applies.
     */
    public static int effectiveSnaplen(int linkType, int headerSnaplen) {
        int max = maxSnaplen(linkType);
        return headerSnaplen <= 0 || headerSnaplen > max ? max : headerSnaplen;
    }

    /**
     * The LINKTYPE value to store in a file for a DLT value a live capture reports
     * ({@code pcap_datalink}), as libpcap's {@code dlt_to_linktype} does on Linux: DLT_RAW 12 is
     * LINKTYPE_RAW 101, 11 is 100, 15 is 102, 16 is 103, DLT_ATM_CLIP 19 is 106; the rest keep their
     * number. The inverse of {@link #toDlt(int)} for the values a Linux capture can report.
     */
    public static int fromDlt(int dlt) {
        return switch (dlt) {
            case DLT_ATM_RFC1483 -> ATM_RFC1483;
            case DLT_RAW -> RAW;
            case DLT_SLIP_BSDOS -> SLIP_BSDOS;
            case DLT_PPP_BSDOS -> PPP_BSDOS;
            case DLT_ATM_CLIP -> ATM_CLIP;
            default -> dlt;
        };
    }

    public static String name(int linkType) {
        return switch (linkType) {
            case NULL -> "NULL";
            case ETHERNET -> "EN10MB";
            case RAW -> "RAW";
            case LOOP -> "LOOP";
            case LINUX_SLL -> "LINUX_SLL";
            case IPV4 -> "IPV4";
            case IPV6 -> "IPV6";
            case LINUX_SLL2 -> "LINUX_SLL2";
            default -> "LINKTYPE_" + linkType;
        };
    }
}
