package io.pushcap.schedule;

import io.pushcap.config.ServiceConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the service starts an analytics loader: its command line (in a session of its own, so the
 * whole process group can be signalled), its environment, its output file and its report
 * directory. The environment is the contract between the service and every loader, shipped or
 * user-added:
 *
 * <pre>
 *   PUSHCAP_HOME         where pushcap is installed (the shipped loaders find bin/pushcap there)
 *   PUSHCAP_CMD          an executable that runs pushcap with the service's own JVM and classpath
 *   PUSHCAP_PUSH_CONFIG  the schedule's Config (unset when the schedule names none)
 *   PUSHCAP_LOADER       the schedule's name: the push writes logs/analytics_&lt;name&gt;.cur
 *   PUSHCAP_LOG_DIR, PUSHCAP_STATE_DIR, PUSHCAP_RING_DIR   the service's directories
 *   PUSHCAP_STATUS_DIR   where the push reports its counters and targets (pipeline.JobReport)
 *   PUSHCAP_SERVE_PID    the service's pid: the push stops cleanly when it is gone
 * </pre>
 *
 * <p><b>Note:</b> immutable and thread-safe.
 */
public record LoaderLaunch(Path home, Path workDir, Path logDir, Path stateDir, Path ringDir, Path pushcapCommand) {
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    /**
     * The launcher's rule (bin/lib/env.sh, pushcap_gc_flags): {@code push} runs on the serial
     * collector unless PUSHCAP_JAVA_OPTS names a collector, so that a push a schedule starts runs
     * as fast as one started by hand.
     */
    static final String PUSH_COLLECTOR = "gc=\ncase \"$1\" in push) case \" ${PUSHCAP_JAVA_OPTS:-} \" in *\" -XX:+Use\"*\"GC \"*) ;;"
            + " *) gc=-XX:+UseSerialGC ;; esac ;; esac\n";

    /** Writes {@code <StateDir>/run/pushcap}: this JVM, classpath and native access, running pushcap's main. */
    public static Path writeCommand(Path stateDir, Path home) throws IOException {
        Path dir = stateDir.resolve("run").toAbsolutePath();
        Files.createDirectories(dir);
        Path cmd = dir.resolve("pushcap");
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        String script = "#!/bin/sh\n# Written by pushcap serve: runs pushcap with the service's JVM and classpath.\n"
                + PUSH_COLLECTOR
                + "exec " + quote(javaBin) + " --enable-native-access=ALL-UNNAMED $gc ${PUSHCAP_JAVA_OPTS:-} -Dpushcap.home="
                + quote(home.toAbsolutePath().toString()) + " -cp " + quote(System.getProperty("java.class.path"))
                + " io.pushcap.cli.Main \"$@\"\n";
        Path tmp = dir.resolve("pushcap.pending");
        Files.writeString(tmp, script, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.move(tmp, cmd, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return cmd;
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** The loader with the schedule's Args, then {@code extra} (a one-shot's --force --offline ...). */
    public List<String> command(ServiceConfig.Schedule s, List<String> extra) {
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            cmd.add(SETSID.toString());
        }
        cmd.add(s.loader().toAbsolutePath().toString());
        cmd.addAll(s.args());
        cmd.addAll(extra);
        return cmd;
    }

    public Map<String, String> environment(ServiceConfig.Schedule s) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PUSHCAP_HOME", home.toAbsolutePath().toString());
        env.put("PUSHCAP_CMD", pushcapCommand.toAbsolutePath().toString());
        if (s.config() != null) {
            env.put("PUSHCAP_PUSH_CONFIG", s.config().toAbsolutePath().toString());
        }
        env.put("PUSHCAP_LOADER", s.name());
        env.put("PUSHCAP_LOG_DIR", logDir.toAbsolutePath().toString());
        env.put("PUSHCAP_STATE_DIR", stateDir.toAbsolutePath().toString());
        env.put("PUSHCAP_RING_DIR", ringDir.toAbsolutePath().toString());
        env.put("PUSHCAP_STATUS_DIR", reportDir(s).toAbsolutePath().toString());
        env.put("PUSHCAP_SERVE_PID", Long.toString(ProcessHandle.current().pid()));
        return env;
    }

    /** {@code logs/analytics_<schedule>.cur}: the loader's output and the schedule's status lines. */
    public Path output(ServiceConfig.Schedule s) {
        return logDir.resolve("analytics_" + s.name() + ".cur");
    }

    /** Where the loader's push reports itself ({@code $PUSHCAP_STATUS_DIR}). */
    public Path reportDir(ServiceConfig.Schedule s) {
        return stateDir.resolve("run").resolve("schedules").resolve(s.name());
    }
}
