package io.pushcap.flow.ipfix;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;

/** A UDP socket on 127.0.0.1 that collects datagrams for tests. */
final class UdpReceiver implements AutoCloseable {
    private final DatagramChannel ch;
    final List<byte[]> received = new ArrayList<>();

    UdpReceiver() throws IOException {
        ch = DatagramChannel.open();
        ch.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 8 << 20);
        ch.bind(new InetSocketAddress("127.0.0.1", 0));
        ch.configureBlocking(false);
    }

    int port() throws IOException {
        return ((InetSocketAddress) ch.getLocalAddress()).getPort();
    }

    /** Reads what has arrived, waiting up to 5 s until at least {@code atLeast} datagrams are in. */
    List<byte[]> drain(int atLeast) throws IOException, InterruptedException {
        ByteBuffer b = ByteBuffer.allocate(65536);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            b.clear();
            if (ch.receive(b) != null) {
                b.flip();
                byte[] d = new byte[b.remaining()];
                b.get(d);
                received.add(d);
                continue;
            }
            if (received.size() >= atLeast || System.nanoTime() > deadline) {
                return received;
            }
            Thread.sleep(1); // polling a non-blocking socket until the deadline, not a fixed wait
        }
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
