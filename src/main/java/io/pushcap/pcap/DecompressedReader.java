package io.pushcap.pcap;

import java.io.IOException;

/**
 * A capture reader over a {@link CompressedInput}: reads as the inner reader does, and when the
 * compressed data was damaged, turns the end it caused (clean at a record boundary, or a
 * truncated record) into a {@link CorruptCaptureException} that names the codec and the decoder's
 * reason, so a damaged archive is reported like a damaged capture: the whole packets before the
 * damage are read, then the file and the (uncompressed) offset are named.
 *
 * <p><b>Note:</b> not thread-safe, like every reader.
 */
final class DecompressedReader implements CaptureReader {
    private final String name;
    private final CompressedInput input;
    private final CaptureReader inner;

    DecompressedReader(String name, CompressedInput input, CaptureReader inner) {
        this.name = name;
        this.input = input;
        this.inner = inner;
    }

    @Override
    public boolean next(Packet packet) throws IOException {
        boolean more;
        try {
            more = inner.next(packet);
        } catch (CorruptCaptureException e) {
            if (input.problem() == null) {
                throw e;
            }
            throw damaged(name, input, e.offset(), e.recordsRead(), e);
        }
        if (!more && input.problem() != null) {
            throw damaged(name, input, inner.bytesRead(), inner.recordsRead(), null);
        }
        return more;
    }

    /** The damage as the capture reader would report it, with the decoder's reason when it had one. */
    static CorruptCaptureException damaged(String name, CompressedInput input, long offset, long records,
                                           CorruptCaptureException readerSaw) {
        if (input.problem() == null) {
            return readerSaw;
        }
        String reason = input.problem().getMessage() == null ? input.problem().getClass().getSimpleName()
                : input.problem().getMessage();
        CorruptCaptureException e = new CorruptCaptureException(name, offset, records,
                "damaged " + input.codec() + " data (" + reason + "), the uncompressed capture ends");
        e.initCause(input.problem());
        return e;
    }

    @Override
    public int linkType() {
        return inner.linkType();
    }

    @Override
    public int snaplen() {
        return inner.snaplen();
    }

    @Override
    public long recordsRead() {
        return inner.recordsRead();
    }

    @Override
    public long bytesRead() {
        return inner.bytesRead();
    }

    @Override
    public long sizeHint() {
        return -1;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String format() {
        return inner.format() + ", " + input.codec() + "-compressed";
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }
}
