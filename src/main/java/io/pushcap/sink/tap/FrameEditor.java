package io.pushcap.sink.tap;

import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.Packet;

import java.lang.foreign.MemorySegment;

import static io.pushcap.pipeline.decap.EncapDescriptor.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * Edits each packet on its way into the send buffer, in one copy: removes the outermost VLAN tag
 * ({@code --strip-vlan}), inserts an 802.1Q tag as the outermost one ({@code -V}; strip then
 * insert retags), and truncates to the snap length ({@code -s}). For plain GRE it instead keeps
 * only the IP packet after the Ethernet header and its tags, and remembers its ethertype for
 * GRE's protocol field.
 *
 * <p>Two steps per packet: {@link #plan(Packet)} decides the output length (so the caller can
 * check the size and the rate cap before reserving room), then {@link #copy} writes it.
 *
 * <p><b>Note:</b> not thread-safe; a flyweight holding the decisions about the last planned
 * packet. Never reads beyond the packet's captured bytes.
 */
final class FrameEditor {
    /** {@link #plan} results for packets that cannot be sent. */
    static final int NOT_ETHERNET = -1;
    static final int NOT_IP = -2;

    private final boolean ipPayload;
    private final int vlan;
    private final boolean stripVlan;
    private final int snaplen;
    private final byte[] tag;

    private int srcFrom;
    private boolean insert;
    private boolean strip;
    private int length;
    private int etherType;
    private boolean truncated;
    private boolean shortened;

    /**
     * @param ipPayload keep only the IP packet (gre)
     * @param vlan      tag to insert, -1 for none
     * @param snaplen   bytes to keep, 0 for all
     */
    FrameEditor(boolean ipPayload, int vlan, boolean stripVlan, int snaplen) {
        this.ipPayload = ipPayload;
        this.vlan = vlan;
        this.stripVlan = stripVlan;
        this.snaplen = snaplen;
        this.tag = new byte[] {(byte) (ETHERTYPE_VLAN >>> 8), (byte) ETHERTYPE_VLAN, (byte) (vlan >>> 8 & 0x0F),
                (byte) vlan};
    }

    /** Decides how {@code p} will be sent; returns the output length, or {@link #NOT_ETHERNET} / {@link #NOT_IP}. */
    int plan(Packet p) {
        return ipPayload ? planIp(p) : planFrame(p);
    }

    private int planFrame(Packet p) {
        int cap = p.caplen();
        if (p.linkType() != LinkType.ETHERNET || cap < ETH_HEADER_LENGTH) {
            return NOT_ETHERNET;
        }
        strip = stripVlan && cap >= ETH_HEADER_LENGTH + TAG_LENGTH && isTag(p.u16(ETH_TYPE_OFFSET));
        insert = vlan >= 0;
        int delta = (insert ? TAG_LENGTH : 0) - (strip ? TAG_LENGTH : 0);
        srcFrom = strip ? ETH_MACS_LENGTH + TAG_LENGTH : ETH_MACS_LENGTH;
        etherType = p.u16(ETH_TYPE_OFFSET);
        return finish(cap + delta, Math.max(p.wirelen(), cap) + delta);
    }

    private int planIp(Packet p) {
        int cap = p.caplen();
        int l3;
        int lt = p.linkType();
        if (lt == LinkType.ETHERNET) {
            if (cap < ETH_HEADER_LENGTH) {
                return NOT_ETHERNET;
            }
            int at = ETH_TYPE_OFFSET;
            while (isTag(p.u16(at)) && at + TAG_LENGTH + 2 <= cap) {
                at += TAG_LENGTH;
            }
            etherType = p.u16(at);
            l3 = at + 2;
        } else if (lt == LinkType.RAW || lt == LinkType.IPV4 || lt == LinkType.IPV6) {
            l3 = 0;
            int version = cap > 0 ? p.u8(0) >>> 4 : 0;
            etherType = version == 4 ? ETHERTYPE_IPV4 : version == 6 ? ETHERTYPE_IPV6 : 0;
        } else {
            return NOT_ETHERNET;
        }
        if ((etherType != ETHERTYPE_IPV4 && etherType != ETHERTYPE_IPV6) || l3 >= cap) {
            return NOT_IP;
        }
        strip = false;
        insert = false;
        srcFrom = l3;
        return finish(cap - l3, Math.max(p.wirelen(), cap) - l3);
    }

    private int finish(int out, int wire) {
        truncated = snaplen > 0 && out > snaplen;
        length = truncated ? snaplen : out;
        shortened = length < wire;
        return length;
    }

    /** Writes the planned output of {@code p} at {@code at} in {@code dst}. */
    void copy(Packet p, MemorySegment dst, long at) {
        MemorySegment src = p.segment();
        long base = p.offset();
        if (ipPayload) {
            MemorySegment.copy(src, base + srcFrom, dst, at, length);
            return;
        }
        int left = length;
        int head = Math.min(ETH_MACS_LENGTH, left);
        MemorySegment.copy(src, base, dst, at, head);
        long o = at + head;
        left -= head;
        if (insert && left > 0) {
            int n = Math.min(TAG_LENGTH, left);
            for (int i = 0; i < n; i++) {
                dst.set(JAVA_BYTE, o + i, tag[i]);
            }
            o += n;
            left -= n;
        }
        if (left > 0) {
            MemorySegment.copy(src, base + srcFrom, dst, o, left);
        }
    }

    /** The length {@link #plan} returned. */
    int length() {
        return length;
    }

    /** Ethertype of the IP packet (gre), or the frame's first ethertype/TPID before edits. */
    int etherType() {
        return etherType;
    }

    /** True when the snap length cut the packet. */
    boolean truncated() {
        return truncated;
    }

    /** True when less is sent than the packet had on the wire (snap length here, or at capture). */
    boolean shortened() {
        return shortened;
    }

    static boolean isTag(int type) {
        return type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_9100
                || type == ETHERTYPE_QINQ_9200;
    }
}
