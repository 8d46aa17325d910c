package io.pushcap.sink.tap;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static io.pushcap.pipeline.decap.EncapDescriptor.*;

/**
 * ERSPAN type II or III over GRE, written as Linux's erspan/ip6erspan devices write them
 * (include/net/erspan.h), so a Linux {@code type erspan} device accepts them: GRE with only the
 * S flag and a sequence number increasing from 0 (protocol 0x88BE for II, 0x22EB for III), then
 * <ul>
 *   <li>Ver 1 (II) or 2 (III); VLAN = the VID bits of the frame's outer 802.1Q tag, 0 if untagged;</li>
 *   <li>COS = the top 3 bits of the inner IP TOS / traffic class (Linux's tos_to_cos);</li>
 *   <li>II: En = 3 ("VLAN tag preserved in frame") when the frame is tagged, else 0;
 *       III: BSO = 1 for frames under 60 bytes, 2 for frames over 1514, else 0;</li>
 *   <li>T = 1 when the frame is sent shorter than it was on the wire (snap length);</li>
 *   <li>Session ID = the key (0..1023);</li>
 *   <li>II: Index = 0 (Linux's default erspan index);</li>
 *   <li>III: Timestamp = the packet's capture time in 100 us units (granularity 00, the unit
 *       Linux uses; Linux puts its send time there, a tap its capture time), SGT 0, P = 1,
 *       FT 0 (Ethernet), Hw ID 0, D 0 (ingress), Gra 0, O 0 (no platform subheader).</li>
 * </ul>
 *
 * <p><b>Note:</b> not thread-safe (the sequence number).
 */
final class ErspanEncapsulator implements Encapsulator {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int GRE_LENGTH = GRE_BASE_LENGTH + GRE_OPTION_LENGTH;
    private static final int ETH_MIN_FRAME = 60;
    private static final int ETH_MAX_FRAME = 1514;

    private final boolean type3;
    private final int session;
    private final int length;
    private int sequence;

    /** @param type3 ERSPAN type III instead of II */
    ErspanEncapsulator(boolean type3, long session) {
        this.type3 = type3;
        this.session = (int) Math.max(0, session) & ERSPAN_SESSION_MASK;
        this.length = GRE_LENGTH + (type3 ? ERSPAN3_HEADER : ERSPAN2_HEADER);
    }

    @Override
    public int headerLength() {
        return length;
    }

    @Override
    public int write(MemorySegment buf, long at, int frameLength, FrameEditor edit, long timestampNanos) {
        buf.set(U16, at, (short) GRE_FLAG_SEQUENCE);
        buf.set(U16, at + GRE_PROTOCOL_OFFSET, (short) (type3 ? ETHERTYPE_ERSPAN_III : ETHERTYPE_ERSPAN_I_II));
        buf.set(I32, at + GRE_BASE_LENGTH, sequence++);
        long e = at + GRE_LENGTH;
        long frame = at + length;
        int tci = InnerFrame.vlanTci(buf, frame, frameLength);
        int cos = InnerFrame.tos(buf, frame, frameLength, InnerFrame.ipOffset(buf, frame, frameLength)) >>> 5;
        int version = type3 ? ERSPAN_VERSION_III : ERSPAN_VERSION_II;
        buf.set(U16, e, (short) (version << ERSPAN_VERSION_SHIFT | (tci < 0 ? 0 : tci & ERSPAN_VLAN_MASK)));
        int en = type3 ? bso(frameLength) : tci >= 0 ? ERSPAN_EN_INFRAME : 0;
        buf.set(U16, e + ERSPAN_SESSION_WORD_OFFSET, (short) (cos << ERSPAN_COS_SHIFT | en << ERSPAN_EN_SHIFT
                | (edit.shortened() ? ERSPAN_FLAG_T : 0) | session));
        if (type3) {
            buf.set(I32, e + ERSPAN3_TIMESTAMP_OFFSET, (int) (timestampNanos / ERSPAN3_TIMESTAMP_UNIT_NANOS));
            buf.set(U16, e + ERSPAN3_SGT_OFFSET, (short) 0);
            buf.set(U16, e + ERSPAN3_FLAGS_OFFSET, (short) ERSPAN3_FLAG_P);
        } else {
            buf.set(I32, e + ERSPAN2_INDEX_OFFSET, 0);
        }
        return 0;
    }

    private static int bso(int frameLength) {
        return frameLength < ETH_MIN_FRAME ? ERSPAN3_BSO_SHORT : frameLength > ETH_MAX_FRAME ? ERSPAN3_BSO_OVERSIZED : 0;
    }

    @Override
    public void undo() {
        sequence--;
    }
}
