package io.pushcap.flow.control;

import io.pushcap.PushcapException;
import io.pushcap.flow.FlowEntry;
import io.pushcap.flow.FlowFilter;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Talks to a running meter's control socket: {@link #dump()} and {@link #flush(FlowFilter)}.
 *
 * <p><b>Note:</b> stateless apart from the path; each call is one connection. Failures (no
 * meter, refused, error answers) raise {@link PushcapException} with the path in the message.
 */
public final class FlowControlClient {
    private final Path path;

    public FlowControlClient(Path path) {
        this.path = path;
    }

    /** Every flow in the meter's cache. */
    public List<FlowEntry> dump() {
        return call(FlowControlProtocol.dumpRequest(), new long[1]);
    }

    /** Ends the matching flows now (they are exported); returns how many. */
    public long flush(FlowFilter filter) {
        long[] n = new long[1];
        call(FlowControlProtocol.flushRequest(filter), n);
        return n[0];
    }

    /** The meter's status: source, cache, counters, collectors. */
    public MeterStatus status() {
        return MeterStatus.parse(exchange(FlowControlProtocol.statusRequest()));
    }

    private List<FlowEntry> call(String request, long[] count) {
        return FlowControlProtocol.parseResponse(exchange(request), count);
    }

    private List<String> exchange(String request) {
        if (!Files.exists(path)) {
            throw new PushcapException("control socket " + path + ": not found (is 'pushcap flows meter' running? "
                    + "--control names its socket)");
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(path));
            ByteBuffer req = ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8));
            while (req.hasRemaining()) {
                ch.write(req);
            }
            List<String> lines = new ArrayList<>();
            BufferedReader in = new BufferedReader(Channels.newReader(ch, StandardCharsets.UTF_8));
            String l;
            while ((l = in.readLine()) != null) {
                lines.add(l);
            }
            return lines;
        } catch (IOException e) {
            throw new PushcapException("control socket " + path + ": " + e.getMessage()
                    + " (is 'pushcap flows meter' running?)", e);
        }
    }
}
