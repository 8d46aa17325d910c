package io.pushcap.capture;

import io.pushcap.PushcapException;
import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.Packet;
import io.pushcap.ring.RingDescriptor;
import io.pushcap.ring.RingWriter;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * Writes captured frames into a ring, editing them on the way as fluxcap's rx does: {@code -V}
 * inserts an 802.1Q tag as the outermost tag (after the MAC addresses, before any tag already
 * there) and {@code -s} truncates the frame as stored. Both happen while copying into the ring's
 * claimed record: no intermediate buffer.
 *
 * <p>With a tag inserted, wirelen grows by 4, as the frame would be on a tagged link; truncation
 * cuts caplen only, after the insertion. Frames of other link types, or shorter than the two MAC
 * addresses, are stored without a tag.
 *
 * <p><b>Note:</b> not thread-safe; used by the ring's single writer thread. The packet's bytes are
 * read during {@link #write(Packet, int)} only. Written frames reach readers at {@link #publish()},
 * which the receiver calls once per batch it got from the kernel.
 */
public final class RingFrameWriter {
    private static final int MACS = 12;
    private static final int TAG = 4;

    private final RingWriter writer;
    private final int vlan;
    private final int snaplen;
    private final byte tci0;
    private final byte tci1;

    /**
     * @param vlan VLAN id 0..4095 to insert, or -1 for none
     * @param snaplen bytes to keep per frame, or 0 for all
     */
    public RingFrameWriter(RingWriter writer, int vlan, int snaplen) {
        if (vlan < -1 || vlan > 4095) {
            throw new PushcapException("-V: " + vlan + " (expected a VLAN id 0..4095)");
        }
        if (snaplen < 0) {
            throw new PushcapException("-s: " + snaplen + " (expected a positive snapshot length)");
        }
        this.writer = writer;
        this.vlan = vlan;
        this.snaplen = snaplen;
        this.tci0 = (byte) (vlan >>> 8 & 0x0f);
        this.tci1 = (byte) vlan;
    }

    /** Stores one frame, unpublished until {@link #publish()}; {@code ifIndex} names the interface it came from. */
    public void write(Packet p, int ifIndex) {
        boolean tag = vlan >= 0 && p.linkType() == LinkType.ETHERNET && p.caplen() >= MACS;
        int extra = tag ? TAG : 0;
        int caplen = p.caplen() + extra;
        if (snaplen > 0 && caplen > snaplen) {
            caplen = snaplen;
        }
        MemorySegment ring = writer.segment();
        long at = writer.claim(caplen);
        int room = writer.claimedCaplen();
        if (!tag) {
            MemorySegment.copy(p.segment(), p.offset(), ring, at, room);
        } else {
            copyTagged(p, ring, at, room);
        }
        writer.append(p.timestampNanos(), p.wirelen() + extra, p.linkType(), ifIndex,
                tag ? RingDescriptor.FLAG_VLAN_INSERTED : 0);
    }

    /** Makes the frames written since the last call visible to the ring's readers (one header store). */
    public void publish() {
        writer.publish();
    }

    private void copyTagged(Packet p, MemorySegment ring, long at, int room) {
        int head = Math.min(MACS, room);
        MemorySegment.copy(p.segment(), p.offset(), ring, at, head);
        byte[] t = {(byte) 0x81, 0x00, tci0, tci1};
        for (int i = 0; i < TAG && MACS + i < room; i++) {
            ring.set(JAVA_BYTE, at + MACS + i, t[i]);
        }
        int rest = room - MACS - TAG;
        if (rest > 0) {
            MemorySegment.copy(p.segment(), p.offset() + MACS, ring, at + MACS + TAG, rest);
        }
    }
}
