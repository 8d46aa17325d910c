package io.pushcap.pcap;

import io.pushcap.PushcapException;

/**
 * A capture file that is not what it claims to be: unknown magic, a length that cannot be, or
 * data that ends in the middle of a record. The message names the file, the byte offset and how
 * many records were read before the problem, so nothing short is ever taken for complete.
 */
public final class CorruptCaptureException extends PushcapException {
    private final long offset;
    private final long recordsRead;

    public CorruptCaptureException(String file, long offset, long recordsRead, String problem) {
        super(file + ": " + problem + " at byte offset " + offset + " (after " + recordsRead + " records)");
        this.offset = offset;
        this.recordsRead = recordsRead;
    }

    public long offset() {
        return offset;
    }

    public long recordsRead() {
        return recordsRead;
    }
}
