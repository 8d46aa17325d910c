package io.pushcap.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A tcpdump writing what an interface receives to a pcap file, as the independent judge of what
 * a tap sent: started in a namespace, ready once it says "listening on", finished after
 * {@code count} packets ({@code -c}). Immediate mode and packet-buffered output, so nothing
 * waits in a buffer.
 *
 * <p><b>Note:</b> {@link #close()} kills it if it is still running.
 */
public final class Tcpdump implements AutoCloseable {
    private final Process process;
    private final Path out;
    private final Path err;

    private Tcpdump(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** Starts and waits until tcpdump listens (at most 30 s). */
    public static Tcpdump start(List<String> prefix, String iface, Path out, int count, String filter)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of("tcpdump", "-i", iface, "-nn", "-U", "--immediate-mode", "-B", "65536", "-s", "262144", "-w", out.toString(),
                "-c", Integer.toString(count)));
        if (filter != null) {
            cmd.add(filter);
        }
        Path err = Files.createTempFile(out.getParent(), "tcpdump", ".err");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).redirectError(err.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Tcpdump t = new Tcpdump(p, out, err);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.readString(err).contains("listening on")) {
            if (!p.isAlive()) {
                fail("tcpdump exited " + p.exitValue() + ": " + Files.readString(err));
            }
            if (System.nanoTime() > deadline) {
                t.close();
                fail("tcpdump did not start listening within 30 s: " + Files.readString(err));
            }
            Thread.sleep(10);
        }
        return t;
    }

    /** Waits until it has captured its count and exited; fails naming what it saw otherwise. */
    public Path await(Duration timeout) throws IOException, InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
            fail("tcpdump did not capture its packet count within " + timeout + ": " + errors());
        }
        return out;
    }

    private String errors() {
        try {
            return Files.readString(err);
        } catch (IOException e) {
            return "(no stderr: " + e + ")";
        }
    }

    /** Stops it (SIGTERM: tcpdump flushes the file) and returns the capture. */
    public Path stop() throws InterruptedException {
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
