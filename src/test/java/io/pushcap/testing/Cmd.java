package io.pushcap.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs external programs (tcpdump, capinfos, tshark...) as independent judges of what pushcap
 * writes. A missing program fails the test with the package to install; it never skips.
 */
public final class Cmd {
    /** What a finished command printed. */
    public record Result(int exitCode, String stdout, String stderr, byte[] stdoutBytes) {
        public Result ok() {
            if (exitCode != 0) {
                fail("command failed with exit " + exitCode + ":\nstdout: " + stdout + "\nstderr: " + stderr);
            }
            return this;
        }

        public List<String> lines() {
            return stdout.isEmpty() ? List.of() : Arrays.asList(stdout.split("\n"));
        }
    }

    private Cmd() {
    }

    /** Fails the test unless {@code program} is on PATH, naming the Debian package. */
    public static void require(String program, String debianPackage) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin:/usr/sbin:/sbin").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return;
            }
        }
        fail(program + " is required by this test and is not installed: apt-get install -y " + debianPackage
                + " (bin/test installs it)");
    }

    public static Result run(String... command) {
        return run(null, 120, command);
    }

    public static Result run(byte[] stdin, int timeoutSeconds, String... command) {
        return run(stdin, timeoutSeconds, List.of(command));
    }

    public static Result run(byte[] stdin, int timeoutSeconds, List<String> command) {
        try {
            Process p = new ProcessBuilder(new ArrayList<>(command)).start();
            CompletableFuture<byte[]> out = drain(p.getInputStream());
            CompletableFuture<byte[]> err = drain(p.getErrorStream());
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            }
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("timed out after " + timeoutSeconds + " s: " + String.join(" ", command));
            }
            byte[] o = out.join();
            return new Result(p.exitValue(), new String(o, StandardCharsets.UTF_8),
                    new String(err.join(), StandardCharsets.UTF_8), o);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static CompletableFuture<byte[]> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                in.transferTo(b);
                return b.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, r -> {
            Thread t = new Thread(r, "cmd-drain");
            t.setDaemon(true);
            t.start();
        });
    }

    /** Packet count as capinfos reports it ("Number of packets"). */
    public static long capinfosPackets(Path file) {
        require("capinfos", "wireshark-common");
        Result r = run("capinfos", "-M", "-c", file.toString()).ok();
        for (String line : r.lines()) {
            if (line.startsWith("Number of packets")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        throw new AssertionError("capinfos printed no packet count:\n" + r.stdout());
    }

    /** Lines of {@code tcpdump -r file -nn -tt [filter]}, failing on any tcpdump warning. */
    public static List<String> tcpdump(Path file, String... args) {
        require("tcpdump", "tcpdump");
        List<String> cmd = new ArrayList<>(List.of("tcpdump", "-r", file.toString(), "-nn"));
        cmd.addAll(List.of(args));
        Result r = run(null, 120, cmd).ok();
        for (String line : r.stderr().split("\n")) {
            if (!line.isBlank() && !line.startsWith("reading from file")) {
                fail("tcpdump complained about " + file + ": " + line);
            }
        }
        return r.lines();
    }
}
