package io.pushcap.cli;

import io.pushcap.internal.ffm.LibC;
import io.pushcap.metrics.MetricsRegistry;
import io.pushcap.pipeline.JobReport;
import io.pushcap.pipeline.PushJob;

import java.nio.file.Path;

/**
 * A push started by {@code pushcap serve} (through an analytics loader): reports its targets and
 * counters every second into {@code $PUSHCAP_STATUS_DIR} ({@link JobReport}) and stops cleanly
 * (splits published, cursors saved) when the service process {@code $PUSHCAP_SERVE_PID} is gone,
 * so an orphaned push never competes with the one a restarted service starts. Outside the
 * service (no such variables) it does nothing.
 *
 * <p><b>Note:</b> one daemon thread; {@link #close()} ends it, waiting for a report it is writing,
 * and then writes the final report, so that the last file written is the final one.
 */
final class ServiceLink implements AutoCloseable {
    private final PushJob job;
    private final Path dir;
    private final int servePid;
    private final Thread thread;
    private volatile boolean closed;

    private ServiceLink(PushJob job, Path dir, int servePid) {
        this.job = job;
        this.dir = dir;
        this.servePid = servePid;
        this.thread = dir == null && servePid <= 0 ? null
                : Thread.ofPlatform().daemon().name("service-link").start(this::loop);
    }

    static ServiceLink fromEnvironment(PushJob job) {
        String d = System.getenv(JobReport.ENV);
        String pid = System.getenv("PUSHCAP_SERVE_PID");
        int p = 0;
        try {
            p = pid == null ? 0 : Integer.parseInt(pid.trim());
        } catch (NumberFormatException e) {
            p = 0;
        }
        return new ServiceLink(job, d == null || d.isBlank() ? null : Path.of(d), p);
    }

    private void loop() {
        while (!closed) {
            // Before the targets are built, the last run's report stays (the service shows it as "starting").
            if (dir != null && !job.runners().isEmpty()) {
                JobReport.write(dir, job.runners(), MetricsRegistry.global());
            }
            if (servePid > 0 && !LibC.processAlive(servePid)) {
                System.err.println("pushcap push: the service (pid " + servePid + ") is gone; stopping");
                job.requestStop();
                return;
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
            // The loop may be in the middle of a report taken before the push ended: its rename
            // must not land after the final report's (CI once saw metrics.prom one deletion short).
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (dir != null && !job.runners().isEmpty()) {
            JobReport.write(dir, job.runners(), MetricsRegistry.global());
        }
    }
}
