package io.pushcap.sink.tap;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static io.pushcap.pipeline.decap.EncapDescriptor.*;

/**
 * GRE (RFC 2784) with the RFC 2890 key and sequence number fields: K set when a key is given,
 * S always, sequence numbers from 0 increasing by one per packet (wrapping at 2^32). The
 * protocol is 0x6558 (transparent Ethernet bridging) for gretap, or the IP packet's ethertype
 * (0x0800/0x86DD) for plain gre. No checksum: Linux does not send one by default either.
 *
 * <p><b>Note:</b> not thread-safe (the sequence number).
 */
final class GreEncapsulator implements Encapsulator {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final boolean ethernet;
    private final boolean hasKey;
    private final int key;
    private final short flags;
    private final int length;
    private int sequence;

    /**
     * @param ethernet true for gretap (the whole frame), false for gre (the IP packet)
     * @param key      the GRE key, or -1 for no key field
     */
    GreEncapsulator(boolean ethernet, long key) {
        this.ethernet = ethernet;
        this.hasKey = key >= 0;
        this.key = (int) key;
        this.flags = (short) (GRE_FLAG_SEQUENCE | (hasKey ? GRE_FLAG_KEY : 0));
        this.length = GRE_BASE_LENGTH + (hasKey ? GRE_OPTION_LENGTH : 0) + GRE_OPTION_LENGTH;
    }

    @Override
    public int headerLength() {
        return length;
    }

    @Override
    public int write(MemorySegment buf, long at, int frameLength, FrameEditor edit, long timestampNanos) {
        buf.set(U16, at, flags);
        buf.set(U16, at + GRE_PROTOCOL_OFFSET, (short) (ethernet ? ETHERTYPE_TEB : edit.etherType()));
        long p = at + GRE_BASE_LENGTH;
        if (hasKey) {
            buf.set(I32, p, key);
            p += GRE_OPTION_LENGTH;
        }
        buf.set(I32, p, sequence++);
        return 0;
    }

    @Override
    public void undo() {
        sequence--;
    }
}
