package io.pushcap.flow.control;

import io.pushcap.PushcapException;
import io.pushcap.flow.FlowEntry;
import io.pushcap.flow.FlowMeter;
import io.pushcap.flow.FlowMeterLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Serves {@code flows dump}, {@code flows status} and {@code flows flush} for a running meter on a UNIX domain socket
 * ({@link FlowControlProtocol}). Requests run on the meter thread through
 * {@link FlowMeterLoop#submit}, so the cache is never touched from two threads.
 *
 * <p><b>Note:</b> one daemon thread accepts and answers one client at a time. {@link #start}
 * refuses a path where another live meter answers, and replaces a stale socket file.
 * {@link #close()} stops the thread and removes the socket file.
 */
public final class FlowControlServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FlowControlServer.class);
    private static final long ANSWER_TIMEOUT_SECONDS = 30;

    private final Path path;
    private final ServerSocketChannel server;
    private final FlowMeterLoop loop;
    private final Function<FlowMeter, MeterStatus> status;
    private final Thread thread;
    private final Object fileKey;
    private volatile boolean closed;

    private FlowControlServer(Path path, ServerSocketChannel server, FlowMeterLoop loop,
                              Function<FlowMeter, MeterStatus> status, Object fileKey) {
        this.path = path;
        this.server = server;
        this.loop = loop;
        this.status = status;
        this.fileKey = fileKey;
        this.thread = Thread.ofPlatform().daemon().name("flows-control").unstarted(this::serve);
    }

    /** Binds {@code path} (creating its directory) and starts answering; {@code status} requests are refused. */
    public static FlowControlServer start(Path path, FlowMeterLoop loop) {
        return start(path, loop, null);
    }

    /**
     * Binds {@code path} (creating its directory) and starts answering; {@code status} (run on the
     * meter thread) answers {@code flows status}.
     */
    public static FlowControlServer start(Path path, FlowMeterLoop loop, Function<FlowMeter, MeterStatus> status) {
        try {
            Path dir = path.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            if (Files.exists(path)) {
                if (answers(path)) {
                    throw new PushcapException("control socket " + path + ": another flow meter is serving it"
                            + " (stop it, or give this one another --control path)");
                }
                Files.delete(path);
            }
            ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            s.bind(UnixDomainSocketAddress.of(path));
            FlowControlServer c = new FlowControlServer(path, s, loop, status, fileKey(path));
            c.thread.start();
            return c;
        } catch (IOException e) {
            throw new PushcapException("control socket " + path + ": " + e.getMessage(), e);
        }
    }

    private static Object fileKey(Path path) {
        try {
            return Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean answers(Path path) {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            return ch.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    public Path path() {
        return path;
    }

    private void serve() {
        while (!closed) {
            try (SocketChannel client = server.accept()) {
                answer(client);
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("control socket {}: {}", path, e.getMessage());
                }
            }
        }
    }

    private void answer(SocketChannel client) throws IOException {
        String line = readLine(client);
        var out = Channels.newWriter(client, StandardCharsets.UTF_8);
        try {
            FlowControlProtocol.Request req = FlowControlProtocol.parseRequest(line);
            if (req.dump()) {
                List<FlowEntry> flows = get(loop.submit(m -> m.snapshot()));
                for (FlowEntry e : flows) {
                    out.write(FlowControlProtocol.flowLine(e));
                    out.write('\n');
                }
                out.write("ok " + flows.size() + "\n");
            } else if (req.status()) {
                if (status == null) {
                    throw new PushcapException("this meter does not report its status");
                }
                MeterStatus st = get(loop.submit(status));
                for (String l : st.lines()) {
                    out.write(l);
                    out.write('\n');
                }
                out.write("ok 0\n");
            } else {
                int n = get(loop.submit(m -> m.flush(req.filter())));
                out.write("ok " + n + "\n");
            }
        } catch (PushcapException e) {
            out.write("error " + e.getMessage().replace('\n', ' ') + "\n");
        }
        out.flush();
    }

    private static <T> T get(java.util.concurrent.CompletableFuture<T> f) {
        try {
            return f.get(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PushcapException("interrupted while waiting for the meter");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof PushcapException p ? p : new PushcapException("the meter failed: " + c);
        } catch (TimeoutException e) {
            throw new PushcapException("the meter did not answer within " + ANSWER_TIMEOUT_SECONDS + " s");
        }
    }

    private static String readLine(SocketChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(FlowControlProtocol.MAX_REQUEST);
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                break;
            }
            for (int i = 0; i < b.position(); i++) {
                if (b.get(i) == '\n') {
                    return new String(b.array(), 0, i, StandardCharsets.UTF_8);
                }
            }
        }
        return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("closing {}", path, e);
        }
        try {
            thread.join(5_000);
            // Remove the socket file only if it is still ours: a new meter may have taken the path.
            if (fileKey != null && fileKey.equals(fileKey(path))) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            LOG.debug("removing {}", path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
