package io.pushcap.service;

import io.pushcap.capture.tunnel.TunnelCounters;
import io.pushcap.capture.tunnel.TunnelReceiver;
import io.pushcap.config.ServiceConfig;
import io.pushcap.internal.net.TunnelSpec;
import io.pushcap.ring.RingFile;
import io.pushcap.ring.RingWriter;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A tunnel receiver ({@code Service.Tunnel}), as {@code pushcap rx -E ENCAP [-i IFACE] [-K KEY] RING}:
 * GRE, GRETAP, ERSPAN or VXLAN received and their inner frames written into the ring, which it
 * holds the writer slot of.
 *
 * <p><b>Note:</b> {@link #run()} on the component's thread; {@link #stop()} from any thread. A
 * socket that cannot be opened (address not local, port taken, no raw sockets) throws, and the
 * supervisor retries after a backoff.
 */
public final class TunnelComponent extends WorkerComponent<TunnelReceiver> {
    private static final int BUFFER_BYTES = 32 << 20;

    private final ServiceConfig.Tunnel spec;
    private final Path ring;

    public TunnelComponent(ServiceConfig.Tunnel spec, Path ring) {
        super(spec);
        this.spec = spec;
        this.ring = ring;
    }



    @Override
    public void run() throws Exception {
        TunnelSpec t = TunnelSpec.parse("Encap", spec.encap(), true);
        try (RingFile rf = RingFile.open(ring);
             RingWriter writer = rf.writer("-E " + spec.encap());
             TunnelReceiver rx = new TunnelReceiver(new TunnelReceiver.Options(t, spec.key(), spec.iface(), -1, 0, null,
                     BUFFER_BYTES), writer)) {
            runWorker(rx, TunnelReceiver::run);
        }
    }

    @Override
    protected void stopWorker(TunnelReceiver rx) {
        rx.stop();
    }

    @Override
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("encap", spec.encap());
        m.put("ring", spec.ring());
        TunnelReceiver rx = worker();
        if (rx != null) {
            TunnelCounters c = rx.counters();
            m.put("received", c.received.get());
            m.put("accepted", c.accepted.get());
            m.put("dropped", c.drops());
        }
        return m;
    }
}
