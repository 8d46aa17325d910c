package io.pushcap.config;

import java.util.HashMap;
import java.util.Map;

/**
 * What two targets of one file must not share: a Desc (it names their log files; spaces count as
 * '_', so "port80 zstd" and "port80_zstd" clash), or, for targets writing files, the same names
 * (same Mode, Path, FileName and FileSuffix).
 *
 * <p><b>Note:</b> not thread-safe; remembers the targets of one file in order.
 */
final class TargetClashes {
    private final Map<String, String> descOwners = new HashMap<>();
    private final Map<String, TargetConfig> outputOwners = new HashMap<>();

    /** Records {@code desc}; reports it when an earlier target has it. */
    void checkDesc(TableReader r, String desc, int line) {
        String owner = "target '" + desc + "'" + (line > 0 ? " (line " + line + ")" : "");
        String other = descOwners.putIfAbsent(DescNames.fileSafe(desc), owner);
        if (other != null) {
            r.error("Desc", "'" + desc + "' is already used by " + other
                    + (other.startsWith("target '" + desc + "'") ? "" : " (spaces become '_' in file names)")
                    + "; each target needs its own Desc: it names the target's log files");
        }
    }

    /** Records the file names {@code t} writes; false (and reported) when an earlier target writes the same. */
    boolean checkOutput(TableReader r, TargetConfig t) {
        if (!TargetValidator.FILE_MODES.contains(t.mode())) {
            return true;
        }
        String output = t.mode() + " " + t.path() + " " + t.fileName() + " " + t.fileSuffix();
        TargetConfig other = outputOwners.putIfAbsent(output, t);
        if (other != null) {
            r.error("Path", "'" + t.path() + "' with the same FileName and FileSuffix as " + other.label()
                    + (other.line() > 0 ? " (line " + other.line() + ")" : "")
                    + ": both would write the same files; give one a different Path");
            return false;
        }
        return true;
    }
}
