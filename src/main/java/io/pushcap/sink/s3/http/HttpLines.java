package io.pushcap.sink.s3.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reading the CRLF-terminated lines of a response's head and chunk headers. */
final class HttpLines {
    /** Longer header lines than this are refused: a server sending them is not an S3 server. */
    static final int MAX_LINE = 64 << 10;

    private HttpLines() {
    }

    /** The next line without its CRLF (a bare LF is accepted); EOF before any byte fails. */
    static String read(InputStream in) throws IOException {
        byte[] buf = new byte[128];
        int n = 0;
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new EOFException(n == 0 ? "connection closed by the server before a response"
                        : "connection closed by the server in the middle of a response line");
            }
            if (n == buf.length) {
                if (n >= MAX_LINE) {
                    throw new IOException("response line longer than " + MAX_LINE + " bytes");
                }
                buf = java.util.Arrays.copyOf(buf, n * 2);
            }
            buf[n++] = (byte) c;
        }
        if (n > 0 && buf[n - 1] == '\r') {
            n--;
        }
        return new String(buf, 0, n, StandardCharsets.ISO_8859_1);
    }
}
