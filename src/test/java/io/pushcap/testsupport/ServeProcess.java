package io.pushcap.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bin/pushcap serve} in a test directory, with a small service config (one 2 MiB ring in a
 * plain directory, no ramfs, a random free HTTP port): start it, talk to its HTTP listener, send
 * it signals and stop it. For *IT tests.
 *
 * <p><b>Note:</b> not thread-safe; one per test. {@link #close()} kills what is left.
 */
public final class ServeProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Path dir;
    private final int port;
    private final int stopTimeout;
    private Process process;

    /** A free port is picked now; nothing runs until {@link #start}. */
    public ServeProcess(Path dir, int stopTimeoutSeconds) throws IOException {
        this.dir = dir;
        this.stopTimeout = stopTimeoutSeconds;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Files.createDirectories(dir.resolve("etc"));
    }

    public int port() {
        return port;
    }

    public Process process() {
        return process;
    }

    /** The small service config, with {@code body} Lua after {@code local Service = {}} and {@code extra} before the return. */
    public String config(String body, String extra) {
        return "local Service = {}\n" + body
                + "Service.Http = \"127.0.0.1:" + port + "\"\nService.RingDir = \"" + dir.resolve("ram") + "\"\n"
                + "Service.RingMount = \"none\"\nService.StopTimeout = " + stopTimeout + "\n"
                + "Service.Ring = {}\ntable.insert(Service.Ring, { Name = \"r\", Size = \"2m\" })\n" + extra
                + "return Service\n";
    }

    public Path configFile() {
        return dir.resolve("etc/pushcap.lua");
    }

    /** Writes {@code config} as etc/pushcap.lua, starts serve and waits until /status answers. */
    public void start(String config, Map<String, String> env) throws Exception {
        Files.writeString(configFile(), config);
        ProcessBuilder pb = new ProcessBuilder(PushcapCli.launcher().toString(), "serve", "--config", "etc/pushcap.lua")
                .directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("serve.out").toFile()));
        pb.environment().putIfAbsent("PUSHCAP_NO_BUILD", "1");
        pb.environment().putAll(env);
        process = pb.start();
        Await.until("/status answers", Duration.ofSeconds(60), () -> {
            try {
                return get("/status").startsWith("{");
            } catch (IOException e) {
                if (!process.isAlive()) {
                    throw new AssertionError("serve exited " + process.exitValue() + ":\n" + output());
                }
                return false;
            }
        });
    }

    public void hangup() {
        io.pushcap.internal.ffm.LibC.kill((int) process.pid(), 1);
    }

    /** SIGTERM; asserts serve exits 0 within StopTimeout (plus 2 s for the JVM's own exit). */
    public void stop() throws Exception {
        process.destroy();
        assertThat(process.waitFor(stopTimeout + 2, TimeUnit.SECONDS))
                .as("serve exits on SIGTERM within StopTimeout; serve.out:\n" + output()).isTrue();
        assertThat(process.exitValue()).as(output()).isZero();
    }

    public String output() {
        try {
            return Files.readString(dir.resolve("serve.out"));
        } catch (IOException e) {
            return "(no serve.out: " + e.getMessage() + ")";
        }
    }

    /** GET with a 5 s timeout. */
    public String get(String path) throws IOException {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** The {@code service} object of /status. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> service() {
        try {
            return (Map<String, Object>) MiniJson.object(get("/status")).get("service");
        } catch (IOException e) {
            throw new AssertionError("/status does not answer", e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
