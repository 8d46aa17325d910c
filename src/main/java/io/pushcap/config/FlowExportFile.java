package io.pushcap.config;

import io.pushcap.PushcapException;
import io.pushcap.config.YamlTree.ListNode;
import io.pushcap.config.YamlTree.MapNode;
import io.pushcap.config.YamlTree.Node;
import io.pushcap.config.YamlTree.Scalar;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a flow export file ({@code pushcap flows export --template FILE}): the seed's YAML layout
 * of collectors and templates, plus the observation domain, MTU, template refresh and
 * enterprise elements. Parsing is strict: unknown keys, wrong types and out-of-range values are
 * errors naming the file and line.
 *
 * <pre>
 * domain: 1                     # observation domain id
 * mtu: 1400                     # bytes of IPFIX per message
 * template-refresh: 60          # seconds; 0 = never by time
 * template-refresh-messages: 100
 * collectors:
 * - address: 10.146.0.6:2100
 *   protocol: udp               # or tcp
 * templates:
 * - id: 1024
 *   template:
 *   - FlowEndMilliseconds
 *   - OctetDeltaCount:4         # NAME:LENGTH = reduced-size encoding
 * enterprise-elements:
 * - name: keioPackets
 *   enterprise: 28972
 *   id: 1
 *   length: 4
 *   source: packetDeltaCount    # or value: N (a constant)
 * </pre>
 *
 * <p><b>Note:</b> stateless and thread-safe.
 */
public final class FlowExportFile {
    private static final Set<String> TOP = Set.of("domain", "mtu", "template-refresh", "template-refresh-messages",
            "collectors", "templates", "enterprise-elements");
    private static final Set<String> COLLECTOR = Set.of("address", "protocol");
    private static final Set<String> TEMPLATE = Set.of("id", "template");
    private static final Set<String> ENTERPRISE = Set.of("name", "enterprise", "id", "length", "source", "value");

    /**
     * What the file set; null (or -1) for what it left out, so command-line options and defaults fill the rest.
     *
     * @param collectors          collectors, possibly empty
     * @param domain              observation domain id, or -1
     * @param mtu                 MTU, or -1
     * @param refreshNanos        template refresh interval, or -1
     * @param refreshMessages     template refresh message count, or -1
     * @param templates           user templates
     * @param enterpriseElements  enterprise elements
     */
    public record Parsed(List<FlowExportConfig.Collector> collectors, long domain, int mtu, long refreshNanos,
                         int refreshMessages, List<FlowExportConfig.TemplateSpec> templates,
                         List<FlowExportConfig.EnterpriseElementSpec> enterpriseElements) {
    }

    private FlowExportFile() {
    }

