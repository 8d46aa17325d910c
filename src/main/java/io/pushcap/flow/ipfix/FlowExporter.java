package io.pushcap.flow.ipfix;

import io.pushcap.config.FlowExportConfig;
import io.pushcap.flow.FlowSink;
import io.pushcap.flow.FlowTable;
import io.pushcap.metrics.Counter;
import io.pushcap.metrics.MetricsRegistry;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Exports ended flows as IPFIX (RFC 7011) to one or more collectors: encodes each flow straight
 * into the current message, sends the message when the next record would not fit the MTU (or on
 * {@link #tick}, {@link #flush}, {@link #close}), and puts the Template Set at the front of a
 * message whenever the UDP refresh is due (first message, every N messages, every T of wall
 * clock time). The sequence number of each message is the number of data records sent before it
 * in this observation domain (TCP sessions count their own).
 *
 * <p><b>Note:</b> not thread-safe: the meter thread calls {@link #flowExpired} and the rest.
 * Sending never throws: failures are counted per collector. {@link #close()} sends what is
 * pending and closes the sockets.
 */
public final class FlowExporter implements FlowSink {
    /** A partly filled message waits at most this long on {@link #tick} (live meters). */
    public static final long MAX_MESSAGE_DELAY_NANOS = 1_000_000_000L;

    private final IpfixTemplates templates;
    private final List<IpfixTemplate> announced;
    private final List<CollectorTransport> transports = new ArrayList<>();
    private final IpfixMessageWriter writer;
    private final IpfixMessageWriter templateWriter;
    private final RecordEncoder encoder;
    private final LongSupplier wallNanos;
    private final long domain;
    private final long refreshNanos;
    private final int refreshMessages;
    private final int maxRecordNeed;
    private final Counter records;
    private final Counter saturated;
    private boolean refreshWanted;
    private long sequence;
    private long lastTemplatesNanos = Long.MIN_VALUE;
    private long messagesSinceTemplates;
    private long messageStartedNanos;
    private boolean closed;

    /**
     * @param wallNanos       the wall clock (ns since the epoch): export time and refresh interval
     * @param systemInitNanos the meter's start time, for the SysUpTime elements
     * @param labels          Prometheus labels for this exporter's counters, or ""
     */
    public FlowExporter(FlowExportConfig config, LongSupplier wallNanos, long systemInitNanos, MetricsRegistry metrics,
                        String labels) {
        this.templates = IpfixTemplates.of(config);
        this.announced = templates.announced();
        this.writer = new IpfixMessageWriter(config.mtu());
        this.templateWriter = new IpfixMessageWriter(FlowExportConfig.MAX_MTU); // TCP: a stream, no MTU
        this.encoder = new RecordEncoder(systemInitNanos, config.observationDomainId());
        this.wallNanos = wallNanos;
        this.domain = config.observationDomainId();
        this.refreshNanos = config.templateRefreshNanos();
        this.refreshMessages = config.templateRefreshMessages();
        this.maxRecordNeed = announced.stream().mapToInt(IpfixTemplate::recordLength).max().orElse(0)
                + IpfixDescriptor.SET_HEADER_LENGTH;
        this.records = metrics.counter("pushcap_ipfix_records_total", "IPFIX data records exported", labels);
        this.saturated = metrics.counter("pushcap_ipfix_saturated_values_total",
                "Values sent as the largest number a reduced-size field holds", labels);
        try {
            for (FlowExportConfig.Collector c : config.collectors()) {
                transports.add(c.transport() == FlowExportConfig.Transport.TCP
                        ? new TcpCollector(c.host(), c.port(), this::templateMessage, metrics, labels)
                        : new UdpCollector(c.host(), c.port(), metrics, labels));
            }
        } catch (RuntimeException e) {
            transports.forEach(CollectorTransport::close);
            throw e;
        }
        this.refreshWanted = transports.stream().anyMatch(CollectorTransport::wantsTemplateRefresh);
        transports.forEach(t -> t.poll(wallNanos.getAsLong()));
    }

    /** The templates in use (for logs and tests). */
    public IpfixTemplates templates() {
        return templates;
    }

    public List<CollectorTransport> transports() {
        return List.copyOf(transports);
    }

    /** Data records sent in this observation domain so far (the next message's sequence number). */
    public long sequence() {
        return sequence;
    }

    @Override
    public void flowExpired(FlowTable table, int flow, int reason) {
        IpfixTemplate tpl = templates.forVersion(table.ipVersion(flow));
        if (!writer.isOpen()) {
            startMessage();
        }
        long before = encoder.saturated();
        if (!writer.addRecord(tpl, encoder, table, flow, reason)) {
            sendMessage();
            startMessage();
            if (!writer.addRecord(tpl, encoder, table, flow, reason)) {
                throw new IllegalStateException("record of template " + tpl.id() + " does not fit an empty message");
            }
        }
        records.increment();
        if (encoder.saturated() != before) {
            saturated.add(encoder.saturated() - before);
        }
    }

    /** Sends a partly filled message that has waited long enough, and lets TCP sessions progress. */
    @Override
    public void tick() {
        long now = wallNanos.getAsLong();
        if (writer.isOpen() && writer.records() > 0 && now - messageStartedNanos >= MAX_MESSAGE_DELAY_NANOS) {
            sendMessage();
        }
        for (CollectorTransport t : transports) {
            t.poll(now);
        }
    }

    /** Sends the message being filled, if it holds any record. */
    @Override
    public void flush() {
        if (writer.isOpen() && writer.records() > 0) {
            sendMessage();
        }
    }

    private void startMessage() {
        long now = wallNanos.getAsLong();
        writer.begin(Math.floorDiv(now, 1_000_000_000L), sequence, domain);
        messageStartedNanos = now;
        if (refreshWanted && templatesDue(now)) {
            int n = 0;
            while (true) {
                n += writer.writeTemplates(announced, n);
                if (n == announced.size() && writer.room() >= maxRecordNeed) {
                    break; // records can follow the templates in this message
                }
                // Templates-only message: the rest of the templates, or the next record, would not fit.
                sendToAll(writer.finish(), 0, now);
                writer.begin(Math.floorDiv(now, 1_000_000_000L), sequence, domain);
                if (n == announced.size()) {
                    break;
                }
            }
            lastTemplatesNanos = now;
            messagesSinceTemplates = 0;
        }
    }

    private boolean templatesDue(long now) {
        return lastTemplatesNanos == Long.MIN_VALUE
                || (refreshMessages > 0 && messagesSinceTemplates >= refreshMessages)
                || (refreshNanos > 0 && now - lastTemplatesNanos >= refreshNanos);
    }

    private void sendMessage() {
        int n = writer.records();
        ByteBuffer m = writer.finish();
        sendToAll(m, n, wallNanos.getAsLong());
        sequence = (sequence + n) & 0xffff_ffffL;
        messagesSinceTemplates++;
    }

    private void sendToAll(ByteBuffer m, int n, long now) {
        for (CollectorTransport t : transports) {
            t.send(m.duplicate(), n, now);
        }
    }

    /** A templates-only message for a new TCP session (sequence as given). */
    private ByteBuffer templateMessage(long seq) {
        long now = wallNanos.getAsLong();
        templateWriter.begin(Math.floorDiv(now, 1_000_000_000L), seq, domain);
        int n = templateWriter.writeTemplates(announced, 0);
        if (n < announced.size()) {
            throw new IllegalStateException("templates do not fit one IPFIX message");
        }
        return templateWriter.finish();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            flush();
        } finally {
            transports.forEach(CollectorTransport::close);
        }
    }
}
