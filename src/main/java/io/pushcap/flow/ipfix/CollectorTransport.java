package io.pushcap.flow.ipfix;

import java.nio.ByteBuffer;

/**
 * One collector's transport session: sends finished IPFIX messages, counting what it could not
 * deliver.
 *
 * <p><b>Note:</b> called on the exporter's thread only; never blocks for long (UDP sends, or
 * non-blocking TCP with a bounded backlog). Failures are counted and logged (rate-limited),
 * never thrown, so one bad collector does not stop the others.
 */
public interface CollectorTransport extends AutoCloseable {

    /** What this collector was sent and lost so far (for {@code flows status}). */
    record Stats(long messages, long records, long dropped, long errors) {
    }

    /** Counters of this collector so far; may be called from any thread (counters are atomic). */
    Stats stats();

    /** "host:port/udp" for logs and metric labels. */
    String label();

    /**
     * Sends one message. {@code message} is a view positioned at the message; the transport may
     * consume it but must copy what it keeps. {@code records} is its data record count.
     */
    void send(ByteBuffer message, int records, long nowNanos);

    /** Lets a connection-oriented transport progress (connect, drain its backlog). */
    default void poll(long nowNanos) {
    }

    /** True when templates must be repeated in the message stream (UDP, RFC 7011 section 8.4). */
    boolean wantsTemplateRefresh();

    @Override
    void close();
}
