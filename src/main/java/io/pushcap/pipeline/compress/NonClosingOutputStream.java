package io.pushcap.pipeline.compress;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Passes writes and flushes through but not {@link #close()}: compressor libraries close the
 * stream they wrap when they finish, and {@link Compressor#open} promises not to close the sink.
 *
 * <p><b>Note:</b> as thread-safe as the wrapped stream; no buffering of its own.
 */
final class NonClosingOutputStream extends FilterOutputStream {
    NonClosingOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
        out.flush();
    }
}
