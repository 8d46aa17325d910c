package io.pushcap.flow.ipfix;

import io.pushcap.PushcapException;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A compiled template: its id, fields (element and length), which IP version's flows it can
 * describe, and the fixed length of its data records.
 *
 * <p><b>Note:</b> immutable and thread-safe.
 */
public final class IpfixTemplate {
    private final int id;
    private final InformationElement[] elements;
    private final int[] lengths;
    private final int ipVersion;
    private final int recordLength;
    private final String origin;

    private IpfixTemplate(int id, InformationElement[] elements, int[] lengths, int ipVersion, String origin) {
        this.id = id;
        this.elements = elements;
        this.lengths = lengths;
        this.ipVersion = ipVersion;
        int n = 0;
        for (int l : lengths) {
            n += l;
        }
        this.recordLength = n;
        this.origin = origin;
    }

    /**
     * Compiles field specs ({@code name} or {@code name:LENGTH}) against the element table.
     *
     * @param where the template's origin (file:line), first in every error
     */
    public static IpfixTemplate compile(int id, List<String> fields, InformationElements table, String where) {
        String label = where + ": template " + id;
        if (id < IpfixDescriptor.MIN_DATA_SET_ID || id > 0xffff) {
            throw new PushcapException(where + ": template id " + id + " (expected 256..65535)");
        }
        if (fields.isEmpty()) {
            throw new PushcapException(label + " has no fields");
        }
        InformationElement[] els = new InformationElement[fields.size()];
        int[] lens = new int[fields.size()];
        Set<String> seen = new HashSet<>();
        int version = 0;
        String versionField = null;
        for (int i = 0; i < els.length; i++) {
            String spec = fields.get(i).trim();
            String name = spec;
            int colon = spec.indexOf(':');
            InformationElement e;
            int len;
            if (colon >= 0) {
                name = spec.substring(0, colon).trim();
                e = table.lookup(name, label);
                String l = spec.substring(colon + 1).trim();
                try {
                    len = Integer.parseInt(l);
                } catch (NumberFormatException x) {
                    throw new PushcapException(label + ": '" + spec + "' (expected NAME or NAME:LENGTH)");
                }
                if (!e.allows(len)) {
                    throw new PushcapException(label + ": '" + spec + "': " + e.name() + " is " + e.type().ianaName()
                            + " (" + InformationElements.lengths(e) + ")");
                }
            } else {
                e = table.lookup(name, label);
                len = e.length();
            }
            if (!seen.add(e.name())) {
                throw new PushcapException(label + ": " + e.name() + " appears twice");
            }
            int v = e.value().ipVersion();
            if (v != 0) {
                if (version != 0 && version != v) {
                    throw new PushcapException(label + ": mixes IPv" + version + " (" + versionField + ") and IPv" + v
                            + " (" + e.name() + ") elements; IPv4 and IPv6 flows need separate templates");
                }
                version = v;
                versionField = e.name();
            }
            els[i] = e;
            lens[i] = len;
        }
        return new IpfixTemplate(id, els, lens, version, where);
    }

    /** The built-in template for one IP version (used when no user template covers it). */
    public static IpfixTemplate defaults(int id, int ipVersion) {
        List<String> f = new ArrayList<>(List.of("flowStartMilliseconds", "flowEndMilliseconds", "packetDeltaCount",
                "octetDeltaCount", "ingressInterface", "ipVersion"));
        if (ipVersion == 4) {
            f.addAll(List.of("sourceIPv4Address", "destinationIPv4Address"));
        } else {
            f.addAll(List.of("sourceIPv6Address", "destinationIPv6Address"));
        }
        f.addAll(List.of("sourceTransportPort", "destinationTransportPort", "protocolIdentifier", "tcpControlBits",
                "ipClassOfService", ipVersion == 4 ? "icmpTypeCodeIPv4" : "icmpTypeCodeIPv6", "minimumTTL",
                "maximumTTL", "vlanId", "dot1qCustomerVlanId", "flowEndReason"));
        return compile(id, f, InformationElements.standard(), "built-in IPv" + ipVersion + " template");
    }

    public int id() {
        return id;
    }

    /** 4 or 6 when the template has version-specific elements, 0 when it fits both. */
    public int ipVersion() {
        return ipVersion;
    }

    public boolean covers(int version) {
        return ipVersion == 0 || ipVersion == version;
    }

    public int fieldCount() {
        return elements.length;
    }

    public InformationElement element(int i) {
        return elements[i];
    }

    public int length(int i) {
        return lengths[i];
    }

    /** Bytes of one data record. */
    public int recordLength() {
        return recordLength;
    }

    public String origin() {
        return origin;
    }

    /** Bytes of this template's record in a Template Set. */
    public int templateRecordLength() {
        int n = IpfixDescriptor.TEMPLATE_RECORD_HEADER_LENGTH;
        for (InformationElement e : elements) {
            n += IpfixDescriptor.FIELD_SPECIFIER_LENGTH + (e.enterpriseSpecific() ? IpfixDescriptor.ENTERPRISE_NUMBER_LENGTH : 0);
        }
        return n;
    }

    /** Writes the template record at {@code pos}; returns the position after it. */
    public int writeTemplateRecord(ByteBuffer b, int pos) {
        b.putShort(pos + IpfixDescriptor.TEMPLATE_ID_OFFSET, (short) id);
        b.putShort(pos + IpfixDescriptor.FIELD_COUNT_OFFSET, (short) elements.length);
        int p = pos + IpfixDescriptor.TEMPLATE_RECORD_HEADER_LENGTH;
        for (int i = 0; i < elements.length; i++) {
            InformationElement e = elements[i];
            b.putShort(p, (short) (e.enterpriseSpecific() ? e.id() | IpfixDescriptor.ENTERPRISE_BIT : e.id()));
            b.putShort(p + 2, (short) lengths[i]);
            p += IpfixDescriptor.FIELD_SPECIFIER_LENGTH;
            if (e.enterpriseSpecific()) {
                b.putInt(p, (int) e.enterprise());
                p += IpfixDescriptor.ENTERPRISE_NUMBER_LENGTH;
            }
        }
        return p;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("template ").append(id).append(" [");
        for (int i = 0; i < elements.length; i++) {
            s.append(i == 0 ? "" : ", ").append(elements[i].name());
            if (lengths[i] != elements[i].length()) {
                s.append(':').append(lengths[i]);
            }
        }
        return s.append(']').toString();
    }
}
