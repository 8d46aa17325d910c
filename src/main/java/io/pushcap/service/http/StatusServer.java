package io.pushcap.service.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.pushcap.PushcapException;
import io.pushcap.config.ServiceConfig;
import io.pushcap.internal.Redact;
import io.pushcap.service.LoaderComponent;
import io.pushcap.service.Service;

import io.pushcap.metrics.MetricsRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The service's HTTP listener (JDK {@code com.sun.net.httpserver}, 127.0.0.1:9487 by default):
 * {@code /} a self-contained status page that refreshes itself from {@code /status} every
 * second, {@code /status} JSON ({@link StatusJson}), {@code /metrics} Prometheus text (the
 * service's counters merged with those its push children report, labelled by schedule).
 *
 * <p>Limits ({@link #LIMITS}): each exchange runs on its own virtual thread, so a client that
 * sends half a request and waits holds only its own connection; a request must arrive whole within
 * 10 s and a response be sent within 30 s, an idle keep-alive connection is closed after 30 s,
 * at most 64 connections are open at once (enough for 16 and more from one dashboard or scraper)
 * and a request may carry at most 100 headers. They are the JDK server's
 * {@code sun.net.httpserver.*} and {@code jdk.httpserver.maxConnections} system properties, set
 * here unless already given (e.g. {@code PUSHCAP_JAVA_OPTS=-Djdk.httpserver.maxConnections=256}).
 *
 * <p><b>Note:</b> thread-safe; requests are served concurrently (the handlers only read the
 * service's thread-safe getters). {@link #bind} binds at once, so a port in use is reported
 * before anything starts; {@link #start()} begins answering. The JDK reads the limits once per
 * JVM, when the first server is created.
 */
public final class StatusServer implements AutoCloseable {
    private static final String PAGE = "status.html";
    /** The JDK server's limits (seconds, counts), applied before its configuration class loads. */
    static final java.util.Map<String, String> LIMITS = java.util.Map.of(
            "sun.net.httpserver.maxReqTime", "10",
            "sun.net.httpserver.maxRspTime", "30",
            "sun.net.httpserver.idleInterval", "30",
            "sun.net.httpserver.maxIdleConnections", "32",
            "sun.net.httpserver.maxReqHeaders", "100",
            "jdk.httpserver.maxConnections", "64");

    static {
        LIMITS.forEach((k, v) -> {
            if (System.getProperty(k) == null) {
                System.setProperty(k, v);
            }
        });
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Service service;

    private StatusServer(HttpServer server, Service service) {
        this.server = server;
        this.service = service;
        // One virtual thread per exchange: a slow client blocks only itself (the connection limit bounds how many).
        this.executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("http-", 0).factory());
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    public static StatusServer bind(ServiceConfig.HostPort at, Service service) {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(at.host(), at.port()), 32);
            return new StatusServer(s, service);
        } catch (BindException e) {
            throw new PushcapException("Http '" + at + "': address already in use (another pushcap serve? see: ss -ltnp"
                    + " 'sport = :" + at.port() + "'); stop it, or set Service.Http to a free port");
        } catch (IOException | IllegalArgumentException | SecurityException e) {
            throw new PushcapException("Http '" + at + "': cannot listen: " + e.getMessage()
                    + " (expected an address of this host, e.g. \"127.0.0.1:9487\")");
        }
    }

    public void start() {
        server.start();
    }

    /** host:port actually bound. */
    public String address() {
        InetSocketAddress a = server.getAddress();
        String h = a.getAddress().getHostAddress();
        return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + a.getPort();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String method = x.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                reply(x, 405, "text/plain; charset=utf-8", "GET only\n");
                return;
            }
            switch (x.getRequestURI().getPath()) {
                case "/", "/index.html" -> reply(x, 200, "text/html; charset=utf-8", page());
                case "/status" -> reply(x, 200, "application/json; charset=utf-8", Redact.text(StatusJson.of(service)));
                case "/metrics" -> reply(x, 200, "text/plain; version=0.0.4; charset=utf-8", Redact.text(metrics()));
                default -> reply(x, 404, "text/plain; charset=utf-8", "not found: try /, /status or /metrics\n");
            }
        } catch (RuntimeException e) {
            service.log().warn("http", x.getRequestURI() + ": " + e);
        }
    }

    private String metrics() {
        List<MetricsRegistry.Sample> children = new ArrayList<>();
        for (LoaderComponent l : service.loaders()) {
            children.addAll(ChildMetrics.parse(l.metricsText(), "schedule", l.name()));
        }
        return service.metrics().prometheus(children);
    }

    private static String page() throws IOException {
        try (InputStream in = StatusServer.class.getResourceAsStream(PAGE)) {
            if (in == null) {
                throw new IOException("missing resource " + PAGE);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void reply(HttpExchange x, int code, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", type);
        x.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = x.getRequestMethod().equals("HEAD");
        x.sendResponseHeaders(code, head ? -1 : b.length);
        if (!head) {
            try (OutputStream out = x.getResponseBody()) {
                out.write(b);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
