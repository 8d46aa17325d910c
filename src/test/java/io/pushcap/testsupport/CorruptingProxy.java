package io.pushcap.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay to a server that flips one bit of what each client connection sends, at a fixed
 * offset of that connection's byte stream: the damage a faulty NIC, middlebox or memory would do
 * to a request body, which only an end-to-end checksum (Content-MD5, x-amz-checksum-*) reveals.
 * With {@code flipAt} negative it relays faithfully (the control).
 *
 * <p><b>Note:</b> one thread per direction per connection; {@link #close()} stops accepting and
 * closes every connection.
 */
public final class CorruptingProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress upstream;
    private final long flipAt;
    private final AtomicInteger flipped = new AtomicInteger();

    private CorruptingProxy(InetSocketAddress upstream, long flipAt) throws IOException {
        this.upstream = upstream;
        this.flipAt = flipAt;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("corrupting-proxy").start(this::accept);
    }

    /** Relays to {@code host:port}, flipping bit 0 of byte {@code flipAt} of each client stream (-1: never). */
    public static CorruptingProxy start(String host, int port, long flipAt) throws IOException {
        return new CorruptingProxy(new InetSocketAddress(host, port), flipAt);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** How many bytes were flipped so far (one per connection that sent more than {@code flipAt} bytes). */
    public int flipped() {
        return flipped.get();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(upstream.getAddress(), upstream.getPort());
                Thread.ofPlatform().daemon().start(() -> relay(client, server, flipAt));
                Thread.ofPlatform().daemon().start(() -> relay(server, client, -1));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void relay(Socket from, Socket to, long flipOffset) {
        byte[] buf = new byte[64 << 10];
        long seen = 0;
        try (from; to) {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) > 0) {
                if (flipOffset >= seen && flipOffset < seen + n) {
                    buf[(int) (flipOffset - seen)] ^= 1;
                    flipped.incrementAndGet();
                }
                seen += n;
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            // A connection closed by either side ends both directions.
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
