package io.pushcap.flow.ipfix;

import io.pushcap.config.FlowExportConfig;
import io.pushcap.config.FlowMeterConfig;
import io.pushcap.flow.FlowMeter;
import io.pushcap.metrics.MetricsRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import static io.pushcap.flow.Frames.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TcpCollectorTest {
    private static final long S = 1_000_000_000L;

    private final long[] clock = {1_800_000_000L * S};
    private final MetricsRegistry metrics = new MetricsRegistry();
    private int port;

    private static void await(BooleanSupplier done, Runnable step, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 5 * S;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            step.run();
            Thread.sleep(1);
        }
    }

    /** Reads whole IPFIX messages from a stream until {@code count} have arrived. */
    private static List<IpfixTestDecoder.Message> read(SocketChannel ch, int count) throws IOException {
        List<IpfixTestDecoder.Message> out = new ArrayList<>();
        ch.configureBlocking(true);
        ch.socket().setSoTimeout(5000);
        while (out.size() < count) {
            ByteBuffer h = ByteBuffer.allocate(16);
            readFully(ch, h);
            int len = h.getShort(2) & 0xffff;
            ByteBuffer m = ByteBuffer.allocate(len).put(h.flip());
            readFully(ch, m);
            out.add(IpfixTestDecoder.decode(m.array()));
        }
        return out;
    }

    private static void readFully(SocketChannel ch, ByteBuffer b) throws IOException {
        var in = java.nio.channels.Channels.newInputStream(ch);
        while (b.hasRemaining()) {
            int r = in.read(b.array(), b.position(), b.remaining());
            if (r < 0) {
                throw new IOException("stream ended");
            }
            b.position(b.position() + r);
        }
    }

    private static void flows(FlowMeter m, int first, int n) {
        for (int i = first; i < first + n; i++) {
            m.meter(packet(eth(0x0800, ipv4("10.0.0.1", "10.0.0.2", UDP, udp(1000 + i, 53, bytes(20)))), S + i));
        }
        m.flushAll();
    }

    @Test
    void shouldSendTemplatesOncePerConnectionAndReconnectWhenCollectorRestarts() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            server.configureBlocking(false);
            port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            FlowExportConfig c = new FlowExportConfig(List.of(new FlowExportConfig.Collector("127.0.0.1", port,
                    FlowExportConfig.Transport.TCP, "test")), 5, 1400, S, 1, List.of(), List.of(), "test");
            try (FlowExporter e = new FlowExporter(c, () -> clock[0], clock[0], metrics, "")) {
                TcpCollector tcp = (TcpCollector) e.transports().get(0);
                FlowMeter m = new FlowMeter(FlowMeterConfig.defaults(FlowMeterConfig.Clock.PACKET), e, new MetricsRegistry(), "");
                SocketChannel[] conn = new SocketChannel[1];
                await(() -> tcp.connected() && conn[0] != null, () -> {
                    e.tick();
                    try {
                        if (conn[0] == null) {
                            conn[0] = server.accept();
                        }
                    } catch (IOException x) {
                        throw new RuntimeException(x);
                    }
                }, "the first connection");
                flows(m, 0, 3);
                e.flush();
                clock[0] += 2 * S; // UDP would re-send templates now: TCP must not
                flows(m, 3, 2);
                e.flush();
                List<IpfixTestDecoder.Message> first = read(conn[0], 3);
                assertTrue(first.get(0).hasTemplates());
                assertEquals(1, first.get(0).sets().size(), "templates-only message first");
                assertEquals(0, first.get(0).sequence());
                assertEquals(5, first.get(0).domain());
                assertFalse(first.get(1).hasTemplates());
                assertEquals(0, first.get(1).sequence());
                assertFalse(first.get(2).hasTemplates(), "no template refresh over TCP");
                assertEquals(3, first.get(2).sequence());
                assertEquals(first.get(2).size(), first.get(2).length());

                conn[0].close(); // the collector goes away
                await(() -> !tcp.connected(), () -> {
                    flows(m, 10, 1);
                    e.flush();
                }, "the exporter to notice the lost connection");
                clock[0] += TcpCollector.MIN_BACKOFF_NANOS;
                SocketChannel[] again = new SocketChannel[1];
                await(() -> tcp.connected() && again[0] != null, () -> {
                    e.tick();
                    try {
                        if (again[0] == null) {
                            again[0] = server.accept();
                        }
                    } catch (IOException x) {
                        throw new RuntimeException(x);
                    }
                }, "the reconnection");
                flows(m, 20, 4);
                e.flush();
                List<IpfixTestDecoder.Message> second = read(again[0], 2);
                assertTrue(second.get(0).hasTemplates(), "templates again on the new connection");
                assertEquals(0, second.get(1).sequence(), "a new session counts from 0");
                assertEquals(4, second.get(1).records(java.util.Map.of(256, 62)));
                long reconnects = metrics.snapshot().get("pushcap_ipfix_reconnects_total{collector=\"127.0.0.1:" + port + "/tcp\"}");
                assertEquals(2, reconnects);
                assertTrue(metrics.snapshot().get("pushcap_ipfix_records_dropped_total{collector=\"127.0.0.1:" + port
                        + "/tcp\"}") >= 1, "records sent while down are counted as dropped");
                again[0].close();
            }
        }
    }
}
