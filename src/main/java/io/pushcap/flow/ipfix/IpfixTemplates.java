package io.pushcap.flow.ipfix;

import io.pushcap.PushcapException;
import io.pushcap.config.FlowExportConfig;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The templates an exporter announces, and which one each flow uses: for each IP version the
 * first user template that covers it (has no element of the other version), otherwise the
 * built-in template of that version, which takes the lowest free id from 256 up.
 *
 * <p>A user template that no flow would ever use (an earlier one already covers its versions)
 * is an error, so a config never silently ignores what it asked for.
 *
 * <p><b>Note:</b> immutable and thread-safe.
 */
public final class IpfixTemplates {
    private final IpfixTemplate v4;
    private final IpfixTemplate v6;
    private final List<IpfixTemplate> announced;

    private IpfixTemplates(IpfixTemplate v4, IpfixTemplate v6) {
        this.v4 = v4;
        this.v6 = v6;
        this.announced = v4 == v6 ? List.of(v4) : List.of(v4, v6);
    }

    /** Compiles and checks the config's templates and enterprise elements. */
    public static IpfixTemplates of(FlowExportConfig config) {
        InformationElements table = InformationElements.standard().withEnterprise(config.enterpriseElements());
        List<IpfixTemplate> user = new ArrayList<>();
        Set<Integer> ids = new HashSet<>();
        for (FlowExportConfig.TemplateSpec s : config.templates()) {
            if (!ids.add(s.id())) {
                throw new PushcapException(s.origin() + ": template id " + s.id() + " is defined twice");
            }
            user.add(IpfixTemplate.compile(s.id(), s.fields(), table, s.origin()));
        }
        IpfixTemplate v4 = null;
        IpfixTemplate v6 = null;
        for (IpfixTemplate t : user) {
            boolean used = false;
            if (v4 == null && t.covers(4)) {
                v4 = t;
                used = true;
            }
            if (v6 == null && t.covers(6)) {
                v6 = t;
                used = true;
            }
            if (!used) {
                throw new PushcapException(t.origin() + ": template " + t.id() + " would never be used: template "
                        + (t.covers(4) ? v4.id() : v6.id()) + " already covers its IPv"
                        + (t.ipVersion() == 0 ? "4 and IPv6" : String.valueOf(t.ipVersion())) + " flows");
            }
        }
        int next = 256;
        if (v4 == null) {
            next = freeId(ids, next);
            v4 = IpfixTemplate.defaults(next, 4);
            ids.add(next);
        }
        if (v6 == null) {
            v6 = IpfixTemplate.defaults(freeId(ids, next), 6);
        }
        int mtu = config.mtu();
        for (IpfixTemplate t : v4 == v6 ? List.of(v4) : List.of(v4, v6)) {
            int need = IpfixDescriptor.MESSAGE_HEADER_LENGTH + IpfixDescriptor.SET_HEADER_LENGTH
                    + Math.max(t.recordLength(), t.templateRecordLength());
            if (need > mtu) {
                throw new PushcapException(t.origin() + ": template " + t.id() + " needs " + need
                        + " bytes per message but the mtu is " + mtu);
            }
        }
        return new IpfixTemplates(v4, v6);
    }

    /** The template for flows of this IP version (4 or 6). */
    public IpfixTemplate forVersion(int ipVersion) {
        return ipVersion == 6 ? v6 : v4;
    }

    /** Templates to send to collectors, in id order of use (IPv4's first). */
    public List<IpfixTemplate> announced() {
        return announced;
    }

    private static int freeId(Set<Integer> used, int from) {
        int id = from;
        while (used.contains(id)) {
            id++;
        }
        return id;
    }
}
