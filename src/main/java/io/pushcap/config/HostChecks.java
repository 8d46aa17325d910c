package io.pushcap.config;

import io.pushcap.PushcapException;
import io.pushcap.pcap.LinkType;
import io.pushcap.pipeline.filter.BpfFilter;
import io.pushcap.pipeline.filter.BpfSyntaxException;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Checks of a configuration against the host it will run on: programs on PATH, writable output
 * directories, CPUs, and BPF filters compiled by libpcap. Each check returns what is wrong as a
 * message, or null.
 *
 * <p><b>Note:</b> immutable and thread-safe. Checks read the file system and have no side
 * effects: nothing is created. A directory that passes can still fail later (a mount that goes
 * away); the sink reports that when it happens.
 */
final class HostChecks {
    /** Snaplen for compiling filters at check time; the pipeline compiles again for the source's link type. */
    static final int CHECK_SNAPLEN = 262_144;

    /** Programs a PipeCmd or ScriptNew commonly names, and the Debian package that has them. */
    private static final Map<String, String> DEBIAN_PACKAGES = Map.ofEntries(
            Map.entry("gzip", "gzip"), Map.entry("pigz", "pigz"), Map.entry("zstd", "zstd"), Map.entry("pzstd", "zstd"),
            Map.entry("lz4", "lz4"), Map.entry("xz", "xz-utils"), Map.entry("pixz", "pixz"), Map.entry("bzip2", "bzip2"),
            Map.entry("pbzip2", "pbzip2"), Map.entry("lbzip2", "lbzip2"), Map.entry("lzop", "lzop"),
            Map.entry("brotli", "brotli"), Map.entry("plzip", "plzip"), Map.entry("lzip", "lzip"),
            Map.entry("rclone", "rclone"), Map.entry("curl", "curl"), Map.entry("tcpdump", "tcpdump"),
            Map.entry("tshark", "tshark"), Map.entry("editcap", "wireshark-common"), Map.entry("mergecap", "wireshark-common"),
            Map.entry("lua", "lua5.4"), Map.entry("luajit", "luajit"), Map.entry("python3", "python3"),
            Map.entry("logger", "bsdutils"), Map.entry("openssl", "openssl"), Map.entry("gpg", "gpg"));

    private final int cpus;
    private final String pathVariable;

    HostChecks(int cpus, String pathVariable) {
        this.cpus = cpus;
        this.pathVariable = pathVariable == null ? "" : pathVariable;
    }

    static HostChecks thisHost() {
        return new HostChecks(Runtime.getRuntime().availableProcessors(), System.getenv("PATH"));
    }

    int cpus() {
        return cpus;
    }

    /** The first word of {@code commandLine} when it names no executable program, with how to get it; else null. */
    String missingProgram(String commandLine) {
        String program = commandLine.strip().split("\\s+")[0];
        if (program.indexOf('\0') >= 0) {
            // Path.of would throw InvalidPathException (found by PushConfigLoaderFuzzTest).
            return "program '" + program.replace("\0", "\\0") + "' is not a valid file name (it contains a NUL character)";
        }
        if (program.contains("/")) {
            Path p = Path.of(program);
            return Files.isRegularFile(p) && Files.isExecutable(p) ? null
                    : "program '" + program + "' does not exist or is not executable";
        }
        for (String dir : pathVariable.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path p = Path.of(dir, program);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return null;
                }
            }
        }
        String pkg = DEBIAN_PACKAGES.get(program);
        return "program '" + program + "' not found on PATH" + (pkg == null ? "" : " (Debian package: " + pkg
                + "; apt-get install -y " + pkg + ")");
    }

    /**
     * Whether files named {@code <prefix>...} can be written: the prefix's directory (everything up
     * to its last '/', or the working directory) must exist as a writable directory, or be creatable
     * under the nearest existing ancestor.
     */
    String unwritablePrefix(String prefix) {
        int slash = prefix.lastIndexOf('/');
        String dirName = slash < 0 ? "." : slash == 0 ? "/" : prefix.substring(0, slash);
        Path dir;
        try {
            dir = Path.of(dirName).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            return "not a valid path: " + e.getReason();
        }
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return "no part of " + dir + " exists";
        }
        if (!Files.isDirectory(existing)) {
            return existing.equals(dir) ? dir + " is not a directory"
                    : "cannot create directory " + dir + ": " + existing + " is not a directory";
        }
        String fs = io.pushcap.internal.IoProblems.fileSystemProblem(existing);
        if (fs != null) {
            return (existing.equals(dir) ? dir.toString() : "cannot create directory " + dir + ": " + existing) + " " + fs;
        }
        if (!Files.isWritable(existing) || !Files.isExecutable(existing)) {
            return existing.equals(dir) ? "directory " + dir + " is not writable by this user"
                    : "cannot create directory " + dir + ": " + existing + " is not writable by this user";
        }
        return null;
    }

    /** libpcap's complaint about {@code expression} compiled for Ethernet, or null when it compiles. */
    String bpfProblem(String expression) {
        try (BpfFilter ignored = BpfFilter.compile(expression, LinkType.ETHERNET, CHECK_SNAPLEN)) {
            return null;
        } catch (BpfSyntaxException e) {
            return "libpcap: " + e.reason();
        } catch (PushcapException e) {
            return "cannot check the filter: " + e.getMessage();
        }
    }
}
