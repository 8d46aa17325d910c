package io.pushcap.sink.s3.http;

import javax.net.ServerSocketFactory;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A loopback HTTP/1.1 server that answers each request with the raw bytes a script gives: the
 * means to send a client exactly the framing under test (chunked bodies, interim responses,
 * dropped connections), and to see exactly what the client sent (head, body, connection).
 */
final class ScriptedHttpServer implements AutoCloseable {
    /** A request as received; {@code connection} counts accepted connections from 1. */
    record Request(int connection, String method, String target, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /**
     * Raw response bytes; {@code close}: close the connection after them; null bytes: never
     * answer; {@code beforeBody}: answer as soon as the head is in, without reading the body, and
     * close (as a server refusing a request does).
     */
    record Reply(byte[] bytes, boolean close, boolean beforeBody) {
        Reply(byte[] bytes, boolean close) {
            this(bytes, close, false);
        }

        static Reply beforeBody(String raw) {
            return new Reply(raw.getBytes(StandardCharsets.ISO_8859_1), true, true);
        }

        static Reply of(String raw) {
            return new Reply(raw.getBytes(StandardCharsets.ISO_8859_1), false);
        }

        static Reply closing(String raw) {
            return new Reply(raw.getBytes(StandardCharsets.ISO_8859_1), true);
        }

        static Reply silence() {
            return new Reply(null, false);
        }
    }

    private final ServerSocket server;
    private final Function<Request, Reply> script;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();
    private final Thread acceptor;

    private ScriptedHttpServer(ServerSocket server, Function<Request, Reply> script) {
        this.server = server;
        this.script = script;
        this.acceptor = Thread.ofPlatform().daemon().name("scripted-http").start(this::accept);
    }

    static ScriptedHttpServer start(Function<Request, Reply> script) throws IOException {
        return start(ServerSocketFactory.getDefault(), script);
    }

    static ScriptedHttpServer start(ServerSocketFactory f, Function<Request, Reply> script) throws IOException {
        return new ScriptedHttpServer(f.createServerSocket(0, 16, InetAddress.getLoopbackAddress()), script);
    }

    int port() {
        return server.getLocalPort();
    }

    List<Request> requests() {
        return requests;
    }

    int connections() {
        return connections.get();
    }

    /** Connections the server has closed (after a closing reply, or when the client went away). */
    int closedConnections() {
        return closed.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                int n = connections.incrementAndGet();
                Thread.ofPlatform().daemon().start(() -> serve(s, n));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s, int connection) {
        try (s) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            while (true) {
                String first = line(in);
                if (first == null) {
                    return;
                }
                String[] p = first.split(" ");
                Map<String, String> headers = new TreeMap<>();
                for (String l; !(l = line(in)).isEmpty(); ) {
                    int c = l.indexOf(':');
                    headers.put(l.substring(0, c).trim().toLowerCase(Locale.ROOT), l.substring(c + 1).trim());
                }
                // The script sees each request twice: its head (body empty), where it may answer
                // before the body, then the whole request.
                Request head = new Request(connection, p[0], p[1], headers, new byte[0]);
                Reply early = script.apply(head);
                if (early.beforeBody()) {
                    requests.add(head);
                    out.write(early.bytes());
                    out.flush();
                    s.shutdownOutput();
                    return;
                }
                byte[] body = body(in, headers);
                Request r = new Request(connection, p[0], p[1], headers, body);
                requests.add(r);
                Reply reply = script.apply(r);
                if (reply.bytes() == null) {
                    in.transferTo(OutputStream.nullOutputStream());
                    return;
                }
                out.write(reply.bytes());
                out.flush();
                if (reply.close()) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away: the test judges what it saw
        } finally {
            closed.incrementAndGet();
        }
    }

    private static byte[] body(InputStream in, Map<String, String> headers) throws IOException {
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int size; (size = Integer.parseInt(line(in).trim(), 16)) > 0; ) {
                b.write(in.readNBytes(size));
                line(in);
            }
            line(in);
            return b.toByteArray();
        }
        String len = headers.get("content-length");
        return len == null ? new byte[0] : in.readNBytes(Integer.parseInt(len));
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
            }
            b.write(c);
        }
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
