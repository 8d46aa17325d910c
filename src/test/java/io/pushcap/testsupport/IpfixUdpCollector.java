package io.pushcap.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * A UDP socket on 127.0.0.1 (port 0) that plays an IPFIX collector for tests through the real
 * launcher: it decodes each datagram's sets on its own (RFC 7011 sections 3.1-3.4) and counts the
 * data records, learning record lengths from the Template Sets it receives.
 *
 * <p><b>Note:</b> not thread-safe; call {@link #receiveUntil} from the test thread. A data set
 * whose template has not been seen, or whose length is not a whole number of records, fails the
 * test with an AssertionError (the exporter must send templates first and no padding).
 */
public final class IpfixUdpCollector implements AutoCloseable {
    private final DatagramChannel ch;
    private final Map<Integer, Integer> recordLength = new HashMap<>();
    private final Map<Integer, int[][]> fieldsOf = new HashMap<>();
    private final java.util.List<Map<Integer, Long>> dataRecords = new java.util.ArrayList<>();
    private long records;
    private long messages;
    private long lastSequenceEnd = -1;
    private long sequenceErrors;

    public IpfixUdpCollector() throws IOException {
        ch = DatagramChannel.open();
        ch.setOption(StandardSocketOptions.SO_RCVBUF, 16 << 20);
        ch.bind(new InetSocketAddress("127.0.0.1", 0));
        ch.configureBlocking(false);
    }

    public int port() throws IOException {
        return ((InetSocketAddress) ch.getLocalAddress()).getPort();
    }

    /** Data records received so far. */
    public long records() {
        return records;
    }

    /**
     * Every data record received, as IANA element id to value (unsigned, big-endian; addresses as
     * their 32-bit number; elements longer than 8 bytes and enterprise elements are left out).
     */
    public java.util.List<Map<Integer, Long>> dataRecords() {
        return dataRecords;
    }

    public long messages() {
        return messages;
    }

    /** Messages whose sequence number was not the previous one's plus its record count. */
    public long sequenceErrors() {
        return sequenceErrors;
    }

    /**
     * Receives datagrams until {@code done} holds, then keeps receiving until nothing more arrives
     * for {@code quiet} (so that an extra, duplicated datagram would still be counted), or until
     * {@code timeout} passes.
     */
    public void receiveUntil(BooleanSupplier done, Duration quiet, Duration timeout) throws IOException,
            InterruptedException {
        ByteBuffer b = ByteBuffer.allocate(65_536);
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastArrival = System.nanoTime();
        while (System.nanoTime() < deadline) {
            b.clear();
            if (ch.receive(b) != null) {
                b.flip();
                decode(b);
                lastArrival = System.nanoTime();
                continue;
            }
            if (done.getAsBoolean() && System.nanoTime() - lastArrival >= quiet.toNanos()) {
                return;
            }
            Thread.sleep(2); // polling a non-blocking socket under a deadline
        }
    }

    private void decode(ByteBuffer m) {
        if (m.remaining() < 16 || m.getShort(0) != 10) {
            throw new AssertionError("not an IPFIX message (" + m.remaining() + " bytes)");
        }
        int len = m.getShort(2) & 0xffff;
        if (len != m.remaining()) {
            throw new AssertionError("IPFIX length " + len + " but datagram of " + m.remaining());
        }
        long seq = m.getInt(8) & 0xffff_ffffL;
        if (lastSequenceEnd >= 0 && seq != lastSequenceEnd) {
            sequenceErrors++;
        }
        messages++;
        long inMessage = 0;
        int pos = 16;
        while (pos + 4 <= len) {
            int setId = m.getShort(pos) & 0xffff;
            int setLen = m.getShort(pos + 2) & 0xffff;
            if (setLen < 4 || pos + setLen > len) {
                throw new AssertionError("set " + setId + " of length " + setLen + " at " + pos + " overruns the message");
            }
            if (setId == 2) {
                int p = pos + 4;
                while (p + 4 <= pos + setLen) {
                    int id = m.getShort(p) & 0xffff;
                    int fields = m.getShort(p + 2) & 0xffff;
                    p += 4;
                    int rl = 0;
                    int[][] fs = new int[fields][];
                    for (int f = 0; f < fields; f++) {
                        int ie = m.getShort(p) & 0xffff;
                        int fl = m.getShort(p + 2) & 0xffff;
                        fs[f] = new int[]{ie, fl};
                        rl += fl;
                        p += (ie & 0x8000) != 0 ? 8 : 4;
                    }
                    recordLength.put(id, rl);
                    fieldsOf.put(id, fs);
                }
            } else if (setId >= 256) {
                Integer rl = recordLength.get(setId);
                if (rl == null) {
                    throw new AssertionError("data set of template " + setId + " before its template");
                }
                int body = setLen - 4;
                if (body % rl != 0) {
                    throw new AssertionError("data set of " + body + " bytes is not whole records of " + rl);
                }
                inMessage += body / rl;
                for (int r = pos + 4; r + rl <= pos + setLen; r += rl) {
                    Map<Integer, Long> rec = new HashMap<>();
                    int off = r;
                    for (int[] f : fieldsOf.get(setId)) {
                        if ((f[0] & 0x8000) == 0 && f[1] <= 8) {
                            long v = 0;
                            for (int i = 0; i < f[1]; i++) {
                                v = (v << 8) | (m.get(off + i) & 0xff);
                            }
                            rec.put(f[0], v);
                        }
                        off += f[1];
                    }
                    dataRecords.add(rec);
                }
            }
            pos += setLen;
        }
        records += inMessage;
        lastSequenceEnd = (seq + inMessage) & 0xffff_ffffL;
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
