package io.pushcap.sink.s3.http;

import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Idle keep-alive connections by endpoint, most recently used first. A connection idle longer
 * than {@code maxIdleNanos} is closed instead of reused: servers drop idle connections after
 * some seconds (Jetty 30, S3 about 20), and a request on a dropped one fails late.
 *
 * <p><b>Note:</b> thread-safe; never blocks; holds no limit on connections (the sink bounds the
 * requests in flight).
 */
final class ConnectionPool implements AutoCloseable {
    private final Map<Endpoint, Deque<HttpConnection>> idle = new ConcurrentHashMap<>();
    private final long maxIdleNanos;
    private volatile boolean closed;

    ConnectionPool(long maxIdleNanos) {
        this.maxIdleNanos = maxIdleNanos;
    }

    /** An idle connection to {@code ep} still young enough to use, or null. */
    HttpConnection take(Endpoint ep) {
        Deque<HttpConnection> q = idle.get(ep);
        if (q == null) {
            return null;
        }
        long now = System.nanoTime();
        for (HttpConnection c; (c = q.pollFirst()) != null; ) {
            if (now - c.idleSince() <= maxIdleNanos) {
                return c;
            }
            c.close();
        }
        return null;
    }

    /** Keeps {@code c} for the next request to its endpoint. */
    void release(HttpConnection c) {
        if (closed) {
            c.close();
            return;
        }
        c.idleSince(System.nanoTime());
        idle.computeIfAbsent(c.endpoint(), k -> new ConcurrentLinkedDeque<>()).addFirst(c);
        if (closed) {
            close();
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Deque<HttpConnection> q : idle.values()) {
            for (HttpConnection c; (c = q.pollFirst()) != null; ) {
                c.close();
            }
        }
    }
}
