package io.pushcap.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a valid target's settings mean for pushcap where that differs from the appliance, or where
 * a setting is legal but probably not what was meant: the pipeline prints these once at the top
 * of the target's log, and {@code pushcap check} shows them. Each note is documented in
 * docs/configuration.md.
 *
 * <p><b>Note:</b> stateless and thread-safe.
 */
final class TargetNotes {
    /** Filter words that test encapsulation headers, which Decap removes before the filter runs. */
    private static final Pattern COMPRESSED_SUFFIX = Pattern.compile("(?i)(gz|zst|zstd|lz4|xz|bz2)$");

    private TargetNotes() {
    }

    static List<String> of(TargetConfig t) {
        List<String> notes = new ArrayList<>();
        seedOptions(t, notes);
        naming(t, notes);
        compression(t, notes);
        filters(t, notes);
        return List.copyOf(notes);
    }

    private static void seedOptions(TargetConfig t, List<String> notes) {
        if (t.splitCmd() != null) {
            notes.add("SplitCmd '" + t.splitCmd() + "' holds options of the appliance's pcap_split process; pushcap"
                    + " splits inside its own process and ignores them");
        }
        if (t.chunked()) {
            notes.add("Chunked = true: pushcap always moves packets in batches, so this changes nothing");
        }
        if (t.cpu() >= 0) {
            notes.add("CPU = " + t.cpu() + ": pins this target's thread and its PipeCmd child to CPU " + t.cpu()
                    + " (the appliance pins stream_cat; pushcap's reader is shared by all targets and is not pinned)");
        }
        if (t.ringTimeoutExit()) {
            notes.add("StreamCat '--ring-timeout-exit ': when this target's consumer cannot keep up for "
                    + SplitParser.humanTime(t.timeoutRingNanos()) + " (TimeoutRing), the push exits instead of waiting"
                    + " and is restarted from the current time; data in between is not pushed by this target");
        }
        if (t.keep().active()) {
            notes.add(t.keep().describe() + ": after each published file, this target's oldest files (the names its"
                    + " FileName and FileSuffix give, in its Path's directory) are deleted beyond the limit; the newest"
                    + " file is always kept");
        }
        if (t.mode() == Mode.CURL) {
            notes.add("Mode CURL: pushcap speaks FTP itself; the curl program is not used");
        }
    }

    private static void naming(TargetConfig t, List<String> notes) {
        if (t.desc().contains(" ")) {
            notes.add("Desc '" + t.desc() + "' contains spaces: log files and metric labels use '"
                    + DescNames.fileSafe(t.desc()) + "'");
        }
        if (TargetValidator.FILE_MODES.contains(t.mode()) && !t.fileSuffix().startsWith(".")) {
            notes.add("FileSuffix '" + t.fileSuffix() + "' has no leading dot: it is appended as written, as the"
                    + " appliance does (e.g. ..._120000" + t.fileSuffix() + "); write '." + t.fileSuffix()
                    + "' for the usual form");
        }
    }

    private static void compression(TargetConfig t, List<String> notes) {
        if (t.pipeCmd() == null && t.compress() == null && COMPRESSED_SUFFIX.matcher(t.fileSuffix()).find()) {
            notes.add("FileSuffix '" + t.fileSuffix() + "' names a compressed format but neither Compress nor PipeCmd"
                    + " is set: the files hold plain pcap");
        }
        if (t.pcapngOutput() && t.fileSuffix().toLowerCase(Locale.ROOT).matches("\\.?pcap(\\..*)?")) {
            notes.add("Format pcapng writes pcapng but FileSuffix is '" + t.fileSuffix() + "' (write '.pcapng' for the"
                    + " usual name)");
        }
        if (t.pipeCmd() != null && t.fileSuffix().equals(".pcap")) {
            notes.add("PipeCmd '" + t.pipeCmd() + "' transforms the data but FileSuffix is '.pcap': the files carry the"
                    + " command's output under a .pcap name (set FileSuffix, e.g. '.pcap.gz')");
        }
        if (t.compress() != null) {
            CompressSpec spec = CompressSpec.parse(t.compress());
            String suffix = t.fileSuffix().toLowerCase(Locale.ROOT);
            boolean matches = suffix.endsWith(spec.suffix()) || (spec.algorithm().equals("zstd") && suffix.endsWith(".zstd"));
            if (!matches) {
                notes.add("Compress " + spec.algorithm() + " writes " + spec.suffix() + " data but FileSuffix is '"
                        + t.fileSuffix() + "'");
            }
        }
    }

    private static void filters(TargetConfig t, List<String> notes) {
        if (t.decap() && t.filterOnCapturedFrame()) {
            notes.add("FilterBPF '" + t.filterBpf() + "' names encapsulation headers (vlan, mpls, pppoes, geneve): it is"
                    + " matched against the frame as captured, before Decap, as tcpdump would match it");
        }
        if (t.filterFrame() != null) {
            notes.add("FilterFrame '" + t.filterFrame() + "' is applied to the frame as captured, before Decap; a"
                    + " packet is pushed only when it passes FilterFrame and FilterBPF");
        }
    }
}
