package io.pushcap.sink.s3.http;

import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;

/**
 * The S3 client's HTTP/1.1 transport: keep-alive connections over plain TCP or TLS (the JDK's
 * default trust store), request bodies written to the socket in large blocks.
 *
 * <p>Why not the SDK's URL-connection client: it copies a body through four stream layers in
 * 4 KiB steps (about 200,000 calls and system calls per GB), which cost a 1 GB S3 push 0.7 CPU-s
 * of Java copying and made the JIT compile that stream stack; here a body moves in 256 KiB
 * blocks, one socket write each (docs/performance.md, target 5).
 *
 * <p>HTTP as the SDK's requests need it: Content-Length or chunked request bodies; responses
 * framed by Content-Length, chunked coding or the end of the connection; 1xx interim responses
 * skipped. {@code Expect: 100-continue} is not sent (the body follows the head at once, which
 * RFC 9110 allows; SigV4 does not sign that header). A request that fails on a reused
 * connection before any response byte arrived is sent once more on a new connection: the
 * server may have closed the idle connection in the meantime. When sending fails on a new
 * connection, the response the server may have sent before closing it (a refusal such as 403
 * AccessDenied, sent without reading the body) is returned instead of the write error.
 *
 * <p><b>Note:</b> thread-safe: each request uses its own connection (taken from the pool or
 * opened); {@link ExecutableHttpRequest#abort()} closes it from any thread. Reads time out after
 * the socket timeout; connection failures are IOExceptions naming the endpoint.
 */
public final class HttpTransport implements SdkHttpClient {
    private static final long MAX_IDLE_NANOS = 15_000_000_000L;

    private final int connectTimeoutMillis;
    private final int readTimeoutMillis;
    private final SSLSocketFactory tls;
    private final ConnectionPool pool = new ConnectionPool(MAX_IDLE_NANOS);

    HttpTransport(Duration connectTimeout, Duration readTimeout, SSLSocketFactory tls) {
        this.connectTimeoutMillis = Math.toIntExact(connectTimeout.toMillis());
        this.readTimeoutMillis = Math.toIntExact(readTimeout.toMillis());
        this.tls = tls;
    }

    /** A transport with the JDK's default TLS context. */
    public static HttpTransport create(Duration connectTimeout, Duration readTimeout) {
        try {
            return new HttpTransport(connectTimeout, readTimeout, SSLContext.getDefault().getSocketFactory());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no default TLS context", e);
        }
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        return new Exchange(request);
    }

    @Override
    public String clientName() {
        return "pushcap";
    }

    @Override
    public void close() {
        pool.close();
    }

    HttpConnection connect(Endpoint ep) throws IOException {
        try {
            return HttpConnection.open(ep, connectTimeoutMillis, readTimeoutMillis, tls);
        } catch (IOException e) {
            throw new IOException("cannot connect to " + (ep.tls() ? "https://" : "http://") + ep.hostHeader()
                    + ": " + e.getMessage(), e);
        }
    }

    /** One request, possibly sent twice (a stale pooled connection). */
    private final class Exchange implements ExecutableHttpRequest {
        private final HttpExecuteRequest request;
        private volatile HttpConnection conn;
        private volatile boolean aborted;

        Exchange(HttpExecuteRequest request) {
            this.request = request;
        }

        @Override
        public HttpExecuteResponse call() throws IOException {
            SdkHttpRequest r = request.httpRequest();
            Endpoint ep = Endpoint.of(r.protocol(), r.host(), r.port());
            ContentStreamProvider body = request.contentStreamProvider().orElse(null);
            while (true) {
                HttpConnection c = pool.take(ep);
                boolean reused = c != null;
                if (c == null) {
                    c = connect(ep);
                }
                conn = c;
                if (aborted) {
                    c.close();
                    throw new IOException("request aborted");
                }
                HttpExchange x = new HttpExchange(c, r, body);
                try {
                    try {
                        x.send();
                    } catch (IOException sendFailed) {
                        if (reused || aborted || sendFailed instanceof RequestException) {
                            throw sendFailed;
                        }
                        return x.receiveAfterFailedSend(sendFailed);
                    }
                    return x.receive(pool::release);
                } catch (IOException e) {
                    c.close();
                    if (reused && !x.responseStarted() && !aborted && !(e instanceof RequestException)) {
                        continue;
                    }
                    throw e;
                }
            }
        }

        @Override
        public void abort() {
            aborted = true;
            HttpConnection c = conn;
            if (c != null) {
                c.close();
            }
        }
    }
}
