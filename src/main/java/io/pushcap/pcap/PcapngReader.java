package io.pushcap.pcap;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

import static io.pushcap.pcap.PcapngDescriptor.*;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * Reads pcapng: any number of sections (each with its own byte order) and interfaces, with
 * per-interface timestamp resolution ({@code if_tsresol}) and offset ({@code if_tsoffset}).
 * Enhanced, simple and obsolete packet blocks yield packets; other blocks are skipped.
 *
 * <p>Lengths follow the pcap rule ({@link PcapReader}): a captured length above libpcap's maximum
 * for the interface's link type is damage (tcpdump and tshark stop there too); one above the
 * interface's snapshot length is returned cut to it. (libpcap 1.10 refuses such a record, and any
 * file whose interfaces differ in link type or snaplen; tshark keeps it whole. Cutting it keeps
 * every packet, and a pcap output written with that snaplen reads back the same under tcpdump.)
 *
 * <p><b>Note:</b> not thread-safe; see {@link CaptureReader} for buffer ownership. The packet's
 * interface id is the IDB index within its section.
 */
public final class PcapngReader implements CaptureReader {
    private final InputWindow in;
    private final List<Interface> interfaces = new ArrayList<>();
    private boolean swapped;
    private long records;
    private int firstLinkType = -1;
    private int firstSnaplen;

    /** Timestamp conversion for one interface: units per second as 10^-e or 2^-e, plus an offset. */
    private record Interface(int linkType, int snaplen, boolean binary, int exponent, long offsetSeconds) {
        /** The captured length as read: damage above the link type's maximum, cut to the snaplen. */
        int cut(int caplen, PcapngReader r) {
            int max = LinkType.maxSnaplen(linkType);
            if (caplen > max) {
                throw r.corrupt("packet captured length " + caplen + " exceeds the maximum " + max + " for link type "
                        + LinkType.name(linkType) + " (tcpdump and tshark stop reading there too)");
            }
            return Math.min(caplen, LinkType.effectiveSnaplen(linkType, snaplen));
        }

        long toNanos(long units) {
            long ns;
            if (!binary) {
                ns = exponent <= 9 ? units * POW10[9 - exponent] : units / POW10[exponent - 9];
            } else if (exponent <= 30) {
                ns = (units >>> exponent) * 1_000_000_000L + (((units & ((1L << exponent) - 1)) * 1_000_000_000L) >>> exponent);
            } else {
                ns = new BigInteger(Long.toUnsignedString(units)).multiply(BigInteger.valueOf(1_000_000_000L))
                        .shiftRight(exponent).longValue();
            }
            return ns + offsetSeconds * 1_000_000_000L;
        }
    }

