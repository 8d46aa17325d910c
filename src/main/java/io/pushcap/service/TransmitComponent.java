package io.pushcap.service;

import io.pushcap.config.ServiceConfig;
import io.pushcap.internal.net.TunnelSpec;
import io.pushcap.metrics.MetricsRegistry;
import io.pushcap.pcap.Packet;
import io.pushcap.ring.RingFile;
import io.pushcap.ring.RingReader;
import io.pushcap.sink.tap.TapOptions;
import io.pushcap.sink.tap.TapSender;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A re-transmitter ({@code Service.Transmit}), as {@code pushcap tx [-i IFACE] [-E ENCAP] [-K KEY] RING}:
 * every new packet of the ring out of a NIC unchanged, or through a GRE/GRETAP/ERSPAN/VXLAN tunnel,
 * with the tap module's {@link TapSender} (truncation, VLAN edits, rate cap, MTU handling and
 * their counters). Its ring reader is named {@code tx:<name>} and starts at the current position.
 *
 * <p><b>Note:</b> {@link #run()} on the component's thread; {@link #stop()} from any thread. A
 * packet overwritten in the ring while it was being copied is cancelled, not sent (the ring counts
 * it lost).
 */
public final class TransmitComponent extends WorkerComponent<TapSender> {
    private static final long IDLE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final ServiceConfig.Transmit spec;
    private final Path ring;

    public TransmitComponent(ServiceConfig.Transmit spec, Path ring) {
        super(spec);
        this.spec = spec;
        this.ring = ring;
    }



    @Override
    public void run() throws Exception {
        TunnelSpec encap = spec.encap() == null ? null : TunnelSpec.parse("Encap", spec.encap(), false);
        TapOptions o = new TapOptions("transmit " + spec.name(), encap, spec.key(), spec.iface(), spec.snaplen(), spec.vlan(),
                spec.stripVlan(), spec.maxMbps(), false, TapOptions.DEFAULT_BATCH, false)
                .validate("transmit '" + spec.name() + "': ", "Encap", "Key", "Interface", "Snaplen", "Vlan", "StripVlan");
        try (TapSender s = TapSender.open(o, MetricsRegistry.global(), false);
             RingFile rf = RingFile.open(ring);
             RingReader reader = rf.reader(RingReader.Options.latest(readerName(spec.name())))) {
            runWorker(s, sender -> transmit(reader, sender));
        }
    }

    private void transmit(RingReader reader, TapSender s) throws Exception {
        Packet p = new Packet();
        while (!stopping()) {
            if (reader.nextView(p)) {
                s.send(p);
                if (!reader.stillValid()) {
                    s.cancelLast();
                }
                continue;
            }
            s.flush();
            reader.await(IDLE_WAIT_NANOS);
        }
        s.flush();
    }

    static String readerName(String name) {
        return readerName("tx", name);
    }

    @Override
    protected void stopWorker(TapSender s) {
        // The transmit loop checks stopping() between packets and while idle.
    }

    @Override
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ring", spec.ring());
        m.put("destination", spec.encap() != null ? spec.encap() : spec.iface());
        TapSender s = worker();
        if (s != null) {
            m.put("sent", s.sent());
        }
        return m;
    }
}
