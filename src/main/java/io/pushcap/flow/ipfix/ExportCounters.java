package io.pushcap.flow.ipfix;

import io.pushcap.metrics.Counter;
import io.pushcap.metrics.MetricsRegistry;

import java.nio.ByteBuffer;

/** The per-collector counters of a transport, under stable names (docs/flows.md). */
final class ExportCounters {
    final Counter messages;
    final Counter bytes;
    final Counter errors;
    final Counter dropped;
    final Counter templates;
    final Counter reconnects;
    final Counter records;

    ExportCounters(MetricsRegistry m, String labels, String collector) {
        String l = MetricsRegistry.labels("collector", collector);
        String all = labels.isEmpty() ? l : labels + "," + l;
        messages = m.counter("pushcap_ipfix_messages_total", "IPFIX messages sent to a collector", all);
        bytes = m.counter("pushcap_ipfix_bytes_total", "IPFIX bytes sent to a collector", all);
        errors = m.counter("pushcap_ipfix_send_errors_total", "IPFIX messages that failed to send", all);
        dropped = m.counter("pushcap_ipfix_records_dropped_total",
                "Data records not delivered to a collector (send error, TCP down or backlogged)", all);
        templates = m.counter("pushcap_ipfix_template_sends_total", "Template Sets sent to a collector", all);
        records = m.counter("pushcap_ipfix_records_sent_total", "IPFIX data records sent to a collector", all);
        reconnects = m.counter("pushcap_ipfix_reconnects_total", "TCP connections (re)established to a collector", all);
    }

    /** A message went out; counts it, and its Template Set if it starts with one. */
    void sent(int len, ByteBuffer message, int records) {
        messages.increment();
        bytes.add(len);
        this.records.add(records);
        int first = IpfixDescriptor.MESSAGE_HEADER_LENGTH + IpfixDescriptor.SET_ID_OFFSET;
        if (message.limit() >= first + 2 && message.getShort(first) == IpfixDescriptor.TEMPLATE_SET_ID) {
            templates.increment();
        }
    }

    CollectorTransport.Stats stats() {
        return new CollectorTransport.Stats(messages.get(), records.get(), dropped.get(), errors.get());
    }

    void failed(int records) {
        errors.increment();
        dropped.add(records);
    }
}