    public static Parsed read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new PushcapException(file + ": no such template file");
        } catch (IOException e) {
            throw new PushcapException(file + ": " + e.getMessage(), e);
        }
        return parse(file.toString(), text);
    }

    public static Parsed parse(String name, String text) {
        Node root = YamlTree.parse(name, text);
        MapNode top = map(name, root, "the file");
        checkKeys(name, top, TOP, "top level");
        List<FlowExportConfig.Collector> collectors = new ArrayList<>();
        List<FlowExportConfig.TemplateSpec> templates = new ArrayList<>();
        List<FlowExportConfig.EnterpriseElementSpec> enterprise = new ArrayList<>();
        long domain = -1;
        int mtu = -1;
        long refresh = -1;
        int refreshMessages = -1;
        for (Map.Entry<String, Node> e : top.entries().entrySet()) {
            Node v = e.getValue();
            switch (e.getKey()) {
                case "domain" -> domain = number(name, v, "domain", 0, 0xffff_ffffL);
                case "mtu" -> mtu = (int) number(name, v, "mtu", FlowExportConfig.MIN_MTU, FlowExportConfig.MAX_MTU);
                case "template-refresh" -> refresh = seconds(name, v, "template-refresh");
                case "template-refresh-messages" -> refreshMessages = (int) number(name, v, "template-refresh-messages", 0,
                        Integer.MAX_VALUE);
                case "collectors" -> {
                    for (Node c : list(name, v, "collectors").items()) {
                        collectors.add(collector(name, c));
                    }
                }
                case "templates" -> {
                    for (Node t : list(name, v, "templates").items()) {
                        templates.add(template(name, t));
                    }
                }
                case "enterprise-elements" -> {
                    for (Node t : list(name, v, "enterprise-elements").items()) {
                        enterprise.add(enterprise(name, t));
                    }
                }
                default -> throw new IllegalStateException(e.getKey());
            }
        }
        return new Parsed(collectors, domain, mtu, refresh, refreshMessages, templates, enterprise);
    }

    private static FlowExportConfig.Collector collector(String file, Node n) {
        String where = file + ":" + n.line();
        if (n instanceof Scalar s) {
            return collector(s.value(), FlowExportConfig.Transport.UDP, where);
        }
        MapNode m = map(file, n, "a collector");
        checkKeys(file, m, COLLECTOR, "collector");
        Node addr = m.entries().get("address");
        if (addr == null) {
            throw new PushcapException(where + ": collector without 'address: HOST:PORT'");
        }
        FlowExportConfig.Transport t = FlowExportConfig.Transport.UDP;
        Node p = m.entries().get("protocol");
        if (p != null) {
            String v = scalar(file, p, "protocol").toLowerCase(java.util.Locale.ROOT);
            t = switch (v) {
                case "udp" -> FlowExportConfig.Transport.UDP;
                case "tcp" -> FlowExportConfig.Transport.TCP;
                default -> throw new PushcapException(file + ":" + p.line() + ": protocol '" + v + "' (expected udp or tcp)");
            };
        }
        return collector(scalar(file, addr, "address"), t, file + ":" + addr.line());
    }

    /** Parses HOST:PORT or [V6]:PORT. */
    public static FlowExportConfig.Collector collector(String text, FlowExportConfig.Transport transport, String where) {
        String t = text.trim();
        int colon = t.lastIndexOf(':');
        if (colon <= 0 || colon == t.length() - 1) {
            throw new PushcapException(where + ": collector '" + text + "' (expected HOST:PORT)");
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new PushcapException(where + ": collector '" + text + "' (write an IPv6 address as [ADDR]:PORT)");
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new PushcapException(where + ": collector '" + text + "': port '" + t.substring(colon + 1)
                    + "' (expected 1..65535)");
        }
        return new FlowExportConfig.Collector(host, port, transport, where);
    }

    private static FlowExportConfig.TemplateSpec template(String file, Node n) {
        MapNode m = map(file, n, "a template ('id: N' and 'template: [...]')");
        checkKeys(file, m, TEMPLATE, "template");
        Node id = m.entries().get("id");
        Node fields = m.entries().get("template");
        if (id == null || fields == null) {
            throw new PushcapException(file + ":" + n.line() + ": a template needs 'id' and 'template'");
        }
        int tid = (int) number(file, id, "template id", 256, 65_535);
        List<String> names = new ArrayList<>();
        for (Node f : list(file, fields, "template").items()) {
            names.add(scalar(file, f, "template field"));
        }
        return new FlowExportConfig.TemplateSpec(tid, names, file + ":" + id.line());
    }

    private static FlowExportConfig.EnterpriseElementSpec enterprise(String file, Node n) {
        MapNode m = map(file, n, "an enterprise element");
        checkKeys(file, m, ENTERPRISE, "enterprise element");
        String where = file + ":" + n.line();
        for (String k : List.of("name", "enterprise", "id", "length")) {
            if (!m.entries().containsKey(k)) {
                throw new PushcapException(where + ": enterprise element without '" + k + "'");
            }
        }
        Node source = m.entries().get("source");
        Node value = m.entries().get("value");
        if ((source == null) == (value == null)) {
            throw new PushcapException(where + ": enterprise element needs exactly one of 'source: ELEMENT' or 'value: N'");
        }
        return new FlowExportConfig.EnterpriseElementSpec(scalar(file, m.entries().get("name"), "name"),
                number(file, m.entries().get("enterprise"), "enterprise", 1, 0xffff_ffffL),
                (int) number(file, m.entries().get("id"), "id", 1, 0x7fff),
                (int) number(file, m.entries().get("length"), "length", 1, 16),
                source == null ? null : scalar(file, source, "source"),
                value == null ? 0 : number(file, value, "value", 0, Long.MAX_VALUE), where);
    }

    private static void checkKeys(String file, MapNode m, Set<String> allowed, String what) {
        for (Map.Entry<String, Integer> k : m.keyLines().entrySet()) {
            if (!allowed.contains(k.getKey())) {
                throw new PushcapException(file + ":" + k.getValue() + ": unknown key '" + k.getKey() + "' in " + what
                        + " (expected one of " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
            }
        }
    }

    private static MapNode map(String file, Node n, String what) {
        if (n instanceof MapNode m) {
            return m;
        }
        throw new PushcapException(file + ":" + n.line() + ": expected " + what + " as 'key: value' lines");
    }

    private static ListNode list(String file, Node n, String key) {
        if (n instanceof ListNode l) {
            return l;
        }
        throw new PushcapException(file + ":" + n.line() + ": '" + key + "' must be a list ('- item' lines)");
    }

    private static String scalar(String file, Node n, String key) {
        if (n instanceof Scalar s) {
            return s.value();
        }
        throw new PushcapException(file + ":" + n.line() + ": '" + key + "' must be a single value");
    }

    private static long number(String file, Node n, String key, long min, long max) {
        String s = scalar(file, n, key);
        long v;
        try {
            v = Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new PushcapException(file + ":" + n.line() + ": " + key + " '" + s + "' (expected an integer "
                    + min + ".." + max + ")");
        }
        if (v < min || v > max) {
            throw new PushcapException(file + ":" + n.line() + ": " + key + " " + v + " (expected " + min + ".." + max + ")");
        }
        return v;
    }

    private static long seconds(String file, Node n, String key) {
        String s = scalar(file, n, key);
        try {
            double d = Double.parseDouble(s);
            if (d >= 0 && d <= 1e9 && !Double.isNaN(d)) {
                return Math.round(d * 1e9);
            }
        } catch (NumberFormatException ignored) {
            // reported below with the rule
        }
        throw new PushcapException(file + ":" + n.line() + ": " + key + " '" + s + "' (expected seconds >= 0)");
    }
}
