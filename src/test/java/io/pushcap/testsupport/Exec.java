package io.pushcap.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs an independent judge (zstd -dc, tcpdump -r, rclone ...) with a deadline. */
public final class Exec {
    private Exec() {
    }

    public record Result(int exit, String stdout, String stderr) {
        public Result requireSuccess(List<String> cmd) {
            if (exit != 0) {
                throw new AssertionError(cmd + " exited " + exit + ": " + stderr + stdout);
            }
            return this;
        }
    }

    /** Runs {@code cmd}, stdin from {@code in} (or nothing), stdout to {@code out} (or captured). */
    public static Result run(List<String> cmd, Path in, Path out, Duration timeout) throws IOException {
        return run(cmd, in, out, timeout, Map.of(), List.of());
    }

    public static Result run(List<String> cmd, Path in, Path out, Duration timeout, Map<String, String> env,
                             List<String> unsetEnv) throws IOException {
        Path err = Files.createTempFile("exec-err", ".txt");
        Path cap = out == null ? Files.createTempFile("exec-out", ".txt") : out;
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .redirectInput(in == null ? ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())
                            : ProcessBuilder.Redirect.from(in.toFile()))
                    .redirectOutput(cap.toFile())
                    .redirectError(err.toFile());
            pb.environment().putAll(env);
            unsetEnv.forEach(pb.environment()::remove);
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(cmd + " did not finish within " + timeout);
            }
            String stdout = out == null ? Files.readString(cap, StandardCharsets.UTF_8) : "";
            return new Result(p.exitValue(), stdout, Files.readString(err, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } finally {
            Files.deleteIfExists(err);
            if (out == null) {
                Files.deleteIfExists(cap);
            }
        }
    }

    public static Result ok(Duration timeout, String... cmd) throws IOException {
        return run(List.of(cmd), null, null, timeout).requireSuccess(List.of(cmd));
    }
}
