package io.pushcap.sink.tap;

import io.pushcap.PushcapException;
import io.pushcap.internal.ffm.LibSocket;
import io.pushcap.internal.net.NativeSocket;
import io.pushcap.internal.net.SockAddr;

import java.lang.foreign.Arena;

/**
 * Sends frames out of a NIC unchanged through an AF_PACKET raw socket bound to it (protocol 0:
 * it receives nothing), a batch per {@code sendmmsg}. The kernel checks each frame against the
 * interface MTU (plus 4 bytes for an 802.1Q-tagged frame) and refuses larger ones with EMSGSIZE.
 * With {@code qdiscBypass} frames skip the interface's queueing discipline
 * ({@code PACKET_QDISC_BYPASS}): faster, but a full driver queue then drops instead of queueing.
 *
 * <p><b>Note:</b> not thread-safe. Needs CAP_NET_RAW.
 */
final class PacketSocketTransmitter implements Transmitter {
    private static final int SEND_BUFFER = 4 << 20;

    private final String iface;
    private final Arena arena = Arena.ofShared();
    private final NativeSocket socket;
    private int mtu;

    PacketSocketTransmitter(String iface, boolean qdiscBypass, String prefix) {
        this.iface = iface;
        int index = NativeSocket.ifIndex(iface);
        if (index <= 0) {
            arena.close();
            throw new PushcapException(prefix + "no such interface '" + iface + "' (see `ip link`)");
        }
        NativeSocket s = NativeSocket.open(LibSocket.AF_PACKET, LibSocket.SOCK_RAW, 0, prefix + "packet socket on " + iface);
        try {
            s.bind(SockAddr.packet(arena, index, 0), iface);
            s.setBuffer(true, SEND_BUFFER);
            if (qdiscBypass) {
                s.setInt(LibSocket.SOL_PACKET, LibSocket.PACKET_QDISC_BYPASS, 1, "PACKET_QDISC_BYPASS");
            }
        } catch (RuntimeException e) {
            s.close();
            arena.close();
            throw e;
        }
        this.socket = s;
        this.mtu = PathMtu.ofInterface(iface);
    }

    @Override
    public SendBatch newBatch(int capacity, int bufferBytes) {
        return new SendBatch(arena, capacity, bufferBytes, null);
    }

    @Override
    public int send(SendBatch batch, int from) {
        return socket.sendmmsg(batch.messagesFrom(from), batch.count() - from);
    }

    @Override
    public int overhead() {
        return 0;
    }

    /** The frame size the MTU allows: MTU + 14 bytes of Ethernet header. */
    @Override
    public int unfragmentedLimit() {
        return mtu + 14;
    }

    @Override
    public int sendLimit() {
        return UNLIMITED;
    }

    @Override
    public int refreshMtu() {
        mtu = PathMtu.ofInterface(iface);
        return mtu;
    }

    @Override
    public String describe() {
        return iface;
    }

    @Override
    public void close() {
        socket.close();
        arena.close();
    }
}
