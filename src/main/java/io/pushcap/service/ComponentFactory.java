package io.pushcap.service;

import io.pushcap.config.ServiceConfig;

/**
 * Makes the component that runs one configured entry. The single place where each kind of the
 * service config is wired to the module that implements it:
 *
 * <ul>
 *   <li>{@code Capture}: {@link CaptureComponent} ({@code capture.InterfaceReceiver}, like {@code rx -i});</li>
 *   <li>{@code Schedule}: built by the service itself ({@code schedule.ScheduledLoader});</li>
 *   <li>{@code FlowExport}: {@link FlowExportComponent} (module {@code flow}, like {@code flows meter --ring});</li>
 *   <li>{@code Tunnel}: {@link TunnelComponent} ({@code capture.tunnel}, like {@code rx -E});</li>
 *   <li>{@code Transmit}: {@link TransmitComponent} ({@code sink.tap}, like {@code tx});</li>
 *   <li>{@code Recorder}: {@link RecorderComponent} (module {@code store}, like {@code record RING}).</li>
 * </ul>
 *
 * <p><b>Note:</b> stateless apart from the service's ring directory and log; thread-safe.
 */
final class ComponentFactory {
    private final RingDirectory rings;
    private final ServiceConfig config;
    private final ServiceLog log;

    ComponentFactory(RingDirectory rings, ServiceConfig config, ServiceLog log) {
        this.rings = rings;
        this.config = config;
        this.log = log;
    }

    Component create(ServiceConfig.Component c) {
        return switch (c) {
            case ServiceConfig.Capture cap -> new CaptureComponent(cap, rings.path(config.ring(cap.ring())));
            case ServiceConfig.Recorder r -> recorder(r);
            case ServiceConfig.Tunnel t -> tunnel(t);
            case ServiceConfig.Transmit t -> transmit(t);
            case ServiceConfig.FlowExport f -> flowExport(f);
            case ServiceConfig.Schedule s -> throw new IllegalArgumentException("schedules are made by the service: " + s);
        };
    }

    /** Ring to store ({@code pushcap record RING --store DIR}): the capture store module. */
    Component recorder(ServiceConfig.Recorder r) {
        return new RecorderComponent(r, rings.path(config.ring(r.ring())));
    }

    /** Tunnel receiver ({@code pushcap rx -E ENCAP RING}): {@code capture.tunnel}. */
    Component tunnel(ServiceConfig.Tunnel t) {
        return new TunnelComponent(t, rings.path(config.ring(t.ring())));
    }

    /** Re-transmitter ({@code pushcap tx [-i IFACE] [-E ENCAP] RING}): {@code sink.tap}. */
    Component transmit(ServiceConfig.Transmit t) {
        return new TransmitComponent(t, rings.path(config.ring(t.ring())));
    }

    /** Flow meter and IPFIX exporter ({@code pushcap flows meter --ring RING}): the flow module. */
    Component flowExport(ServiceConfig.FlowExport f) {
        return new FlowExportComponent(f, rings.path(config.ring(f.ring())), controlSocket(config, f), config.file());
    }

    /**
     * {@code Control}, or {@value #DEFAULT_FLOWS_CONTROL} (where {@code pushcap flows dump} looks
     * by default) for the first flow export, {@code /run/pushcap/flows-<name>.sock} for others.
     */
    static java.nio.file.Path controlSocket(ServiceConfig c, ServiceConfig.FlowExport f) {
        if (f.control() != null) {
            return f.control();
        }
        return java.nio.file.Path.of(c.flowExports().getFirst().name().equals(f.name()) ? DEFAULT_FLOWS_CONTROL
                : "/run/pushcap/flows-" + f.name() + ".sock");
    }

    static final String DEFAULT_FLOWS_CONTROL = "/run/pushcap/flows.sock";
}
