package io.pushcap.flow;

import io.pushcap.pcap.Packet;

/**
 * The hook through which a tunnel decapsulator lets the meter key flows on the inner packet
 * (GRE, ERSPAN, VXLAN, ...). Without one, the meter keys the outer packet.
 *
 * <p><b>Note:</b> called on the meter thread for every packet, so it must not allocate or block.
 * It points {@code inner} at bytes inside {@code outer}'s memory (a view, valid as long as
 * {@code outer} is) and copies {@code outer}'s timestamp and interface id; it returns false to
 * leave the packet as it is (not a tunnel, or not one it understands).
 */
@FunctionalInterface
public interface PacketUnwrapper {

    /** Fills {@code inner} with the innermost packet of {@code outer}; false to meter {@code outer}. */
    boolean unwrap(Packet outer, Packet inner);
}
