package io.pushcap.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real launcher, {@code bin/pushcap}, as a user would. Used by the {@code *IT} tests,
 * which failsafe runs after {@code mvn package}: the launcher then finds the fresh jar and, with
 * {@code PUSHCAP_NO_BUILD=1}, refuses to rebuild it behind the test's back.
 *
 * <p><b>Note:</b> every call starts a new process; a call that outlives its timeout is killed
 * (with its children) and fails the test with what it printed so far.
 */
public final class PushcapCli {
    /** What a finished command printed. */
    public record Result(int exit, String stdout, String stderr) {
        public Result ok() {
            if (exit != 0) {
                throw new AssertionError("pushcap exited " + exit + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr);
            }
            return this;
        }

        /** stdout and stderr together, for assertions on messages that may go to either. */
        public String all() {
            return stdout + stderr;
        }
    }

    private PushcapCli() {
    }

    /** The checkout under test (failsafe and surefire set {@code pushcap.home}). */
    public static Path home() {
        return Path.of(System.getProperty("pushcap.home", System.getProperty("user.dir")));
    }

    public static Path launcher() {
        return home().resolve("bin/pushcap");
    }

    /** Runs {@code bin/pushcap args} in {@code dir} with a 120 s deadline. */
    public static Result run(Path dir, String... args) throws IOException, InterruptedException {
        return run(dir, Duration.ofSeconds(120), Map.of(), args);
    }

    public static Result run(Path dir, Duration timeout, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(launcher().toString());
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("pushcap-out", ".txt");
        Path err = Files.createTempFile("pushcap-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            Map<String, String> e = new HashMap<>(env);
            e.putIfAbsent("PUSHCAP_NO_BUILD", System.getenv().getOrDefault("PUSHCAP_NO_BUILD", "1"));
            pb.environment().putAll(e);
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor();
                throw new AssertionError("pushcap " + String.join(" ", args) + " did not finish in " + timeout
                        + "\nstdout:\n" + Files.readString(out) + "\nstderr:\n" + Files.readString(err));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
