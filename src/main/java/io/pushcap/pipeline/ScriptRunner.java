package io.pushcap.pipeline;

import io.pushcap.config.TargetConfig;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs a target's {@code ScriptNew} after each published file, like tcpdump's {@code -z}: as
 * {@code /bin/sh -c '<ScriptNew> "$@"' pushcap-script <location>}, with the file's metadata in
 * {@code PUSHCAP_*} environment variables. Scripts run one at a time, off the target's thread,
 * so a slow script never stalls the push; a failure is logged and counted, never silent.
 *
 * <p><b>Note:</b> thread-safe; {@link #close()} waits up to a minute for queued scripts.
 */
final class ScriptRunner implements AutoCloseable {
    private final TargetConfig cfg;
    private final TargetLog log;
    private final TargetCounters counters;
    private final Path dir;
    private final ExecutorService executor;

    ScriptRunner(TargetConfig cfg, TargetLog log, TargetCounters counters, Path dir) {
        this.cfg = cfg;
        this.log = log;
        this.counters = counters;
        this.dir = dir;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "script-" + cfg.desc());
            t.setDaemon(true);
            return t;
        });
    }

    void submit(ManifestEntry e) {
        executor.execute(() -> run(e));
    }

    private void run(ManifestEntry e) {
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", cfg.scriptNew() + " \"$@\"", "pushcap-script", e.name());
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        var env = pb.environment();
        env.put("PUSHCAP_FILE", e.name());
        env.put("PUSHCAP_TARGET", cfg.desc());
        env.put("PUSHCAP_PACKETS", Long.toString(e.packets()));
        env.put("PUSHCAP_BYTES", Long.toString(e.bytesOut()));
        env.put("PUSHCAP_BYTES_UNCOMPRESSED", Long.toString(e.bytesIn()));
        env.put("PUSHCAP_FIRST_NS", Long.toString(e.firstNanos()));
        env.put("PUSHCAP_LAST_NS", Long.toString(e.lastNanos()));
        env.put("PUSHCAP_SHA256", e.sha256());
        pb.redirectErrorStream(true);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] output = p.getInputStream().readNBytes(4096);
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            int rc = p.waitFor();
            if (rc != 0) {
                counters.scriptFailures.increment();
                String tail = new String(output).strip();
                log.line("ScriptNew failed (exit " + rc + ") for " + e.name() + (tail.isEmpty() ? "" : ": " + tail));
                LoggerFactory.getLogger(ScriptRunner.class).warn("{}: ScriptNew exit {} for {}: {}", cfg.label(), rc,
                        e.name(), tail);
            }
        } catch (IOException ex) {
            counters.scriptFailures.increment();
            log.line("ScriptNew could not start for " + e.name() + ": " + ex.getMessage());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(60, TimeUnit.SECONDS)) {
                log.line("ScriptNew still running after 60 s at shutdown; not waiting further");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
