package io.pushcap.flow.ipfix;

import io.pushcap.PushcapException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.pushcap.flow.ipfix.ElementType.*;
import static io.pushcap.flow.ipfix.MeasuredValue.*;

/**
 * The information elements pushcap can export, by name (case-insensitive, so the seed's
 * {@code FlowEndMilliseconds} and IANA's {@code flowEndMilliseconds} are the same element), with
 * IANA ids and types from the IANA "IPFIX Information Elements" registry.
 *
 * <p><b>Note:</b> immutable after construction and thread-safe. Enterprise elements are added by
 * building a new instance with {@link #withEnterprise(List)}.
 */
public final class InformationElements {
    private static final List<InformationElement> IANA = List.of(
            InformationElement.iana("octetDeltaCount", 1, UNSIGNED64, OCTETS),
            InformationElement.iana("packetDeltaCount", 2, UNSIGNED64, PACKETS),
            InformationElement.iana("deltaFlowCount", 3, UNSIGNED64, FLOW_COUNT),
            InformationElement.iana("protocolIdentifier", 4, UNSIGNED8, PROTOCOL),
            InformationElement.iana("ipClassOfService", 5, UNSIGNED8, CLASS_OF_SERVICE),
            InformationElement.iana("tcpControlBits", 6, UNSIGNED16, TCP_FLAGS),
            InformationElement.iana("sourceTransportPort", 7, UNSIGNED16, SRC_PORT),
            InformationElement.iana("sourceIPv4Address", 8, IPV4_ADDRESS, SRC_IPV4),
            InformationElement.iana("ingressInterface", 10, UNSIGNED32, INGRESS_INTERFACE),
            InformationElement.iana("destinationTransportPort", 11, UNSIGNED16, DST_PORT),
            InformationElement.iana("destinationIPv4Address", 12, IPV4_ADDRESS, DST_IPV4),
            InformationElement.iana("egressInterface", 14, UNSIGNED32, EGRESS_INTERFACE),
            InformationElement.iana("flowEndSysUpTime", 21, UNSIGNED32, FLOW_END_SYS_UP_TIME),
            InformationElement.iana("flowStartSysUpTime", 22, UNSIGNED32, FLOW_START_SYS_UP_TIME),
            InformationElement.iana("sourceIPv6Address", 27, IPV6_ADDRESS, SRC_IPV6),
            InformationElement.iana("destinationIPv6Address", 28, IPV6_ADDRESS, DST_IPV6),
            InformationElement.iana("icmpTypeCodeIPv4", 32, UNSIGNED16, ICMP_TYPE_CODE_IPV4),
            InformationElement.iana("minimumTTL", 52, UNSIGNED8, MIN_TTL),
            InformationElement.iana("maximumTTL", 53, UNSIGNED8, MAX_TTL),
            InformationElement.iana("vlanId", 58, UNSIGNED16, OUTER_VLAN),
            InformationElement.iana("ipVersion", 60, UNSIGNED8, IP_VERSION),
            InformationElement.iana("flowDirection", 61, UNSIGNED8, FLOW_DIRECTION),
            InformationElement.iana("octetTotalCount", 85, UNSIGNED64, OCTETS),
            InformationElement.iana("packetTotalCount", 86, UNSIGNED64, PACKETS),
            InformationElement.iana("flowEndReason", 136, UNSIGNED8, FLOW_END_REASON),
            InformationElement.iana("icmpTypeCodeIPv6", 139, UNSIGNED16, ICMP_TYPE_CODE_IPV6),
            InformationElement.iana("observationDomainId", 149, UNSIGNED32, OBSERVATION_DOMAIN),
            InformationElement.iana("flowStartSeconds", 150, DATE_TIME_SECONDS, FLOW_START),
            InformationElement.iana("flowEndSeconds", 151, DATE_TIME_SECONDS, FLOW_END),
            InformationElement.iana("flowStartMilliseconds", 152, DATE_TIME_MILLISECONDS, FLOW_START),
            InformationElement.iana("flowEndMilliseconds", 153, DATE_TIME_MILLISECONDS, FLOW_END),
            InformationElement.iana("flowStartMicroseconds", 154, DATE_TIME_MICROSECONDS, FLOW_START),
            InformationElement.iana("flowEndMicroseconds", 155, DATE_TIME_MICROSECONDS, FLOW_END),
            InformationElement.iana("flowStartNanoseconds", 156, DATE_TIME_NANOSECONDS, FLOW_START),
            InformationElement.iana("flowEndNanoseconds", 157, DATE_TIME_NANOSECONDS, FLOW_END),
            InformationElement.iana("systemInitTimeMilliseconds", 160, DATE_TIME_MILLISECONDS, SYSTEM_INIT_TIME),
            InformationElement.iana("flowDurationMilliseconds", 161, UNSIGNED32, FLOW_DURATION_MILLISECONDS),
            InformationElement.iana("flowDurationMicroseconds", 162, UNSIGNED32, FLOW_DURATION_MICROSECONDS),
            InformationElement.iana("icmpTypeIPv4", 176, UNSIGNED8, ICMP_TYPE_IPV4),
            InformationElement.iana("icmpCodeIPv4", 177, UNSIGNED8, ICMP_CODE_IPV4),
            InformationElement.iana("icmpTypeIPv6", 178, UNSIGNED8, ICMP_TYPE_IPV6),
            InformationElement.iana("icmpCodeIPv6", 179, UNSIGNED8, ICMP_CODE_IPV6),
            InformationElement.iana("ipDiffServCodePoint", 195, UNSIGNED8, DSCP),
            InformationElement.iana("ipPrecedence", 196, UNSIGNED8, PRECEDENCE),
            InformationElement.iana("dot1qVlanId", 243, UNSIGNED16, OUTER_VLAN),
            InformationElement.iana("dot1qCustomerVlanId", 245, UNSIGNED16, INNER_VLAN));