    private static final long[] POW10 = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L,
            100_000_000L, 1_000_000_000L, 10_000_000_000L, 100_000_000_000L, 1_000_000_000_000L,
            10_000_000_000_000L, 100_000_000_000_000L, 1_000_000_000_000_000L, 1_000_000_000_000_000_000L};

    PcapngReader(InputWindow in) throws IOException {
        this.in = in;
        if (!in.ensure(SHB_MIN_LENGTH) || in.segment().get(JAVA_INT_UNALIGNED, in.position()) != SHB_TYPE) {
            throw corrupt("a pcapng file must start with a Section Header Block");
        }
        // Read up to the first interface so linkType() is known before the first packet.
        while (firstLinkType < 0 && readBlock(null)) {
            // keep reading metadata blocks
        }
    }

    private int i32(MemorySegment s, long off) {
        int v = s.get(JAVA_INT_UNALIGNED, off);
        return swapped ? Integer.reverseBytes(v) : v;
    }

    private int u16(MemorySegment s, long off) {
        short v = s.get(JAVA_SHORT_UNALIGNED, off);
        return (swapped ? Short.reverseBytes(v) : v) & 0xffff;
    }

    private long i64(MemorySegment s, long off) {
        long v = s.get(JAVA_LONG_UNALIGNED, off);
        return swapped ? Long.reverseBytes(v) : v;
    }

    @Override
    public boolean next(Packet packet) throws IOException {
        while (true) {
            long before = records;
            if (!readBlock(packet)) {
                return false;
            }
            if (records != before) {
                return true;
            }
        }
    }

    /**
     * Reads one block. Packet blocks fill {@code packet} (when non-null; a null packet stops
     * before a packet block). Returns false at the clean end of input.
     */
    private boolean readBlock(Packet packet) throws IOException {
        if (!in.ensure(8)) {
            if (in.available() == 0) {
                return false;
            }
            throw corrupt("truncated block header: " + in.available() + " of 8 bytes");
        }
        MemorySegment s = in.segment();
        long p = in.position();
        int type = s.get(JAVA_INT_UNALIGNED, p);
        if (type == SHB_TYPE) {
            if (!in.ensure(12)) {
                throw corrupt("truncated Section Header Block");
            }
            s = in.segment();
            p = in.position();
            int bom = s.get(JAVA_INT_UNALIGNED, p + SHB_BYTE_ORDER_OFFSET);
            if (bom == BYTE_ORDER_MAGIC) {
                swapped = false;
            } else if (bom == BYTE_ORDER_MAGIC_SWAPPED) {
                swapped = true;
            } else {
                throw corrupt(String.format("bad pcapng byte-order magic 0x%08x", bom));
            }
        } else {
            type = i32(s, p);
        }
        if (packet == null && isPacketBlock(type)) {
            return false;
        }
        int length = i32(s, p + BLOCK_LENGTH_OFFSET);
        if (length < BLOCK_MIN_LENGTH || (length & 3) != 0 || length > MAX_BLOCK) {
            throw corrupt("block type 0x" + Integer.toHexString(type) + " has invalid total length "
                    + Integer.toUnsignedString(length));
        }
        if (!in.ensure(length)) {
            throw corrupt("truncated block: type 0x" + Integer.toHexString(type) + " says " + length
                    + " bytes, " + in.available() + " remain");
        }
        s = in.segment();
        p = in.position();
        if (i32(s, p + length - 4) != length) {
            throw corrupt("block trailer length " + Integer.toUnsignedString(i32(s, p + length - 4))
                    + " does not match header length " + length);
        }
        switch (type) {
            case SHB_TYPE -> section(s, p, length);
            case IDB_TYPE -> describeInterface(s, p, length);
            case EPB_TYPE -> enhanced(packet, s, p, length);
            case SPB_TYPE -> simple(packet, s, p, length);
            case PB_TYPE -> obsolete(packet, s, p, length);
            default -> {
                // Unknown or uninteresting block: skipped by its length.
            }
        }
        in.position(p + length);
        return true;
    }

    private static boolean isPacketBlock(int type) {
        return type == EPB_TYPE || type == SPB_TYPE || type == PB_TYPE;
    }

    private void section(MemorySegment s, long p, int length) {
        if (length < SHB_MIN_LENGTH) {
            throw corrupt("Section Header Block of " + length + " bytes is shorter than " + SHB_MIN_LENGTH);
        }
        int major = u16(s, p + SHB_MAJOR_OFFSET);
        if (major != VERSION_MAJOR) {
            throw corrupt("pcapng major version " + major + " is not supported (expected 1)");
        }
        interfaces.clear();
    }

    private void describeInterface(MemorySegment s, long p, int length) {
        if (length < IDB_MIN_LENGTH) {
            throw corrupt("Interface Description Block of " + length + " bytes is shorter than " + IDB_MIN_LENGTH);
        }
        int linkType = u16(s, p + IDB_LINKTYPE_OFFSET);
        int snaplen = i32(s, p + IDB_SNAPLEN_OFFSET);
        boolean binary = false;
        int exponent = 6;
        long offsetSeconds = 0;
        long o = p + IDB_OPTIONS_OFFSET;
        long end = p + length - 4;
        while (o + 4 <= end) {
            int code = u16(s, o);
            int len = u16(s, o + 2);
            if (code == OPT_ENDOFOPT) {
                break;
            }
            if (o + 4 + len > end) {
                throw corrupt("interface option " + code + " of " + len + " bytes overruns its block");
            }
            if (code == OPT_IF_TSRESOL && len >= 1) {
                int v = s.get(java.lang.foreign.ValueLayout.JAVA_BYTE, o + 4) & 0xff;
                binary = (v & 0x80) != 0;
                exponent = v & 0x7f;
                if ((!binary && exponent > 18) || (binary && exponent > 63)) {
                    throw corrupt("unsupported if_tsresol 0x" + Integer.toHexString(v));
                }
            } else if (code == OPT_IF_TSOFFSET && len >= 8) {
                offsetSeconds = i64(s, o + 4);
            }
            o += 4 + pad4(len);
        }
        interfaces.add(new Interface(linkType, snaplen, binary, exponent, offsetSeconds));
        if (firstLinkType < 0) {
            firstLinkType = linkType;
            firstSnaplen = LinkType.effectiveSnaplen(linkType, snaplen);
        }
    }

    private Interface iface(int id) {
        if (id < 0 || id >= interfaces.size()) {
            throw corrupt("packet refers to interface " + Integer.toUnsignedString(id) + " but the section has "
                    + interfaces.size());
        }
        return interfaces.get(id);
    }

    private void enhanced(Packet packet, MemorySegment s, long p, int length) {
        if (length < EPB_MIN_LENGTH) {
            throw corrupt("Enhanced Packet Block of " + length + " bytes is shorter than " + EPB_MIN_LENGTH);
        }
        int id = i32(s, p + EPB_INTERFACE_OFFSET);
        Interface itf = iface(id);
        int caplen = i32(s, p + EPB_CAPLEN_OFFSET);
        if (caplen < 0 || EPB_DATA_OFFSET + (long) pad4(caplen) + 4 > length) {
            throw corrupt("packet captured length " + Integer.toUnsignedString(caplen) + " overruns its "
                    + length + "-byte block");
        }
        caplen = itf.cut(caplen, this);
        long units = ((long) i32(s, p + EPB_TS_HIGH_OFFSET) << 32) | (i32(s, p + EPB_TS_LOW_OFFSET) & 0xffffffffL);
        packet.set(s, p + EPB_DATA_OFFSET, caplen, i32(s, p + EPB_WIRELEN_OFFSET), itf.toNanos(units), itf.linkType(), id);
        records++;
    }

    private void obsolete(Packet packet, MemorySegment s, long p, int length) {
        if (length < EPB_MIN_LENGTH) {
            throw corrupt("Packet Block of " + length + " bytes is shorter than " + EPB_MIN_LENGTH);
        }
        int id = u16(s, p + PB_INTERFACE_OFFSET);
        Interface itf = iface(id);
        int caplen = i32(s, p + EPB_CAPLEN_OFFSET);
        if (caplen < 0 || PB_DATA_OFFSET + (long) pad4(caplen) + 4 > length) {
            throw corrupt("packet captured length " + Integer.toUnsignedString(caplen) + " overruns its "
                    + length + "-byte block");
        }
        caplen = itf.cut(caplen, this);
        long units = ((long) i32(s, p + EPB_TS_HIGH_OFFSET) << 32) | (i32(s, p + EPB_TS_LOW_OFFSET) & 0xffffffffL);
        packet.set(s, p + PB_DATA_OFFSET, caplen, i32(s, p + EPB_WIRELEN_OFFSET), itf.toNanos(units), itf.linkType(), id);
        records++;
    }

    private void simple(Packet packet, MemorySegment s, long p, int length) {
        if (length < SPB_MIN_LENGTH) {
            throw corrupt("Simple Packet Block of " + length + " bytes is shorter than " + SPB_MIN_LENGTH);
        }
        Interface itf = iface(0);
        int wirelen = i32(s, p + SPB_WIRELEN_OFFSET);
        long body = length - SPB_MIN_LENGTH;
        long caplen = Math.min(wirelen & 0xffffffffL, body);
        if (itf.snaplen() > 0) {
            caplen = Math.min(caplen, itf.snaplen());
        }
        // A simple packet block has no timestamp: pcapng says it is unknown; we report 0.
        packet.set(s, p + SPB_DATA_OFFSET, (int) caplen, wirelen, 0L, itf.linkType(), 0);
        records++;
    }

    private CorruptCaptureException corrupt(String problem) {
        return new CorruptCaptureException(in.name(), in.absolutePosition(), records, problem);
    }

    @Override
    public int linkType() {
        return firstLinkType < 0 ? LinkType.ETHERNET : firstLinkType;
    }

    @Override
    public int snaplen() {
        return firstSnaplen;
    }

    /** Interfaces described in the current section so far. */
    public int interfaceCount() {
        return interfaces.size();
    }

    @Override
    public long recordsRead() {
        return records;
    }

    @Override
    public long bytesRead() {
        return in.absolutePosition();
    }

    @Override
    public long sizeHint() {
        return in.size();
    }

    @Override
    public String name() {
        return in.name();
    }

    @Override
    public String format() {
        return "pcapng";
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
