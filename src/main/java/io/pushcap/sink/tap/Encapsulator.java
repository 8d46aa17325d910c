package io.pushcap.sink.tap;

import java.lang.foreign.MemorySegment;

/**
 * Writes a tunnel's header in front of a frame already in the send buffer (the frame starts
 * right after the header: {@code at + headerLength()}). Header layouts are those of
 * {@link io.pushcap.pipeline.decap.EncapDescriptor}.
 *
 * <p><b>Note:</b> not thread-safe: holds the tunnel's sequence number, which increases by one per
 * packet written and goes back by one on {@link #undo()}.
 */
interface Encapsulator {
    /** Bytes of header, fixed for the tunnel. */
    int headerLength();

    /**
     * Writes the header for the {@code length}-byte frame (or IP packet) that follows it.
     *
     * @param edit           what the editor decided about this packet (ethertype, truncation)
     * @param timestampNanos the packet's capture time
     * @return a hash of the inner flow (VXLAN picks its UDP source port by it), 0 when unused
     */
    int write(MemorySegment buf, long at, int length, FrameEditor edit, long timestampNanos);

    /** Takes back the last {@link #write}: its packet will not be sent. */
    void undo();

    /** No header: frames go out of a NIC as they are. */
    Encapsulator NONE = new Encapsulator() {
        @Override
        public int headerLength() {
            return 0;
        }

        @Override
        public int write(MemorySegment buf, long at, int length, FrameEditor edit, long timestampNanos) {
            return 0;
        }

        @Override
        public void undo() {
        }
    };
}
