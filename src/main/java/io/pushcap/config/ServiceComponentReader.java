package io.pushcap.config;

import io.pushcap.capture.DefaultRoute;
import io.pushcap.PushcapException;
import io.pushcap.capture.InterfaceIndex;
import io.pushcap.internal.net.TunnelKey;
import io.pushcap.internal.net.TunnelSpec;
import io.pushcap.sink.tap.TapOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates the ingest and consumer sections of a service configuration into records: rings,
 * NIC captures, tunnel receivers, re-transmitters, recorders and flow exports. Each method checks
 * one table whole (unknown keys, types, values, the host: interfaces that exist, BPF filters that
 * compile) and returns null when anything is wrong, every problem reported.
 *
 * <p><b>Note:</b> not thread-safe; used by one validation.
 */
final class ServiceComponentReader {
    static final List<String> RING_KEYS = List.of("Name", "Size", "Dir");
    static final List<String> CAPTURE_KEYS = List.of("Name", "Interface", "Ring", "Vlan", "Snaplen", "Filter", "Buffer",
            "Timeout");
    static final List<String> TUNNEL_KEYS = List.of("Name", "Encap", "Interface", "Key", "Ring");
    static final List<String> TRANSMIT_KEYS = List.of("Name", "Ring", "Interface", "Encap", "Key", "Snaplen", "Vlan",
            "StripVlan", "MaxMbps");
    static final List<String> RECORDER_KEYS = List.of("Name", "Ring", "Store", "Capture", "MaxBytes", "MinFree");
    static final List<String> FLOW_KEYS = List.of("Name", "Ring", "Collector", "Template", "Domain", "Mtu", "IdleTimeout",
            "ActiveTimeout", "MaxFlows", "Control");

