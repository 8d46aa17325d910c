package io.pushcap.sink.s3.http;

import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One request and its response on one connection: writes the head and the body, reads the
 * status line and headers, and hands the body over framed ({@link ResponseBody}).
 *
 * <p><b>Note:</b> not thread-safe; single use. Header names or values with CR or LF are refused
 * (IOException) before anything is sent.
 */
final class HttpExchange {
    /** A body moves to the socket in blocks of this size: one write(2) each. */
    static final int BODY_BLOCK = 256 << 10;

    private final HttpConnection conn;
    private final SdkHttpRequest request;
    private final ContentStreamProvider body;
    private boolean responseStarted;

    HttpExchange(HttpConnection conn, SdkHttpRequest request, ContentStreamProvider body) {
        this.conn = conn;
        this.request = request;
        this.body = body;
    }

    boolean responseStarted() {
        return responseStarted;
    }

    void send() throws IOException {
        long length = contentLength();
        OutputStream out = conn.out();
        out.write(head(length).getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            try (InputStream s = body.newStream()) {
                if (length >= 0) {
                    writeExactly(s, out, length);
                } else {
                    writeChunked(s, out);
                }
            }
        }
        out.flush();
    }

    private long contentLength() throws IOException {
        String v = header("Content-Length");
        if (v == null) {
            return body == null ? 0 : -1;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new RequestException("request Content-Length: '" + v + "' (expected a number of bytes)");
        }
    }

    private String head(long length) throws IOException {
        StringBuilder h = new StringBuilder(512);
        String path = request.encodedPath();
        h.append(request.method().name()).append(' ').append(path == null || path.isEmpty() ? "/" : path);
        request.encodedQueryParameters().ifPresent(q -> h.append('?').append(q));
        h.append(" HTTP/1.1\r\n");
        if (header("Host") == null) {
            line(h, "Host", Endpoint.of(request.protocol(), request.host(), request.port()).hostHeader());
        }
        for (Map.Entry<String, List<String>> e : request.headers().entrySet()) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (!name.equals("expect") && !name.equals("connection") && !name.equals("transfer-encoding")) {
                line(h, e.getKey(), String.join(",", e.getValue()));
            }
        }
        if (length < 0) {
            line(h, "Transfer-Encoding", "chunked");
        } else if (header("Content-Length") == null && sendsLength()) {
            line(h, "Content-Length", "0");
        }
        return h.append("\r\n").toString();
    }

    private boolean sendsLength() {
        SdkHttpMethod m = request.method();
        return m == SdkHttpMethod.PUT || m == SdkHttpMethod.POST || m == SdkHttpMethod.PATCH;
    }

    private static void line(StringBuilder h, String name, String value) throws IOException {
        if (name.indexOf('\r') >= 0 || name.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new RequestException("request header " + name
                    + ": a line break in a header (refused: it would split the request)");
        }
        h.append(name).append(": ").append(value).append("\r\n");
    }

    private String header(String name) {
        return request.firstMatchingHeader(name).orElse(null);
    }

    private static void writeExactly(InputStream s, OutputStream out, long length) throws IOException {
        byte[] buf = new byte[(int) Math.min(BODY_BLOCK, Math.max(length, 1))];
        long left = length;
        while (left > 0) {
            int n = read(s, buf, (int) Math.min(buf.length, left));
            if (n == 0) {
                throw new RequestException("request body ended after " + (length - left) + " of its Content-Length "
                        + length + " bytes");
            }
            out.write(buf, 0, n);
            left -= n;
        }
    }

    private static void writeChunked(InputStream s, OutputStream out) throws IOException {
        byte[] buf = new byte[BODY_BLOCK];
        for (int n; (n = read(s, buf, buf.length)) > 0; ) {
            out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(buf, 0, n);
            out.write(CRLF);
        }
        out.write(LAST_CHUNK);
    }

    private static int read(InputStream s, byte[] buf, int n) throws RequestException {
        try {
            return s.readNBytes(buf, 0, n);
        } catch (IOException e) {
            throw new RequestException("reading the request body: " + e.getMessage(), e);
        }
    }

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    /**
     * After the request could not be sent whole: the response the server sent before it closed
     * the connection (the connection is not reused), or {@code sendFailed} when there is none.
     */
    HttpExecuteResponse receiveAfterFailedSend(IOException sendFailed) throws IOException {
        try {
            return receive(null);
        } catch (IOException noResponse) {
            sendFailed.addSuppressed(noResponse);
            throw sendFailed;
        }
    }

    /**
     * Reads the response head; the body releases the connection to {@code pool} at its end, or
     * closes it when the server does not keep it alive or {@code pool} is null.
     */
    HttpExecuteResponse receive(Consumer<HttpConnection> pool) throws IOException {
        InputStream in = conn.in();
        String status;
        int code;
        Map<String, List<String>> headers;
        do {
            status = HttpLines.read(in);
            responseStarted = true;
            code = statusCode(status);
            headers = readHeaders(in);
        } while (code >= 100 && code < 200);
        boolean keepAlive = pool != null && status.startsWith("HTTP/1.1") && !hasToken(headers, "Connection", "close");
        boolean noBody = request.method() == SdkHttpMethod.HEAD || code == 204 || code == 304;
        boolean chunked = !noBody && hasToken(headers, "Transfer-Encoding", "chunked");
        long length = noBody ? 0 : chunked ? -1 : length(headers);
        ResponseBody rb = ResponseBody.of(conn, length, chunked, keepAlive, () -> pool.accept(conn));
        int sp = status.indexOf(' ', status.indexOf(' ') + 1);
        SdkHttpResponse.Builder resp = SdkHttpResponse.builder().statusCode(code).headers(headers);
        if (sp > 0) {
            resp.statusText(status.substring(sp + 1));
        }
        return HttpExecuteResponse.builder().response(resp.build())
                .responseBody(AbortableInputStream.create(rb, rb::abort)).build();
    }

    private static int statusCode(String status) throws IOException {
        String[] p = status.split(" ", 3);
        if (p.length < 2 || !p[0].startsWith("HTTP/1.")) {
            throw new IOException("response status line: '" + status + "' (expected HTTP/1.x and a status code)");
        }
        try {
            return Integer.parseInt(p[1]);
        } catch (NumberFormatException e) {
            throw new IOException("response status line: '" + status + "' (expected a numeric status code)");
        }
    }

    private static Map<String, List<String>> readHeaders(InputStream in) throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String line; !(line = HttpLines.read(in)).isEmpty(); ) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("response header: '" + line + "' (expected Name: value)");
            }
            headers.computeIfAbsent(line.substring(0, colon).trim(), k -> new ArrayList<>(1))
                    .add(line.substring(colon + 1).trim());
        }
        return headers;
    }

    private static List<String> values(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return List.of();
    }

    private static boolean hasToken(Map<String, List<String>> headers, String name, String token) {
        for (String v : values(headers, name)) {
            for (String t : v.split(",")) {
                if (t.trim().equalsIgnoreCase(token)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static long length(Map<String, List<String>> headers) throws IOException {
        List<String> v = values(headers, "Content-Length");
        if (v.isEmpty()) {
            return -1;
        }
        try {
            return Long.parseLong(v.get(0).trim());
        } catch (NumberFormatException e) {
            throw new IOException("response Content-Length: '" + v.get(0) + "' (expected a number of bytes)");
        }
    }
}
