package io.pushcap.synth;

import io.pushcap.pcap.Packet;

/**
 * One generated packet as handed to a {@link TrafficGenerator.Sink}: the frame as captured and
 * its decapsulated twin, both as {@link Packet} views with the same timestamp.
 *
 * <p><b>Note:</b> a flyweight: the generator refills it for every packet; the views are valid
 * only during the callback ({@link Packet#copy()} keeps one).
 */
public final class SynthPacket {
    final Packet captured = new Packet();
    final Packet twin = new Packet();
    long index;
    int layers;

    /** Position in the capture, from 0. */
    public long index() {
        return index;
    }

    /** The frame as written to the capture (link type Ethernet). */
    public Packet captured() {
        return captured;
    }

    /** The innermost packet as an Ethernet frame, as written to the twin capture. */
    public Packet twin() {
        return twin;
    }

    /** Tags, label stacks and tunnels wrapped around the innermost packet. */
    public int layers() {
        return layers;
    }
}