    static final String DEFAULT_INTERFACE = "default";
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]*");

    private final ServiceSections sections;
    private final HostChecks host;
    private final java.util.Map<String, java.util.Set<String>> names = new java.util.HashMap<>();
    private final java.util.Map<String, String> ringWriters = new java.util.HashMap<>();
    private final java.util.Set<String> rings = new java.util.LinkedHashSet<>();
    private final java.util.Set<String> controls = new java.util.HashSet<>();

    ServiceComponentReader(ServiceSections sections, HostChecks host) {
        this.sections = sections;
        this.host = host;
    }

    /** Names must be unique within a kind: they name threads, logs and metric labels. */
    void unique(TableReader r, String kind, String name) {
        if (name != null && !names.computeIfAbsent(kind, k -> new java.util.HashSet<>()).add(name)) {
            r.error("Name", "'" + name + "' is already the name of another " + kind + " (names must be unique)");
        }
    }

    /** A ring a component reads or writes must be declared in Service.Ring (read first). */
    void ringRef(TableReader r, String ring) {
        if (ring != null && !rings.contains(ring)) {
            String s = Suggestions.closest(ring, rings);
            r.error("Ring", "'" + ring + "' is not declared in Service.Ring" + (s == null ? "" : " (did you mean " + s + "?)")
                    + (rings.isEmpty() ? "; add table.insert(Service.Ring, { Name = \"" + ring + "\", Size = \"256m\" })"
                    : "; rings: " + String.join(", ", rings)));
        }
    }

    /** A ring has one writer: a capture or a tunnel receiver. */
    private void writer(TableReader r, String ring, String label) {
        if (ring == null) {
            return;
        }
        String other = ringWriters.putIfAbsent(ring, label);
        if (other != null) {
            r.error("Ring", "'" + ring + "' already has a writer, " + other + " (a ring has exactly one writer; give each"
                    + " capture its own ring)");
        }
    }

    java.util.Set<String> ringNames() {
        return rings;
    }

    ServiceConfig.Ring ring(ServiceSections.Entry e) {
        int before = sections.problems().size();
        TableReader r = sections.reader(e, "ring #" + e.index());
        String name = sections.name(r, null);
        r = sections.reader(e, name == null ? "ring #" + e.index() : "ring '" + name + "'");
        r.rejectUnknownKeys(Set.copyOf(RING_KEYS), String.join(", ", RING_KEYS));
        long size = ServiceSections.size(r, "Size", 0, "the ring file's size, header included");
        if (size == 0) {
            r.error("Size", "missing (how much RAM the ring holds, e.g. Size = \"256m\")");
        }
        String dir = r.string("Dir");
        unique(r, "ring", name);
        if (name != null) {
            rings.add(name);
        }
        if (dir != null && !java.nio.file.Files.isDirectory(Path.of(dir))) {
            r.error("Dir", "'" + dir + "' is not a directory (create it, or leave Dir out to use Service.RingDir)");
        }
        return name == null || size <= 0 || failed(before) ? null
                : new ServiceConfig.Ring(name, size, dir == null ? null : Path.of(dir));
    }

    ServiceConfig.Capture capture(ServiceSections.Entry e) {
        int before = sections.problems().size();
        TableReader r = sections.reader(e, "capture #" + e.index());
        String name = sections.name(r, "Interface");
        r = sections.reader(e, name == null ? "capture #" + e.index() : "capture '" + name + "'");
        r.rejectUnknownKeys(Set.copyOf(CAPTURE_KEYS), String.join(", ", CAPTURE_KEYS));
        String iface = r.requiredString("Interface", "the NIC to capture, or \"default\" for the default route's");
        if (iface != null) {
            checkInterface(r, "Interface", iface);
        }
        String ring = r.requiredString("Ring", "the ring the packets go to");
        unique(r, "capture", name);
        ringRef(r, ring);
        writer(r, ring, "capture '" + name + "'");
        int vlan = (int) ServiceSections.integer(r, "Vlan", 0, 4095, -1, "an 802.1Q VLAN id to insert");
        int snaplen = (int) ServiceSections.integer(r, "Snaplen", 1, 262_144, 0, "bytes kept per packet");
        String filter = r.string("Filter");
        if (filter != null) {
            String problem = host.bpfProblem(filter);
            if (problem != null) {
                r.error("Filter", "'" + filter + "' (" + problem + ")");
            }
        }
        long buffer = ServiceSections.size(r, "Buffer", 32L << 20, "the kernel capture buffer");
        int timeout = (int) ServiceSections.integer(r, "Timeout", 1, 1000, 10,
                "milliseconds a packet may wait in the kernel before delivery");
        if (buffer > Integer.MAX_VALUE) {
            r.error("Buffer", buffer + " bytes (expected at most 2g)");
        }
        return name == null || failed(before) ? null
                : new ServiceConfig.Capture(name, iface, ring, vlan, snaplen, filter, buffer, timeout);
    }

    ServiceConfig.Tunnel tunnel(ServiceSections.Entry e) {
        int before = sections.problems().size();
        TableReader r = sections.reader(e, "tunnel #" + e.index());
        String name = sections.name(r, null);
        r = sections.reader(e, name == null ? "tunnel #" + e.index() : "tunnel '" + name + "'");
        r.rejectUnknownKeys(Set.copyOf(TUNNEL_KEYS), String.join(", ", TUNNEL_KEYS));
        String encap = r.requiredString("Encap", "gretap[:IP], gre[:IP], erspan[:IP] or vxlan[:IP][:PORT]");
        TunnelSpec spec = encap == null ? null : tunnelSpec(r, encap, true);
        String iface = r.string("Interface");
        if (iface != null) {
            checkInterface(r, "Interface", iface);
        }
        long key = key(r, spec);
        String ring = r.requiredString("Ring", "the ring the inner frames go to");
        unique(r, "tunnel", name);
        ringRef(r, ring);
        writer(r, ring, "tunnel '" + name + "'");
        return name == null || failed(before) ? null : new ServiceConfig.Tunnel(name, encap, iface, key, ring);
    }

    ServiceConfig.Transmit transmit(ServiceSections.Entry e) {
        int before = sections.problems().size();
        TableReader r = sections.reader(e, "transmit #" + e.index());
        String name = sections.name(r, null);
        r = sections.reader(e, name == null ? "transmit #" + e.index() : "transmit '" + name + "'");
        r.rejectUnknownKeys(Set.copyOf(TRANSMIT_KEYS), String.join(", ", TRANSMIT_KEYS));
        String ring = r.requiredString("Ring", "the ring whose packets are sent");
        unique(r, "transmit", name);
        ringRef(r, ring);
        String iface = r.string("Interface");
        String encap = r.string("Encap");
        if (iface != null) {
            checkInterface(r, "Interface", iface);
        }
        TunnelSpec spec = encap == null ? null : tunnelSpec(r, encap, false);
        long key = key(r, spec);
        int snaplen = (int) ServiceSections.integer(r, "Snaplen", 1, 262_144, 0, "bytes kept before encapsulation");
        int vlan = (int) ServiceSections.integer(r, "Vlan", 0, 4095, -1, "an 802.1Q VLAN id to insert");
        Boolean strip = r.bool("StripVlan");
        Double mbps = r.number("MaxMbps", 0, "a rate cap in Mbit/s, 0 for none");
        if (!failed(before)) {
            try {
                new TapOptions("transmit " + name, spec, key, iface, snaplen, vlan, strip != null && strip,
                        mbps == null ? 0 : mbps, false, TapOptions.DEFAULT_BATCH, false)
                        .validate("", "Encap", "Key", "Interface", "Snaplen", "Vlan", "StripVlan");
            } catch (PushcapException ex) {
                r.error(ex.getMessage());
            }
        }
        return name == null || failed(before) ? null : new ServiceConfig.Transmit(name, ring, iface, encap, key, snaplen,
                vlan, strip != null && strip, mbps == null ? 0 : mbps);
    }

    /** The tunnel module's own parsing of an Encap, so the config accepts exactly what rx -E / tx -E accept. */
    private static TunnelSpec tunnelSpec(TableReader r, String encap, boolean receive) {
        try {
            return TunnelSpec.parse("Encap", encap, receive);
        } catch (PushcapException ex) {
            r.error(ex.getMessage());
            return null;
        }
    }

    /** Key: a number or a dotted quad, in the range of the tunnel's key field; -1 when absent. */
    private static long key(TableReader r, TunnelSpec spec) {
        org.luaj.vm2.LuaValue v = r.raw("Key");
        if (v.isnil()) {
            return -1;
        }
        String text = v.type() == org.luaj.vm2.LuaValue.TNUMBER ? LuaValues.number(v.todouble()) : v.tojstring();
        if (spec == null) {
            r.error("Key", "'" + text + "' needs an Encap (the key of a GRE, ERSPAN or VXLAN tunnel)");
            return -1;
        }
        try {
            return TunnelKey.parse("Key", text, spec.type());
        } catch (PushcapException ex) {
            r.error(ex.getMessage());
            return -1;
        }
    }

    ServiceConfig.Recorder recorder(ServiceSections.Entry e) {
        int before = sections.problems().size();
        TableReader r = sections.reader(e, "recorder #" + e.index());
        String name = sections.name(r, "Ring");
        r = sections.reader(e, name == null ? "recorder #" + e.index() : "recorder '" + name + "'");
        r.rejectUnknownKeys(Set.copyOf(RECORDER_KEYS), String.join(", ", RECORDER_KEYS));
        String ring = r.requiredString("Ring", "the ring to record");
        unique(r, "recorder", name);
        ringRef(r, ring);
        String store = r.string("Store");
        String problem = host.unwritablePrefix((store == null ? "store" : store) + "/");
        if (problem != null) {
            r.error("Store", "'" + (store == null ? "store" : store) + "' (" + problem + ")");
        }
        String captureName = r.string("Capture");
        if (captureName != null && !ServiceSections.NAME.matcher(captureName).matches()) {
            r.error("Capture", "'" + captureName + "' (the captures' name prefix: " + ServiceSections.NAME_RULE + ")");
        }
        long maxBytes = ServiceSections.size(r, "MaxBytes", 0, "retention: the store's largest size");
        long minFree = ServiceSections.size(r, "MinFree", 0, "retention: free space to keep");
        return name == null || failed(before) ? null : new ServiceConfig.Recorder(name, ring,
                Path.of(store == null ? "store" : store), captureName, maxBytes, minFree);
    }

    ServiceConfig.FlowExport flows(ServiceSections.Entry e) {
        int before = sections.problems().size();
        TableReader r = sections.reader(e, "flow export #" + e.index());
        String name = sections.name(r, "Ring");
        r = sections.reader(e, name == null ? "flow export #" + e.index() : "flow export '" + name + "'");
        r.rejectUnknownKeys(Set.copyOf(FLOW_KEYS), String.join(", ", FLOW_KEYS));
        String ring = r.requiredString("Ring", "the ring to meter");
        unique(r, "flow export", name);
        ringRef(r, ring);
        List<String> collectors = ServiceSections.strings(r, "Collector", "HOST:PORT or HOST:PORT/tcp");
        for (String c : collectors) {
            String problem = collectorProblem(c);
            if (problem != null) {
                r.error("Collector", "'" + c + "' (" + problem + ")");
            }
        }
        String template = r.string("Template");
        if (template != null && !Files.isReadable(Path.of(template))) {
            r.error("Template", "'" + template + "' does not exist or cannot be read (a YAML template file, see docs/flows.md)");
        } else if (template != null) {
            try {
                FlowExportFile.read(Path.of(template));
            } catch (io.pushcap.PushcapException ex) {
                r.error("Template", ex.getMessage());
            }
        }
        if (collectors.isEmpty() && template == null) {
            r.error("Collector", "missing (where IPFIX goes: Collector = \"127.0.0.1:4739\", or a Template file with collectors)");
        }
        long domain = ServiceSections.integer(r, "Domain", 0, 0xffff_ffffL, -1, "the observation domain id");
        int mtu = (int) ServiceSections.integer(r, "Mtu", 128, 65_535, 0, "the largest IPFIX message in bytes");
        Double idle = r.number("IdleTimeout", 0.001, "seconds without packets that end a flow");
        Double active = r.number("ActiveTimeout", 0.001, "seconds after which a long flow is exported");
        int maxFlows = (int) ServiceSections.integer(r, "MaxFlows", 1, 1 << 26, 0, "flows held in the cache");
        String control = r.string("Control");
        if (control != null && !controls.add(control)) {
            r.error("Control", "'" + control + "' is the control socket of another flow export (each needs its own)");
        }
        return name == null || failed(before) ? null : new ServiceConfig.FlowExport(name, ring, collectors,
                template == null ? null : Path.of(template), domain, mtu, idle == null ? 0 : idle,
                active == null ? 0 : active, maxFlows, control == null ? null : Path.of(control));
    }

    /** Whether anything was reported since {@code before} (all readers share the file's problem list). */
    private boolean failed(int before) {
        return sections.problems().size() > before;
    }

    private void checkInterface(TableReader r, String key, String iface) {
        if (iface.equals(DEFAULT_INTERFACE)) {
            if (DefaultRoute.interfaceName().isEmpty()) {
                r.error(key, "'default', but this host has no default route (set " + key + " to one of: "
                        + String.join(", ", DefaultRoute.interfaces()) + ")");
            }
            return;
        }
        if (iface.contains("/") || !InterfaceIndex.exists(iface)) {
            String suggestion = Suggestions.closest(iface, DefaultRoute.interfaces());
            r.error(key, "'" + iface + "': no such interface" + (suggestion == null ? "" : " (did you mean " + suggestion + "?)")
                    + "; interfaces here: " + String.join(", ", DefaultRoute.interfaces()) + " (see `ip link`)");
        }
    }

    static String collectorProblem(String c) {
        String hp = c.endsWith("/tcp") || c.endsWith("/udp") ? c.substring(0, c.length() - 4) : c;
        int colon = hp.lastIndexOf(':');
        if (colon <= 0) {
            return "expected HOST:PORT or HOST:PORT/tcp";
        }
        String h = hp.substring(0, colon);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        } else if (!HOST.matcher(h).matches()) {
            return "'" + h + "' is not an address or host name";
        }
        return validPort(hp.substring(colon + 1)) ? null : "port '" + hp.substring(colon + 1) + "' (expected 1..65535)";
    }

    static boolean validPort(String p) {
        try {
            int n = Integer.parseInt(p);
            return n >= 1 && n <= 65_535;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
