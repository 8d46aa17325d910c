package io.pushcap.config;

import io.pushcap.pipeline.naming.FileNameEncoder;
import io.pushcap.sink.ftp.FtpLocation;
import java.util.ArrayList;
import java.util.List;

import java.util.HashMap;
import java.util.Map;

/**
 * What two targets of one file must not share: a Desc (it names their log files; spaces count as
 * '_', so "port80 zstd" and "port80_zstd" clash), or, for targets writing files, the same names
 * (same Mode, Path, FileName and FileSuffix), nor names that one target's KeepFiles/KeepBytes
 * would take for its own and delete.
 *
 * <p><b>Note:</b> not thread-safe; remembers the targets of one file in order.
 */
final class TargetClashes {
    private final Map<String, String> descOwners = new HashMap<>();
    private final Map<String, TargetConfig> outputOwners = new HashMap<>();
    private final List<TargetConfig> fileTargets = new ArrayList<>();

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
        for (TargetConfig earlier : fileTargets) {
            if (!keepClash(r, t, earlier)) {
                return false;
            }
        }
        fileTargets.add(t);
        return true;
    }

    /**
     * KeepFiles/KeepBytes delete the files whose names a target's own FileName and FileSuffix
     * give. A target whose names another target's pattern also matches (same directory, Path
     * {@code /d/t} and {@code /d/t1} with --filename-epoch-sec: {@code t1 1700000000} reads as
     * {@code t 11700000000}) would have its files deleted by the other: refused, in either order.
     */
    private static boolean keepClash(TableReader r, TargetConfig t, TargetConfig earlier) {
        if (t.mode() != earlier.mode() || (!t.keep().active() && !earlier.keep().active())) {
            return true;
        }
        FileNameEncoder mine = encoder(t);
        FileNameEncoder theirs = encoder(earlier);
        if (!mine.directory().equals(theirs.directory())) {
            return true;
        }
        String clash = t.keep().active() ? sampleMatching(theirs, mine) : null;
        String key = t.keep().files() > 0 ? "KeepFiles" : "KeepBytes";
        if (clash != null) {
            r.error(key, "would delete files of " + earlier.label() + (earlier.line() > 0 ? " (line " + earlier.line() + ")" : "")
                    + ": its names in the same directory, such as " + clash + ", also match this target's FileName and"
                    + " FileSuffix; give one a different Path or FileSuffix");
            return false;
        }
        clash = earlier.keep().active() ? sampleMatching(mine, theirs) : null;
        if (clash != null) {
            String theirKey = earlier.keep().files() > 0 ? "KeepFiles" : "KeepBytes";
            r.error("Path", "'" + t.path() + "': " + earlier.label() + (earlier.line() > 0 ? " (line " + earlier.line() + ")" : "")
                    + " has " + theirKey + " and would delete this target's files: names such as " + clash + " also"
                    + " match its FileName and FileSuffix; give one a different Path or FileSuffix");
            return false;
        }
        return true;
    }

    private static FileNameEncoder encoder(TargetConfig t) {
        return new FileNameEncoder(t.fileName(), FtpLocation.withoutPassword(t.path()), t.fileSuffix(), java.time.ZoneOffset.UTC);
    }

    /** A name {@code writer} gives that {@code keeper}'s pattern takes for its own, or null. */
    private static String sampleMatching(FileNameEncoder writer, FileNameEncoder keeper) {
        java.util.regex.Pattern own = keeper.ownNames();
        long second = 1_000_000_000L;
        for (long start : new long[] {1_700_000_000L * second, 2_000_000_000L * second}) {
            for (String name : new String[] {writer.name(start, start + second), writer.name(start, start + second)}) {
                String rest = name.substring(writer.directory().length());
                if (own.matcher(rest).matches()) {
                    return rest;
                }
            }
        }
        return null;
    }
}
