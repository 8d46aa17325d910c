package io.pushcap.pipeline;

import io.pushcap.config.SplitRule;
import io.pushcap.config.TargetConfig;
import io.pushcap.sink.ftp.FtpLocation;

import java.util.ArrayList;
import java.util.List;

/**
 * The appliance's {@code pcap_split} argument list for a target, for the log header, so users
 * who know the appliance's logs recognise every line.
 */
final class PushArgs {
    private PushArgs() {
    }

    static List<String> of(String uid, TargetConfig t) {
        List<String> a = new ArrayList<>(List.of("--uid", uid, "-o", FtpLocation.withoutPassword(t.path())));
        if (t.split().kind() == SplitRule.Kind.TIME) {
            a.add("--split-time");
            a.add(Double.toString(t.split().value()).replace(".0E", "e"));
        } else if (t.split().kind() == SplitRule.Kind.BYTES) {
            a.add("--split-byte");
            a.add(Long.toString(t.split().value()));
        }
        if (t.fileName() != null) {
            a.add(t.fileName().option());
        }
        if (t.pipeCmd() != null) {
            a.add("--pipe-cmd");
            a.add(t.pipeCmd().strip());
        }
        if (t.compress() != null) {
            a.add("--compress");
            a.add(t.compress());
        }
        a.add("--" + t.mode().name().toLowerCase());
        a.add("--filename-suffix");
        a.add(t.fileSuffix());
        if (t.filterBpf() != null) {
            a.add("--bpf");
            a.add(t.filterBpf());
        }
        return a;
    }

    static List<String> meanings(String uid, TargetConfig t) {
        List<String> m = new ArrayList<>();
        m.add("--uid");
        m.add("UID [" + uid + "]");
        m.add("-o");
        if (t.split().kind() == SplitRule.Kind.TIME) {
            m.add("--split-time");
            m.add("Split Every " + (t.split().value() / 1_000_000_000.0) + " Sec");
        } else if (t.split().kind() == SplitRule.Kind.BYTES) {
            m.add("--split-byte");
            m.add("Split Every " + t.split().value() + " Bytes");
        }
        if (t.fileName() != null) {
            m.add(t.fileName().option());
            m.add(switch (t.fileName()) {
                case EPOCH_SEC_STARTEND -> "Filename EPOCH Sec Start/End";
                case EPOCH_SEC -> "Filename EPOCH Sec";
                case TSTR_HHMM -> "Filename TimeString HHMM";
                case TSTR_HHMMSS -> "Filename TimeString HHMMSS";
                case TSTR_HHMMSS_TZ -> "Filename TimeString HHMMSS with Timezone";
                case TSTR_HHMMSS_SUB -> "Filename TimeString HHMMSS with sub-second";
            });
        }
        if (t.pipeCmd() != null) {
            m.add("--pipe-cmd");
            m.add("pipe cmd [" + t.pipeCmd().strip() + "]");
        }
        if (t.compress() != null) {
            m.add("--compress");
            m.add("in-process compression [" + t.compress() + "]");
        }
        m.add("--" + t.mode().name().toLowerCase());
        m.add("Output Mode " + t.mode().name());
        m.add("--filename-suffix");
        m.add("Filename Suffix [" + t.fileSuffix() + "]");
        if (t.filterBpf() != null) {
            m.add("--bpf");
            m.add("BPF Filter [" + t.filterBpf() + "]" + (t.decap() ? " on the decapsulated packet" : ""));
        }
        return m;
    }
}
