package io.pushcap.flow.ipfix;

import io.pushcap.PushcapException;
import io.pushcap.flow.WarnLimiter;
import io.pushcap.metrics.MetricsRegistry;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * Sends each IPFIX message as one UDP datagram to one collector.
 *
 * <p><b>Note:</b> the channel is connected, so an ICMP port unreachable from the collector shows
 * up as a send error (counted in {@code pushcap_ipfix_send_errors_total}, its records in
 * {@code pushcap_ipfix_records_dropped_total}); datagrams a collector drops for want of buffer
 * space are invisible here, as with any UDP exporter.
 */
public final class UdpCollector implements CollectorTransport {
    private final String label;
    private final DatagramChannel channel;
    private final ExportCounters counters;
    private final WarnLimiter warn = new WarnLimiter(UdpCollector.class, 10_000_000_000L);

    public UdpCollector(String host, int port, MetricsRegistry metrics, String labels) {
        this.label = host + ":" + port + "/udp";
        InetSocketAddress addr = new InetSocketAddress(host, port);
        if (addr.isUnresolved()) {
            throw new PushcapException("collector " + label + ": cannot resolve host '" + host + "'");
        }
        try {
            this.channel = DatagramChannel.open();
            channel.setOption(java.net.StandardSocketOptions.SO_SNDBUF, 4 << 20);
            channel.connect(addr);
        } catch (IOException e) {
            throw new PushcapException("collector " + label + ": " + e.getMessage(), e);
        }
        this.counters = new ExportCounters(metrics, labels, label);
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public Stats stats() {
        return counters.stats();
    }

    @Override
    public void send(ByteBuffer message, int records, long nowNanos) {
        int len = message.remaining();
        try {
            int n = channel.write(message);
            if (n != len) {
                throw new IOException("sent " + n + " of " + len + " bytes");
            }
            counters.sent(len, message, records);
        } catch (IOException e) {
            counters.failed(records);
            warn.warn("IPFIX collector " + label + ": send failed: " + describe(e) + " (" + records
                    + " records dropped; see pushcap_ipfix_records_dropped_total)");
        }
    }

    /** PortUnreachableException has no message: name the exception then. */
    static String describe(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    @Override
    public boolean wantsTemplateRefresh() {
        return true;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            LoggerFactory.getLogger(UdpCollector.class).debug("close {}", label, e);
        }
    }
}
