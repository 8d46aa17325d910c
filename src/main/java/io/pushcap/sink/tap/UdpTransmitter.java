package io.pushcap.sink.tap;

import io.pushcap.internal.ffm.Errno;
import jdk.net.ExtendedSocketOptions;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Locale;

/**
 * Sends VXLAN datagrams (VXLAN header + frame) to one endpoint through ordinary UDP sockets
 * ({@link DatagramChannel}s; the kernel adds the UDP and IP headers and the UDP checksum).
 *
 * <p>The UDP source port follows the inner flow, as RFC 7348 asks (for ECMP entropy): a pool of
 * {@value #POOL} sockets, each bound by the kernel to a port of its ephemeral range
 * ({@code net.ipv4.ip_local_port_range}), and each datagram goes out of the socket its inner
 * flow's hash selects: one flow, one source port. The sockets are not connected, so an ICMP port
 * unreachable from an endpoint without a VXLAN receiver never fails a later send. Fragmentation is
 * as for GRE: allowed unless {@code dontFragment} ({@code IP_DONTFRAGMENT}).
 *
 * <p><b>Note:</b> not thread-safe. Blocking sends: a full socket buffer waits, never drops.
 */
final class UdpTransmitter extends PathLimits {
    static final int POOL = 16;
    private static final int SEND_BUFFER = 1 << 20;

    private final InetSocketAddress target;
    private final DatagramChannel[] channels = new DatagramChannel[POOL];
    private final int[] ports = new int[POOL];
    private final Arena arena = Arena.ofShared();
    private ByteBuffer view;
    private SendBatch viewOf;

    UdpTransmitter(InetAddress address, int port, boolean dontFragment, String prefix) throws IOException {
        super(address, null, prefix, (address instanceof Inet6Address ? 40 : 20) + 8);
        this.target = new InetSocketAddress(address, port);
        boolean v6 = address instanceof Inet6Address;
        try {
            for (int i = 0; i < POOL; i++) {
                DatagramChannel c = DatagramChannel.open(v6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
                channels[i] = c;
                c.setOption(StandardSocketOptions.SO_SNDBUF, SEND_BUFFER);
                c.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
                c.setOption(ExtendedSocketOptions.IP_DONTFRAGMENT, dontFragment);
                c.bind(null);
                ports[i] = ((InetSocketAddress) c.getLocalAddress()).getPort();
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The source ports of the pool, for tests and messages. */
    int[] ports() {
        return ports.clone();
    }

    /** The source port a datagram with this inner-flow hash leaves from. */
    int portFor(int hash) {
        return ports[index(hash)];
    }

    private static int index(int hash) {
        return (hash >>> 1) % POOL;
    }

    @Override
    public SendBatch newBatch(int capacity, int bufferBytes) {
        SendBatch b = new SendBatch(arena, capacity, bufferBytes, null);
        view = b.data().asByteBuffer();
        viewOf = b;
        return b;
    }

    @Override
    public int send(SendBatch batch, int from) {
        ByteBuffer bb = batch == viewOf ? view : batch.data().asByteBuffer();
        int n = batch.count();
        for (int i = from; i < n; i++) {
            int off = (int) batch.offset(i);
            bb.limit(off + batch.length(i)).position(off);
            try {
                channels[index(batch.hash(i))].send(bb, target);
            } catch (IOException e) {
                return i > from ? i - from : -errno(e);
            }
        }
        return n - from;
    }

    /** The errno behind a JDK socket exception (the JDK keeps only strerror's text). */
    static int errno(IOException e) {
        if (e instanceof PortUnreachableException) {
            return Errno.ECONNREFUSED;
        }
        String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (m.contains("message too long")) {
            return Errno.EMSGSIZE;
        }
        if (m.contains("no buffer space")) {
            return Errno.ENOBUFS;
        }
        if (m.contains("network is unreachable")) {
            return Errno.ENETUNREACH;
        }
        if (m.contains("no route to host")) {
            return Errno.EHOSTUNREACH;
        }
        if (m.contains("network is down")) {
            return Errno.ENETDOWN;
        }
        if (m.contains("resource temporarily unavailable")) {
            return Errno.EAGAIN;
        }
        return 5; // EIO
    }





    @Override
    public String describe() {
        return target.getAddress().getHostAddress() + ":" + target.getPort();
    }

    @Override
    public void close() {
        for (DatagramChannel c : channels) {
            if (c != null) {
                try {
                    c.close();
                } catch (IOException e) {
                    // closing a UDP socket cannot lose anything
                }
            }
        }
        arena.close();
    }
}
