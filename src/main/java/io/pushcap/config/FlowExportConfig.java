package io.pushcap.config;

import io.pushcap.PushcapException;

import java.util.List;

/**
 * Where and how flows are exported as IPFIX: collectors, observation domain, message size,
 * template refresh, and templates named by IANA information element names. Filled from the
 * command line and a {@code --template} file today, from the Lua service config later; the
 * exporter validates the element names when it compiles the templates.
 *
 * <p><b>Note:</b> immutable and thread-safe; the constructor validates ranges and throws
 * {@link PushcapException} naming the rule and the value.
 *
 * @param collectors               one or more collectors; every message goes to each of them once
 *                                 (repeats of one address, port and transport are dropped)
 * @param observationDomainId      the Observation Domain ID in every message header (0..2^32-1)
 * @param mtu                      largest IPFIX message in bytes (one UDP datagram's payload)
 * @param templateRefreshNanos     UDP: re-send templates when this long has passed since the last
 *                                 time (0 = never by time)
 * @param templateRefreshMessages  UDP: re-send templates every this many messages (0 = never by count)
 * @param templates                templates defined by the user; flows of an IP version no template
 *                                 covers use the built-in template for that version
 * @param enterpriseElements       enterprise-specific elements the templates may name
 * @param origin                   where this came from ("flows.yaml", "--collector"), for messages
 */
