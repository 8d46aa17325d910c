package io.pushcap.config;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A whole service configuration ({@code etc/pushcap.lua}), validated: what {@code pushcap serve}
 * runs. Every component is a record whose equality decides, on reload, whether the running one
 * can stay (equal) or must be restarted (changed).
 *
 * <p><b>Note:</b> immutable and thread-safe. Paths are as written (relative ones are relative
 * to the service's working directory) except where a record says otherwise.
 *
 * @param file        where it was read from
 * @param http        the status/metrics listener
 * @param stateDir    cursors, manifests, schedule state ({@code StateDir})
 * @param logDir      target logs, {@code analytics_<schedule>.cur}, {@code serve.log} ({@code LogDir})
 * @param ringDir     where rings live ({@code RingDir})
 * @param ringMount   {@code RingMount}: "tmpfs" (a tmpfs with huge pages) or "ramfs" to mount at ringDir when it
 *                    is neither already, or "none"
 * @param stopTimeoutSeconds {@code StopTimeout}: how long SIGTERM may take before stragglers are killed
 * @param analyticsDirs where loaders are looked up by name, first match wins ({@code AnalyticsDir})
 */
public record ServiceConfig(String file, HostPort http, Path stateDir, Path logDir, Path ringDir, String ringMount,
                            int stopTimeoutSeconds, List<Path> analyticsDirs, List<Ring> rings, List<Capture> captures,
                            List<Tunnel> tunnels, List<Transmit> transmits, List<Recorder> recorders,
                            List<Schedule> schedules, List<FlowExport> flowExports, LogFile logFile) {

    /**
     * How serve writes {@code <LogDir>/serve.log}: {@code format} "text" (a dated line per event)
     * or "json" (logback's JsonEncoder, one object per line), rolled daily and at
     * {@code maxBytes} into {@code serve.<date>.<n>.log.gz}, kept {@code maxDays} days.
     */
    public record LogFile(String format, long maxBytes, int maxDays) {
        public static final long DEFAULT_MAX_BYTES = 100L << 20;
        public static final int DEFAULT_MAX_DAYS = 14;
    }

    public static final String DEFAULT_HTTP = "127.0.0.1:9487";
    public static final int DEFAULT_STOP_TIMEOUT_SECONDS = 20;
    /** The ring a live push target follows when it names no Source (see {@code pipeline.LiveSources}). */
    public static final String DEFAULT_PUSH_RING = "pushcap";

    /** Every component that runs as a supervised task, in start order (ingest first, consumers last). */
    public List<Component> components() {
        return Stream.<List<? extends Component>>of(captures, tunnels, recorders, transmits, flowExports, schedules)
                .flatMap(List::stream).map(c -> (Component) c).toList();
    }

    public Ring ring(String name) {
        return rings.stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
    }

    /** A host and port to listen on. */
    public record HostPort(String host, int port) {
        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** Anything the supervisor runs: its kind ("capture", "schedule", ...) and unique name within the kind. */
    public sealed interface Component permits Capture, Tunnel, Transmit, Recorder, Schedule, FlowExport {
        String kind();

        String name();

        /** "capture 'eth0'", for messages. */
        default String label() {
            return kind() + " '" + name() + "'";
        }
    }

    /**
     * A ring file ({@code Service.Ring}).
     *
     * @param dir the directory it lives in: its own {@code Dir}, else the service's RingDir (resolved at start)
     */
    public record Ring(String name, long sizeBytes, Path dir) {
    }

    /**
     * A NIC captured into a ring ({@code Service.Capture}), as {@code pushcap rx -i}.
     *
     * @param iface       the interface as configured: a name, or "default" for the default route's
     * @param vlan        802.1Q tag to insert, or -1
     * @param snaplen     bytes kept per packet, 0 for all
     * @param filter      BPF expression, or null
     * @param bufferBytes kernel buffer
     * @param timeoutMillis longest a packet waits in the kernel before delivery
     */
    public record Capture(String name, String iface, String ring, int vlan, int snaplen, String filter, long bufferBytes,
                          int timeoutMillis) implements Component {
        @Override
        public String kind() {
            return "capture";
        }
    }

    /**
     * A tunnel receiver ({@code Service.Tunnel}), as {@code pushcap rx -E ENCAP [-i IFACE] [-K KEY] RING}.
     *
     * @param encap {@code gretap[:IP]}, {@code gre[:IP]}, {@code erspan[:IP]} or {@code vxlan[:IP][:PORT]}
     * @param iface the interface to receive on, or null
     * @param key   the GRE key / VNI / ERSPAN session to keep, or -1 for all
     */
    public record Tunnel(String name, String encap, String iface, long key, String ring) implements Component {
        @Override
        public String kind() {
            return "tunnel";
        }
    }

    /**
     * A re-transmitter ({@code Service.Transmit}), as {@code pushcap tx [-i IFACE] [-E ENCAP] [-K KEY] RING}.
     *
     * @param iface     the NIC to send on (plain re-transmission), or null with an encapsulation
     * @param encap     {@code gretap:IP}, {@code gre:IP}, {@code erspan:IP}, {@code erspan3:IP},
     *                  {@code vxlan:IP[:PORT]}, or null for plain
     * @param key       GRE key / VNI / ERSPAN session, or -1
     * @param snaplen   truncate to this many bytes before encapsulation, 0 for none
     * @param vlan      tag to insert, or -1
     * @param stripVlan remove the outer tag
     * @param maxMbps   rate cap, 0 for none
     */
    public record Transmit(String name, String ring, String iface, String encap, long key, int snaplen, int vlan,
                           boolean stripVlan, double maxMbps) implements Component {
        @Override
        public String kind() {
            return "transmit";
        }
    }

    /**
     * A recorder ({@code Service.Recorder}), as {@code pushcap record RING --store DIR --name NAME}.
     *
     * @param captureName name prefix of the captures it writes ({@code <ring>_YYYYMMDD_HHMM} by default), or null
     * @param maxBytes    retention: the store's largest size, 0 for no limit
     * @param minFreeBytes retention: free space to keep on the store's file system, 0 for none
     */
    public record Recorder(String name, String ring, Path store, String captureName, long maxBytes, long minFreeBytes)
            implements Component {
        @Override
        public String kind() {
            return "recorder";
        }
    }

    /**
     * A push schedule ({@code Service.Schedule}): which analytics loader runs when, with which
     * push config. Exactly one of {@code window} and {@code once} is set.
     *
     * @param loader  the loader script, resolved in the analytics directories
     * @param config  the push config the schedule names (passed as {@code PUSHCAP_PUSH_CONFIG}), or
     *                null to let the loader decide
     * @param window  when the loader runs continuously, or null
     * @param once    Quartz cron of a one-shot run, or null
     * @param offline one-shot sources passed as {@code --force --offline SOURCE...}
     * @param args    extra arguments for the loader
     * @param line    where it is declared, for messages
     */
    public record Schedule(String name, Path loader, Path config, Window window, String once, List<String> offline,
                           List<String> args, int line) implements Component {
        @Override
        public String kind() {
            return "schedule";
        }

        /** The same schedule declared on another line (lines do not make a schedule different on reload). */
        public Schedule withLine(int l) {
            return new Schedule(name, loader, config, window, once, offline, args, l);
        }
    }

    /**
     * When a windowed schedule runs: always, or between the fire times of two Quartz cron
     * expressions (seconds resolution). {@code text} is what the user wrote.
     */
    public record Window(String start, String stop, String text) {
        public static final Window ALWAYS = new Window(null, null, "always");

        public boolean always() {
            return start == null;
        }
    }

    /**
     * Flow metering and IPFIX export of a ring ({@code Service.FlowExport}), as
     * {@code pushcap flows meter --ring RING --collector ...}.
     *
     * @param collectors    {@code HOST:PORT[/tcp]}
     * @param template      YAML template file, or null
     * @param domain        observation domain id, or -1 for the default
     * @param mtu           largest IPFIX message, or 0 for the default
     * @param idleSeconds   idle timeout, or 0 for the default
     * @param activeSeconds active timeout, or 0 for the default
     * @param maxFlows      cache size, or 0 for the default
     * @param control       control socket for flows dump/flush, or null for the default
     */
    public record FlowExport(String name, String ring, List<String> collectors, Path template, long domain, int mtu,
                             double idleSeconds, double activeSeconds, int maxFlows, Path control) implements Component {
        @Override
        public String kind() {
            return "flows";
        }
    }
}