    /** IANA elements the meter does not measure: named so the error can say so rather than "unknown". */
    private static final Set<String> NOT_MEASURED = Set.of("sourceIPv4PrefixLength", "destinationIPv4PrefixLength",
            "ipNextHopIPv4Address", "bgpSourceAsNumber", "bgpDestinationAsNumber", "bgpNextHopIPv4Address",
            "sourceIPv6PrefixLength", "destinationIPv6PrefixLength", "flowLabelIPv6", "fragmentIdentification",
            "sourceMacAddress", "destinationMacAddress", "postVlanId", "ipNextHopIPv6Address", "forwardingStatus",
            "ipTTL", "mplsTopLabelStackSection", "flowId");

    private static final InformationElements STANDARD = new InformationElements(IANA);

    private final Map<String, InformationElement> byName;

    private InformationElements(List<InformationElement> elements) {
        Map<String, InformationElement> m = new LinkedHashMap<>();
        for (InformationElement e : elements) {
            m.put(key(e.name()), e);
        }
        this.byName = Collections.unmodifiableMap(m);
    }

    /** The IANA elements pushcap measures. */
    public static InformationElements standard() {
        return STANDARD;
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    /** Every element, IANA first, in table order. */
    public List<InformationElement> all() {
        return List.copyOf(byName.values());
    }

    /** The element by name, case-insensitive; {@code where} prefixes the error. */
    public InformationElement lookup(String name, String where) {
        InformationElement e = byName.get(key(name));
        if (e != null) {
            return e;
        }
        for (String n : NOT_MEASURED) {
            if (n.equalsIgnoreCase(name)) {
                throw new PushcapException(where + ": information element '" + name
                        + "' is an IANA element the flow meter does not measure");
            }
        }
        Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        byName.values().forEach(x -> names.add(x.name()));
        throw new PushcapException(where + ": unknown information element '" + name + "' (expected one of "
                + String.join(", ", names) + ", or an enterprise element defined in the config)");
    }

    /**
     * Adds enterprise elements; each carries a measured value (the element named by
     * {@code source}) or a constant.
     */
    public InformationElements withEnterprise(List<io.pushcap.config.FlowExportConfig.EnterpriseElementSpec> specs) {
        if (specs.isEmpty()) {
            return this;
        }
        List<InformationElement> all = new java.util.ArrayList<>(byName.values());
        Map<String, String> seen = new LinkedHashMap<>();
        for (var s : specs) {
            String where = s.origin();
            if (s.name() == null || s.name().isBlank()) {
                throw new PushcapException(where + ": enterprise element without a name");
            }
            if (byName.containsKey(key(s.name())) || NOT_MEASURED.stream().anyMatch(n -> n.equalsIgnoreCase(s.name()))) {
                throw new PushcapException(where + ": enterprise element '" + s.name() + "' has the name of an IANA element");
            }
            String prev = seen.putIfAbsent(key(s.name()), where);
            if (prev != null) {
                throw new PushcapException(where + ": enterprise element '" + s.name() + "' is already defined at " + prev);
            }
            if (s.enterpriseNumber() < 1 || s.enterpriseNumber() > 0xffff_ffffL) {
                throw new PushcapException(where + ": enterprise element '" + s.name() + "': enterprise "
                        + s.enterpriseNumber() + " (expected a Private Enterprise Number 1..4294967295)");
            }
            if (s.id() < 1 || s.id() > 0x7fff) {
                throw new PushcapException(where + ": enterprise element '" + s.name() + "': id " + s.id()
                        + " (expected 1..32767)");
            }
            InformationElement e;
            if (s.source() != null) {
                InformationElement src = lookup(s.source(), where + ": enterprise element '" + s.name() + "' source");
                if (!src.allows(s.length())) {
                    throw new PushcapException(where + ": enterprise element '" + s.name() + "': length " + s.length()
                            + " does not fit source " + src.name() + " (" + src.type().ianaName() + ", "
                            + lengths(src) + ")");
                }
                e = new InformationElement(s.name(), s.enterpriseNumber(), s.id(), src.type(), s.length(), src.value(), 0);
            } else {
                if (s.length() < 1 || s.length() > 8) {
                    throw new PushcapException(where + ": enterprise element '" + s.name() + "': length " + s.length()
                            + " (a constant is 1..8 bytes)");
                }
                e = new InformationElement(s.name(), s.enterpriseNumber(), s.id(), UNSIGNED64, s.length(), CONSTANT,
                        s.value());
            }
            all.add(e);
        }
        return new InformationElements(all);
    }

    /** "length 1..8" or "length 16" for messages. */
    static String lengths(InformationElement e) {
        return e.type().reducible() ? "length 1.." + e.length() : "length " + e.length();
    }
}