public record FlowExportConfig(List<Collector> collectors, long observationDomainId, int mtu,
                               long templateRefreshNanos, int templateRefreshMessages, List<TemplateSpec> templates,
                               List<EnterpriseElementSpec> enterpriseElements, String origin) {

    public static final int DEFAULT_MTU = 1400;
    public static final long DEFAULT_TEMPLATE_REFRESH_NANOS = 60_000_000_000L;
    public static final int DEFAULT_TEMPLATE_REFRESH_MESSAGES = 100;
    /** The smallest message that holds a header, a set header and a modest record. */
    public static final int MIN_MTU = 128;
    /** The IPFIX length field is 16 bits. */
    public static final int MAX_MTU = 65_535;

    /** Transport to one collector. */
    public enum Transport { UDP, TCP }

    /**
     * One collector.
     *
     * @param host      name or address
     * @param port      1..65535
     * @param transport UDP, or TCP (templates once per connection, reconnect with backoff)
     * @param origin    where it was given, for messages
     */
    public record Collector(String host, int port, Transport transport, String origin) {
        public Collector {
            if (host == null || host.isBlank()) {
                throw new PushcapException(origin + ": collector host missing (expected HOST:PORT)");
            }
            if (port < 1 || port > 65_535) {
                throw new PushcapException(origin + ": collector port " + port + " (expected 1..65535)");
            }
            if (transport == null) {
                transport = Transport.UDP;
            }
        }

        /**
         * What makes two collectors the same destination: the address the name resolves to (as the
         * transport will resolve it), the port and the transport. A name that does not resolve is
         * compared by its lower-cased text; the transport reports it when it opens.
         */
        public String destination() {
            String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            String addr;
            try {
                addr = java.net.InetAddress.getByName(h).getHostAddress();
            } catch (java.net.UnknownHostException e) {
                addr = h.toLowerCase(java.util.Locale.ROOT);
            }
            return addr + "|" + port + "|" + transport;
        }

        /**
         * The collectors without repeats: the first of those naming the same {@link #destination()}
         * stays (a collector named in the template file and again with {@code --collector} would
         * otherwise get every record twice).
         */
        public static List<Collector> distinct(List<Collector> all) {
            java.util.Map<String, Collector> seen = new java.util.LinkedHashMap<>();
            for (Collector c : all) {
                Collector first = seen.putIfAbsent(c.destination(), c);
                if (first != null && first != c) {
                    org.slf4j.LoggerFactory.getLogger(FlowExportConfig.class).info(
                            "collector {} ({}) is the same as {} ({}): sending each record to it once",
                            c.label(), c.origin(), first.label(), first.origin());
                }
            }
            return List.copyOf(seen.values());
        }

        /** "host:port/udp" as logs and metric labels show it. */
        public String label() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port + "/" + transport.name().toLowerCase();
        }
    }

    /**
     * One user template.
     *
     * @param id     template ID, 256..65535
     * @param fields element names, each optionally {@code name:LENGTH} for reduced-size encoding
     * @param origin file and line, for messages
     */
    public record TemplateSpec(int id, List<String> fields, String origin) {
        public TemplateSpec {
            fields = List.copyOf(fields);
        }
    }

    /**
     * An enterprise-specific information element.
     *
     * @param name             the name templates use (case-insensitive, must not shadow an IANA name)
     * @param enterpriseNumber IANA Private Enterprise Number, 1..2^32-1
     * @param id               element ID within that enterprise, 1..32767
     * @param length           encoded length in bytes
     * @param source           IANA element name whose measured value it carries, or null for a constant
     * @param value            the constant when {@code source} is null
     * @param origin           file and line, for messages
     */
    public record EnterpriseElementSpec(String name, long enterpriseNumber, int id, int length, String source,
                                        long value, String origin) {
    }

    public FlowExportConfig {
        collectors = Collector.distinct(collectors);
        templates = List.copyOf(templates);
        enterpriseElements = List.copyOf(enterpriseElements);
        if (collectors.isEmpty()) {
            throw new PushcapException(origin + ": no collector (expected at least one --collector HOST:PORT)");
        }
        if (observationDomainId < 0 || observationDomainId > 0xffff_ffffL) {
            throw new PushcapException(origin + ": observation domain " + observationDomainId + " (expected 0..4294967295)");
        }
        if (mtu < MIN_MTU || mtu > MAX_MTU) {
            throw new PushcapException(origin + ": mtu " + mtu + " (expected " + MIN_MTU + ".." + MAX_MTU + " bytes of IPFIX)");
        }
        if (templateRefreshNanos < 0) {
            throw new PushcapException(origin + ": template refresh " + templateRefreshNanos + " ns (expected >= 0)");
        }
        if (templateRefreshMessages < 0) {
            throw new PushcapException(origin + ": template refresh every " + templateRefreshMessages
                    + " messages (expected >= 0)");
        }
    }

    /** Defaults around the given collectors: domain 0, 1400 bytes, refresh every 60 s or 100 messages. */
    public static FlowExportConfig of(List<Collector> collectors, String origin) {
        return new FlowExportConfig(collectors, 0, DEFAULT_MTU, DEFAULT_TEMPLATE_REFRESH_NANOS,
                DEFAULT_TEMPLATE_REFRESH_MESSAGES, List.of(), List.of(), origin);
    }

    public FlowExportConfig withCollectors(List<Collector> c) {
        return new FlowExportConfig(c, observationDomainId, mtu, templateRefreshNanos, templateRefreshMessages,
                templates, enterpriseElements, origin);
    }

    public FlowExportConfig withDomain(long domain) {
        return new FlowExportConfig(collectors, domain, mtu, templateRefreshNanos, templateRefreshMessages,
                templates, enterpriseElements, origin);
    }

    public FlowExportConfig withMtu(int bytes) {
        return new FlowExportConfig(collectors, observationDomainId, bytes, templateRefreshNanos,
                templateRefreshMessages, templates, enterpriseElements, origin);
    }

    public FlowExportConfig withTemplateRefresh(long nanos, int messages) {
        return new FlowExportConfig(collectors, observationDomainId, mtu, nanos, messages, templates,
                enterpriseElements, origin);
    }

    public FlowExportConfig withTemplates(List<TemplateSpec> t, List<EnterpriseElementSpec> e) {
        return new FlowExportConfig(collectors, observationDomainId, mtu, templateRefreshNanos,
                templateRefreshMessages, t, e, origin);
    }
}
