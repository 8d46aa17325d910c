package io.pushcap.sink.tap;

/**
 * Hands a {@link SendBatch} to the kernel: out of a NIC (packet socket), to a GRE endpoint (raw
 * IP socket) or to a VXLAN endpoint (UDP sockets).
 *
 * <p><b>Note:</b> not thread-safe: used by the tap's thread. A transmitter never throws on a
 * datagram the kernel refuses; it returns the errno so the caller can count it.
 */
interface Transmitter extends AutoCloseable {
    /** No limit below the kernel's own (a NIC's MTU is checked by the kernel). */
    int UNLIMITED = Integer.MAX_VALUE;

    /** A batch whose message headers suit this transmitter. */
    SendBatch newBatch(int capacity, int bufferBytes);

    /**
     * Sends datagrams {@code from .. batch.count()-1}.
     *
     * @return how many the kernel took (at least 1), or the negative errno of datagram {@code from}
     */
    int send(SendBatch batch, int from);

    /** Bytes the outer IP (and UDP) headers add to each datagram: 0 for a NIC. */
    int overhead();

    /** The largest datagram that goes without IP fragmentation (the MTU less {@link #overhead()}). */
    int unfragmentedLimit();

    /** The largest datagram that can go at all, or {@link #UNLIMITED} when the kernel decides. */
    int sendLimit();

    /** The interface MTU or path MTU, as the kernel reports it now (re-read on each call). */
    int refreshMtu();

    /** Where datagrams go, for messages: "vethA", "10.0.0.2". */
    String describe();

    @Override
    void close();
}
