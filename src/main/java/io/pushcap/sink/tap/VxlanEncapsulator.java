package io.pushcap.sink.tap;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static io.pushcap.pipeline.decap.EncapDescriptor.*;

/**
 * The 8-byte VXLAN header of RFC 7348: flags with only I set, the reserved fields zero, the
 * 24-bit VNI. The UDP header comes from the kernel (an ordinary UDP socket); this returns the
 * inner flow's hash, from which the transmitter picks the UDP source port.
 *
 * <p><b>Note:</b> stateless apart from the VNI.
 */
final class VxlanEncapsulator implements Encapsulator {
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final int vni;

    /** @param vni 0..2^24-1; -1 means 0 */
    VxlanEncapsulator(long vni) {
        this.vni = (int) Math.max(0, vni);
    }

    @Override
    public int headerLength() {
        return VXLAN_HEADER;
    }

    @Override
    public int write(MemorySegment buf, long at, int frameLength, FrameEditor edit, long timestampNanos) {
        buf.set(I32, at, VXLAN_FLAG_I << 24);
        buf.set(I32, at + VXLAN_VNI_OFFSET, vni << 8);
        return InnerFrame.flowHash(buf, at + VXLAN_HEADER, frameLength);
    }

    @Override
    public void undo() {
    }
}
