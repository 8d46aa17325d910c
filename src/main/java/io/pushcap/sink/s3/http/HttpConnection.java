package io.pushcap.sink.s3.http;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * One HTTP/1.1 connection (plain TCP or TLS) to an S3 endpoint, with buffered streams that a
 * request and its response share. Large writes (a part's body) bypass the output buffer and go
 * to the socket in one call each.
 *
 * <p><b>Note:</b> used by one request at a time; {@link #close()} may be called from another
 * thread to abort a request blocked in I/O. A read blocks at most the socket timeout.
 */
final class HttpConnection implements AutoCloseable {
    private static final int OUT_BUFFER = 64 << 10;
    private static final int IN_BUFFER = 16 << 10;

    private final Endpoint endpoint;
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private long idleSince;

    private HttpConnection(Endpoint endpoint, Socket socket) throws IOException {
        this.endpoint = endpoint;
        this.socket = socket;
        this.out = new BufferedOutputStream(socket.getOutputStream(), OUT_BUFFER);
        this.in = new BufferedInputStream(socket.getInputStream(), IN_BUFFER);
    }

    static HttpConnection open(Endpoint ep, int connectTimeoutMillis, int readTimeoutMillis, SSLSocketFactory tls)
            throws IOException {
        Socket raw = new Socket();
        try {
            raw.setTcpNoDelay(true);
            raw.connect(new InetSocketAddress(ep.host(), ep.port()), connectTimeoutMillis);
            raw.setSoTimeout(readTimeoutMillis);
            if (!ep.tls()) {
                return new HttpConnection(ep, raw);
            }
            SSLSocket s = (SSLSocket) tls.createSocket(raw, ep.host(), ep.port(), true);
            SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(p);
            s.startHandshake();
            return new HttpConnection(ep, s);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    Endpoint endpoint() {
        return endpoint;
    }

    OutputStream out() {
        return out;
    }

    InputStream in() {
        return in;
    }

    void idleSince(long nanos) {
        idleSince = nanos;
    }

    long idleSince() {
        return idleSince;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing to abort or discard: nothing is left to do with an error here
        }
    }
}
