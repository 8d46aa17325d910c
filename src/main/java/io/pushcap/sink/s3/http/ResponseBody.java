package io.pushcap.sink.s3.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * A response body framed by Content-Length, by chunked transfer coding, or by the end of the
 * connection. When the body has been read to its end the connection goes back to the pool (if
 * the server keeps it alive); closing the stream early drains a short remainder so the
 * connection can still be reused, and closes the connection otherwise.
 *
 * <p><b>Note:</b> not thread-safe (the SDK reads a response on the calling thread); a malformed
 * chunk header fails the read with an IOException naming what was seen.
 */
final class ResponseBody extends InputStream {
    private static final long DRAIN_LIMIT = 256 << 10;

    private final HttpConnection conn;
    private final InputStream in;
    private final boolean chunked;
    private final boolean reusable;
    private final Runnable onReusable;
    /** Bytes left in the body (length-framed) or in the current chunk; -1: to EOF. */
    private long remaining;
    private boolean done;
    private boolean closed;

    private ResponseBody(HttpConnection conn, long length, boolean chunked, boolean reusable, Runnable onReusable) {
        this.conn = conn;
        this.in = conn.in();
        this.chunked = chunked;
        this.reusable = reusable;
        this.onReusable = onReusable;
        this.remaining = length;
    }

    /** A body of {@code length} bytes, or chunked, or (length -1, not chunked) up to EOF. */
    static ResponseBody of(HttpConnection conn, long length, boolean chunked, boolean keepAlive, Runnable release) {
        boolean toEof = !chunked && length < 0;
        ResponseBody b = new ResponseBody(conn, chunked ? 0 : length, chunked, keepAlive && !toEof, release);
        if (!chunked && length == 0) {
            b.finish();
        }
        return b;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("response body read after close");
        }
        if (done) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        if (chunked && remaining == 0 && !nextChunk()) {
            return -1;
        }
        int want = remaining < 0 ? len : (int) Math.min(len, remaining);
        int n = in.read(b, off, want);
        if (n < 0) {
            if (remaining < 0) {
                finish();
                return -1;
            }
            throw new EOFException("connection closed with " + remaining + " bytes of the response body unread");
        }
        if (remaining > 0) {
            remaining -= n;
            if (remaining == 0 && !chunked) {
                finish();
            } else if (remaining == 0) {
                expectCrlf();
            }
        }
        return n;
    }

    /** Reads the next chunk header; false (and the trailers read) at the last chunk. */
    private boolean nextChunk() throws IOException {
        String line = HttpLines.read(in);
        int semi = line.indexOf(';');
        String hex = (semi < 0 ? line : line.substring(0, semi)).trim();
        long size;
        try {
            size = Long.parseLong(hex, 16);
        } catch (NumberFormatException e) {
            throw new IOException("chunked response: '" + line + "' (expected a hexadecimal chunk size)");
        }
        if (size < 0) {
            throw new IOException("chunked response: '" + line + "' (expected a chunk size >= 0)");
        }
        if (size == 0) {
            while (!HttpLines.read(in).isEmpty()) {
                // trailers: S3 sends none the SDK needs
            }
            finish();
            return false;
        }
        remaining = size;
        return true;
    }

    private void expectCrlf() throws IOException {
        String rest = HttpLines.read(in);
        if (!rest.isEmpty()) {
            throw new IOException("chunked response: '" + rest + "' after a chunk (expected an empty line)");
        }
    }

    private void finish() {
        if (!done) {
            done = true;
            if (reusable) {
                onReusable.run();
            } else {
                conn.close();
            }
        }
    }

    /** Drops the connection: the SDK gave up on this response. */
    void abort() {
        if (!done) {
            done = true;
            conn.close();
        }
        closed = true;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (!done) {
            try {
                byte[] skip = new byte[8192];
                long drained = 0;
                while (!done && drained <= DRAIN_LIMIT) {
                    int n = read(skip, 0, skip.length);
                    if (n < 0) {
                        break;
                    }
                    drained += n;
                }
            } catch (IOException e) {
                // not reusable then; closed below
            }
            if (!done) {
                done = true;
                conn.close();
            }
        }
        closed = true;
    }
}
