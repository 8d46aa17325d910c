package io.pushcap.flow.ipfix;

import io.pushcap.PushcapException;
import io.pushcap.flow.WarnLimiter;
import io.pushcap.metrics.MetricsRegistry;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.function.LongFunction;

import static io.pushcap.flow.ipfix.IpfixDescriptor.*;

/**
 * Streams IPFIX messages to one collector over TCP (RFC 7011 section 10.4): templates are sent
 * once at the start of each connection and stripped from the shared message stream; the
 * sequence number counts this connection's data records; a failed connection is retried with
 * exponential backoff (1 s doubling to 60 s).
 *
 * <p><b>Note:</b> non-blocking: connects in the background, and a message the socket cannot take
 * whole waits in a bounded backlog (1 MiB). Messages arriving while the collector is down or the
 * backlog is full are dropped and counted in {@code pushcap_ipfix_records_dropped_total}.
 */
public final class TcpCollector implements CollectorTransport {
    static final long MIN_BACKOFF_NANOS = 1_000_000_000L;
    static final long MAX_BACKOFF_NANOS = 60_000_000_000L;
    private static final int BACKLOG_BYTES = 1 << 20;

    private final String label;
    private final InetSocketAddress address;
    private final LongFunction<ByteBuffer> templateMessage;
    private final ExportCounters counters;
    private final ByteBuffer backlog = ByteBuffer.allocateDirect(BACKLOG_BYTES).flip();
    private final ByteBuffer header = ByteBuffer.allocateDirect(MESSAGE_HEADER_LENGTH);
    private final WarnLimiter warn = new WarnLimiter(TcpCollector.class, 10_000_000_000L);
    private SocketChannel channel;
    private boolean connected;
    private long sequence;
    private long nextAttemptNanos = Long.MIN_VALUE;
    private long backoffNanos = MIN_BACKOFF_NANOS;

    /**
     * @param templateMessage builds a templates-only message with the given sequence number
     *                        (a view the collector consumes at once)
     */
    public TcpCollector(String host, int port, LongFunction<ByteBuffer> templateMessage, MetricsRegistry metrics,
                        String labels) {
        this.label = host + ":" + port + "/tcp";
        this.address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new PushcapException("collector " + label + ": cannot resolve host '" + host + "'");
        }
        this.templateMessage = templateMessage;
        this.counters = new ExportCounters(metrics, labels, label);
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public boolean wantsTemplateRefresh() {
        return false;
    }

    /** True while a connection is up (templates sent). */
    public boolean connected() {
        return connected;
    }

    @Override
    public void poll(long nowNanos) {
        try {
            if (channel == null) {
                if (nowNanos - nextAttemptNanos >= 0 || nextAttemptNanos == Long.MIN_VALUE) {
                    channel = SocketChannel.open();
                    channel.configureBlocking(false);
                    channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
                    if (channel.connect(address)) {
                        onConnected();
                    }
                }
            } else if (!connected) {
                if (channel.finishConnect()) {
                    onConnected();
                }
            } else if (backlog.hasRemaining()) {
                channel.write(backlog);
            }
        } catch (IOException e) {
            fail(e, nowNanos);
        }
    }

    private void onConnected() throws IOException {
        connected = true;
        sequence = 0;
        backlog.clear().flip();
        backoffNanos = MIN_BACKOFF_NANOS;
        counters.reconnects.increment();
        ByteBuffer t = templateMessage.apply(0);
        int len = t.remaining();
        channel.write(t);
        keep(t);
        counters.sent(len, t.duplicate().position(0), 0);
    }

    private void fail(IOException e, long nowNanos) {
        if (connected) {
            warn.warn("IPFIX collector " + label + ": connection lost: " + UdpCollector.describe(e) + "; reconnecting");
        } else {
            warn.warn("IPFIX collector " + label + ": cannot connect: " + UdpCollector.describe(e) + "; retrying in "
                    + backoffNanos / 1_000_000_000L + " s");
        }
        closeChannel();
        nextAttemptNanos = nowNanos + backoffNanos;
        backoffNanos = Math.min(MAX_BACKOFF_NANOS, backoffNanos * 2);
    }

    @Override
    public Stats stats() {
        return counters.stats();
    }

    @Override
    public void send(ByteBuffer message, int records, long nowNanos) {
        poll(nowNanos);
        if (!connected || backlog.hasRemaining()) {
            if (records > 0) {
                counters.dropped.add(records);
            }
            return;
        }
        int start = message.position();
        int total = message.remaining();
        int body = start + MESSAGE_HEADER_LENGTH;
        if (total > MESSAGE_HEADER_LENGTH + SET_HEADER_LENGTH && message.getShort(body) == TEMPLATE_SET_ID) {
            body += message.getShort(body + SET_LENGTH_OFFSET) & 0xffff; // templates went at connect time
        }
        int bodyLength = start + total - body;
        if (bodyLength == 0) {
            return;
        }
        header.clear();
        header.put(0, message.slice(start, MESSAGE_HEADER_LENGTH), 0, MESSAGE_HEADER_LENGTH);
        header.putShort(LENGTH_OFFSET, (short) (MESSAGE_HEADER_LENGTH + bodyLength));
        header.putInt(SEQUENCE_OFFSET, (int) sequence);
        ByteBuffer rest = message.slice(body, bodyLength);
        try {
            channel.write(new ByteBuffer[]{header, rest});
            keep(header);
            keep(rest);
            sequence += records;
            counters.messages.increment();
            counters.bytes.add(MESSAGE_HEADER_LENGTH + bodyLength);
            counters.records.add(records);
        } catch (IOException e) {
            counters.failed(records);
            fail(e, nowNanos);
        }
    }

    /** Queues what the socket did not take; a message must go out whole before the next. */
    private void keep(ByteBuffer unsent) {
        if (!unsent.hasRemaining()) {
            return;
        }
        backlog.compact();
        if (backlog.remaining() < unsent.remaining()) {
            backlog.flip();
            throw new IllegalStateException("TCP backlog overflow"); // cannot happen: only written when empty
        }
        backlog.put(unsent);
        backlog.flip();
    }

    private void closeChannel() {
        connected = false;
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing a broken socket: nothing more to do
            }
            channel = null;
        }
    }

    @Override
    public void close() {
        if (connected && backlog.hasRemaining()) {
            try {
                channel.configureBlocking(true);
                channel.write(backlog);
            } catch (IOException e) {
                LoggerFactory.getLogger(TcpCollector.class).debug("close {}", label, e);
            }
        }
        closeChannel();
    }
}
