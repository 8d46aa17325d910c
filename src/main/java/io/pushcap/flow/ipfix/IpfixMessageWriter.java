package io.pushcap.flow.ipfix;

import io.pushcap.flow.FlowTable;

import java.nio.ByteBuffer;
import java.util.List;

import static io.pushcap.flow.ipfix.IpfixDescriptor.*;

/**
 * Assembles one IPFIX message at a time in a buffer of at most {@code mtu} bytes: the header, an
 * optional Template Set, then Data Sets, one per run of records of the same template.
 *
 * <p><b>Note:</b> not thread-safe. {@link #finish()} returns a view of the writer's own buffer,
 * valid until the next {@link #begin}.
 */
public final class IpfixMessageWriter {
    private final ByteBuffer buf;
    private final int mtu;
    private int pos;
    private int setStart = -1;
    private int setId = -1;
    private int records;
    private int templateRecords;
    private boolean open;

    public IpfixMessageWriter(int mtu) {
        this.mtu = mtu;
        this.buf = ByteBuffer.allocateDirect(mtu); // big-endian, as IPFIX is
    }

    /** Starts a message: header with the export time (s), sequence number and domain. */
    public void begin(long exportTimeSeconds, long sequence, long domain) {
        buf.clear();
        buf.putShort(VERSION_OFFSET, (short) VERSION);
        buf.putInt(EXPORT_TIME_OFFSET, (int) exportTimeSeconds);
        buf.putInt(SEQUENCE_OFFSET, (int) sequence);
        buf.putInt(DOMAIN_OFFSET, (int) domain);
        pos = MESSAGE_HEADER_LENGTH;
        setStart = -1;
        setId = -1;
        records = 0;
        templateRecords = 0;
        open = true;
    }

    public boolean isOpen() {
        return open;
    }

    /**
     * Writes a Template Set with as many of {@code templates} from index {@code from} as fit;
     * returns how many it wrote. Call before any data record of the message.
     */
    public int writeTemplates(List<IpfixTemplate> templates, int from) {
        if (records > 0 || setStart >= 0) {
            throw new IllegalStateException("templates must precede the data of a message");
        }
        int p = pos + SET_HEADER_LENGTH;
        int n = 0;
        for (int i = from; i < templates.size(); i++) {
            IpfixTemplate t = templates.get(i);
            if (p + t.templateRecordLength() > mtu) {
                break;
            }
            p = t.writeTemplateRecord(buf, p);
            n++;
        }
        if (n > 0) {
            buf.putShort(pos + SET_ID_OFFSET, (short) TEMPLATE_SET_ID);
            buf.putShort(pos + SET_LENGTH_OFFSET, (short) (p - pos));
            pos = p;
            templateRecords += n;
        }
        return n;
    }

    /** Appends flow {@code f} as a record of {@code tpl}; false when the message has no room left. */
    public boolean addRecord(IpfixTemplate tpl, RecordEncoder encoder, FlowTable table, int f, int reason) {
        boolean newSet = setId != tpl.id();
        int need = tpl.recordLength() + (newSet ? SET_HEADER_LENGTH : 0);
        if (pos + need > mtu) {
            return false;
        }
        if (newSet) {
            closeSet();
            setStart = pos;
            setId = tpl.id();
            buf.putShort(pos + SET_ID_OFFSET, (short) setId);
            pos += SET_HEADER_LENGTH;
        }
        pos = encoder.encode(buf, pos, tpl, table, f, reason);
        records++;
        return true;
    }

    private void closeSet() {
        if (setStart >= 0) {
            buf.putShort(setStart + SET_LENGTH_OFFSET, (short) (pos - setStart));
            setStart = -1;
            setId = -1;
        }
    }

    /** Bytes left before the message reaches the MTU. */
    public int room() {
        return mtu - pos;
    }

    /** Data records in the open message. */
    public int records() {
        return records;
    }

    /** Template records in the open message. */
    public int templateRecords() {
        return templateRecords;
    }

    /** Closes the message and returns it (position 0, limit its length). */
    public ByteBuffer finish() {
        closeSet();
        buf.putShort(LENGTH_OFFSET, (short) pos);
        open = false;
        return buf.duplicate().position(0).limit(pos);
    }
}
