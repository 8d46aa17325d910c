package io.pushcap.pipeline;

import io.pushcap.config.RetryBudget;
import io.pushcap.config.TargetConfig;
import io.pushcap.internal.process.StderrTail;
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
 * so a slow script never stalls the push; a failure is logged and counted, never silent. A run
 * that lasts longer than {@code ScriptTimeout} (5 minutes by default) is killed with its
 * children and counted ({@code pushcap_target_script_timeouts_total}).
 *
 * <p><b>Note:</b> thread-safe; {@link #close()} waits up to a minute for queued scripts, then
 * kills the one running and drops the rest (each counted as a failure).
 */
final class ScriptRunner implements AutoCloseable {
    private final TargetConfig cfg;
    private final TargetLog log;
    private final TargetCounters counters;
    private final Path dir;
    private final ExecutorService executor;
    private final long timeoutMillis;
    private volatile Process running;

    ScriptRunner(TargetConfig cfg, TargetLog log, TargetCounters counters, Path dir) {
        this.cfg = cfg;
        this.log = log;
        this.counters = counters;
        this.dir = dir;
        this.timeoutMillis = cfg.retry().scriptMillis();
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
        env.put("PUSHCAP_SHA256", e.sha256() == null ? "" : e.sha256());
        pb.redirectErrorStream(true);
        try {
            Process p = pb.start();
            running = p;
            p.getOutputStream().close();
            // Output is drained on its own thread: a script that hangs while keeping its output
            // open must not hang this thread past the timeout.
            StderrTail output = StderrTail.start(p.getInputStream(), "script-output-" + p.pid(), 8);
            if (!p.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
                kill(p);
                counters.scriptTimeouts.increment();
                counters.scriptFailures.increment();
                String msg = "ScriptNew still running after " + RetryBudget.human(timeoutMillis)
                        + " (ScriptTimeout) for " + e.name() + ": killed" + output.suffix();
                log.line(msg);
                LoggerFactory.getLogger(ScriptRunner.class).warn("{}: {}", cfg.label(), msg);
                return;
            }
            int rc = p.exitValue();
            output.await(1000);
            if (rc != 0) {
                counters.scriptFailures.increment();
                String tail = output.tail().strip();
                log.line("ScriptNew failed (exit " + rc + ") for " + e.name() + (tail.isEmpty() ? "" : ": " + tail));
                LoggerFactory.getLogger(ScriptRunner.class).warn("{}: ScriptNew exit {} for {}: {}", cfg.label(), rc,
                        e.name(), tail);
            }
        } catch (IOException ex) {
            counters.scriptFailures.increment();
            log.line("ScriptNew could not start for " + e.name() + ": " + ex.getMessage());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        } finally {
            running = null;
        }
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(60, TimeUnit.SECONDS)) {
                int dropped = executor.shutdownNow().size();
                Process p = running;
                if (p != null) {
                    kill(p);
                }
                counters.scriptFailures.add(dropped);
                log.line("ScriptNew still running after 60 s at shutdown: killed it" + (dropped == 0 ? ""
                        : "; " + dropped + " queued run(s) not started (counted as failures)"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
