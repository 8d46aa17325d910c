package io.pushcap.service;

import io.pushcap.PushcapException;
import io.pushcap.capture.DefaultRoute;
import io.pushcap.capture.InterfaceIndex;
import io.pushcap.capture.InterfaceReceiver;
import io.pushcap.config.ServiceConfig;
import io.pushcap.ring.RingFile;
import io.pushcap.ring.RingWriter;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A NIC captured into a ring, as {@code pushcap rx -i}: the {@link InterfaceReceiver} already
 * survives the interface going down and coming back (it detects it, drains, waits, reopens and
 * counts the restart and the gap), so this component only resolves {@code "default"} to the
 * default route's interface, claims the ring's writer slot, and releases it when stopped.
 *
 * <p><b>Note:</b> {@link #run()} on the component's thread, which becomes the ring's writer;
 * {@link #stop()} from any thread. A failure (the interface vanished for good, the ring cannot be
 * opened) throws, and the supervisor retries after a backoff.
 */
public final class CaptureComponent extends WorkerComponent<InterfaceReceiver> {
    private final ServiceConfig.Capture spec;
    private final Path ring;
    private volatile String iface;

    public CaptureComponent(ServiceConfig.Capture spec, Path ring) {
        super(spec);
        this.spec = spec;
        this.ring = ring;
    }

    /** The interface a capture of {@code configured} opens now: the default route's for "default". */
    public static String resolve(String configured) {
        if (!configured.equals("default")) {
            return configured;
        }
        return DefaultRoute.interfaceName().orElseThrow(() -> new PushcapException(
                "Interface 'default': this host has no default route now (interfaces: "
                        + String.join(", ", DefaultRoute.interfaces()) + ")"));
    }



    @Override
    public void run() throws Exception {
        String dev = resolve(spec.iface());
        iface = dev;
        try (RingFile rf = RingFile.open(ring); RingWriter writer = rf.writer(dev)) {
            InterfaceReceiver rx = new InterfaceReceiver(new InterfaceReceiver.Options(dev, spec.vlan(), spec.snaplen(),
                    spec.filter(), (int) spec.bufferBytes(), spec.timeoutMillis()), writer);
            runWorker(rx, InterfaceReceiver::run);
        }
    }

    /** Whether this capture has its interface open and is reading it. */
    public boolean capturing() {
        InterfaceReceiver rx = worker();
        return rx != null && rx.capturing();
    }

    @Override
    protected void stopWorker(InterfaceReceiver rx) {
        rx.stop();
    }

    @Override
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        String dev = iface == null ? spec.iface() : iface;
        m.put("interface", dev);
        m.put("configured_interface", spec.iface());
        m.put("ring", spec.ring());
        m.put("link", InterfaceIndex.operState(dev));
        InterfaceReceiver rx = worker();
        m.put("capturing", rx != null && rx.capturing());
        m.put("packets", rx == null ? 0 : rx.packets());
        m.put("restarts", rx == null ? 0 : rx.restarts());
        if (spec.filter() != null) {
            m.put("filter", spec.filter());
        }
        return m;
    }
}
