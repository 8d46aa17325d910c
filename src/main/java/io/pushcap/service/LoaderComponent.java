package io.pushcap.service;

import io.pushcap.config.ServiceConfig;
import io.pushcap.metrics.Counter;
import io.pushcap.metrics.MetricsRegistry;
import io.pushcap.pipeline.JobReport;
import io.pushcap.pipeline.StatusFile;
import io.pushcap.schedule.LoaderLaunch;
import io.pushcap.schedule.LoaderProcess;
import io.pushcap.schedule.LoaderScheduler;
import io.pushcap.schedule.OfflineSources;
import io.pushcap.schedule.ScheduleState;
import io.pushcap.schedule.WindowTimes;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One push schedule: runs its analytics loader as a child process while its window is open, or
 * once per fire time of a one-shot, as the seed's scheduler runs {@code analytics/<loader>}.
 *
 * <ul>
 *   <li>Window opens (Quartz Start trigger, or at start inside a window, or always): the loader
 *       starts. Window closes: SIGTERM to the loader's process group; the push publishes its
 *       open splits and saves its cursors; killed after the grace period if it does not exit.</li>
 *   <li>A loader that exits while its window is open is restarted: at once when it exited with 3
 *       ({@code --ring-timeout-exit}: its targets dropped their cursors, so it begins at the
 *       current time), otherwise after a backoff (1 s doubling to 60 s, reset after a 60 s run).
 *       Every exit and restart is logged and counted.</li>
 *   <li>One-shot: due time fires it with {@code --force --offline SOURCES}; it runs to its end and
 *       is not restarted. A fire while the previous run still runs is skipped (counted). Runs
 *       missed while the service was down: one catch-up run at start for the latest missed fire
 *       time ({@link ScheduleState}).</li>
 * </ul>
 *
 * <p><b>Note:</b> {@link #run()} is the schedule's own thread: it alone starts and stops the
 * child. Quartz calls {@link #open()}, {@link #close()}, {@link #fire} from its threads; they only
 * queue an event. {@link #status()} from any thread.
 */
public final class LoaderComponent implements Component, LoaderScheduler.Listener {
    /** What the schedule is doing, for /status. */
    public enum Phase { IDLE, RUNNING, STOPPING, WAITING_TO_RESTART }

    private static final int EXIT_RING_TIMEOUT = io.pushcap.cli.ExitCodes.RING_TIMEOUT;
    private static final long POLL_MILLIS = 200;

    private record Fire(Instant scheduled, boolean catchUp) {
    }

    private final ServiceConfig.Schedule spec;
    private final LoaderLaunch launch;
    private final ServiceLog log;
    private final java.nio.file.Path workDir;
    private final long graceMillis;
    private final Supplier<LoaderScheduler.Next> next;
    private final ScheduleState state;
    private final MetricsRegistry metrics;
    private final String label;
    private final LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private final Backoff backoff = Backoff.standard();
    private final Counter runs;
    private final Counter missed;
    private final Counter skipped;
    private final Counter kills;
    private StatusFile statusFile;

    private volatile boolean stopping;
    private volatile boolean windowOpen;
    private volatile LoaderProcess child;
    private volatile Phase phase = Phase.IDLE;
    private volatile String lastError = "";
    private volatile Integer lastExit;
    private volatile long lastExitMillis;
    private volatile Instant currentFire;
    private long restartAtNanos;
    private boolean catchUpChecked;
    private long lastClockCheckNanos;
    private Instant lastWindowEvent = Instant.EPOCH;
    private Instant nextDue;
    private Instant handledFire;
    private final Counter lateTriggers;

    public LoaderComponent(ServiceConfig.Schedule spec, LoaderLaunch launch, ServiceLog log, java.nio.file.Path workDir,
                           long graceMillis, Supplier<LoaderScheduler.Next> next, MetricsRegistry metrics) {
        this.spec = spec;
        this.launch = launch;
        this.log = log;
        this.workDir = workDir;
        this.graceMillis = graceMillis;
        this.next = next;
        this.state = new ScheduleState(launch.stateDir(), spec.name());
        this.metrics = metrics;
        this.label = spec.label();
        String l = MetricsRegistry.labels("schedule", spec.name());
        runs = metrics.counter("pushcap_schedule_runs_total", "Times the schedule's loader was started", l);
        missed = metrics.counter("pushcap_schedule_missed_runs_total",
                "One-shot fire times that passed while the service was down (one catch-up run covers them)", l);
        skipped = metrics.counter("pushcap_schedule_skipped_runs_total",
                "One-shot fire times skipped because the previous run was still running", l);
        lateTriggers = metrics.counter("pushcap_schedule_late_triggers_total",
                "Window events and runs applied by the schedule's own check because Quartz had not fired them within a second",
                l);
        kills = metrics.counter("pushcap_schedule_kills_total",
                "Loaders killed with SIGKILL because they did not exit within the grace period after SIGTERM", l);
        metrics.gauge("pushcap_schedule_running", "1 while the schedule's loader runs", l, () -> child != null ? 1 : 0);
        metrics.gauge("pushcap_schedule_window_open", "1 while the schedule's window is open (always 0 for one-shots)", l,
                () -> windowOpen ? 1 : 0);
        // Every outcome from the start (at 0), so rate() and alerts see the first exit as an increase.
        for (String outcome : new String[] {"ok", "ring_timeout_exit", "failed", "signal"}) {
            exits(outcome);
        }
    }

    public ServiceConfig.Schedule spec() {
        return spec;
    }

    @Override
    public String kind() {
        return spec.kind();
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public void open() {
        events.add(Boolean.TRUE);
    }

    @Override
    public void close() {
        events.add(Boolean.FALSE);
    }

    @Override
    public void fire(Instant scheduled) {
        events.add(new Fire(scheduled, false));
    }

    @Override
    public void run() throws Exception {
        try {
            statusFile = new StatusFile(launch.logDir(), spec.name());
            if (spec.window() != null && WindowTimes.isOpen(spec.window(), Instant.now())) {
                handle(Boolean.TRUE);
            }
            if (spec.once() != null && !catchUpChecked) {
                catchUpChecked = true;
                checkMissedRuns();
            }
            nextDue = spec.once() == null ? null : WindowTimes.next(spec.once(), Instant.now());
            while (!stopping) {
                long wait = POLL_MILLIS;
                Object e = events.poll(wait, TimeUnit.MILLISECONDS);
                if (e != null && !stopping) {
                    handle(e);
                }
                checkClock();
                reap();
                if (windowOpen && child == null && !stopping && System.nanoTime() - restartAtNanos >= 0) {
                    start(List.of(), null);
                }
            }
        } finally {
            stopChild("the service is stopping");
            phase = Phase.IDLE;
        }
    }

    private void handle(Object e) throws IOException {
        if (e instanceof Boolean open) {
            if (open != windowOpen) {
                lastWindowEvent = Instant.now();
            }
            if (open && !windowOpen) {
                windowOpen = true;
                metrics.counter("pushcap_schedule_windows_total", "Window events by kind (open, close)",
                        MetricsRegistry.labels("schedule", spec.name(), "event", "open")).increment();
                note("window opened (" + spec.window().text() + ")");
                restartAtNanos = System.nanoTime();
            } else if (!open && windowOpen) {
                windowOpen = false;
                metrics.counter("pushcap_schedule_windows_total", "Window events by kind (open, close)",
                        MetricsRegistry.labels("schedule", spec.name(), "event", "close")).increment();
                note("window closed (" + spec.window().text() + ")");
                stopChild("its window closed");
            }
        } else if (e instanceof Fire f) {
            if (!f.catchUp()) {
                if (handledFire != null && !f.scheduled().isAfter(handledFire)) {
                    return; // the clock check below already ran this one
                }
                handledFire = f.scheduled();
                Instant now = Instant.now();
                nextDue = WindowTimes.next(spec.once(), f.scheduled().isAfter(now) ? f.scheduled() : now);
            }
            if (child != null) {
                skipped.increment();
                log.warn(label, "run due at " + f.scheduled() + " skipped: the previous run (pid " + child.pid()
                        + ") is still running");
                return;
            }
            List<String> extra = new ArrayList<>();
            List<String> sources = OfflineSources.expand(spec.offline(), f.scheduled(), ZoneId.systemDefault());
            String day = OfflineSources.day(spec.offline(), f.scheduled(), ZoneId.systemDefault());
            if (!sources.isEmpty() || day != null) {
                extra.add("--force");
            }
            if (day != null) {
                extra.add("--day");
                extra.add(day);
            }
            if (!sources.isEmpty()) {
                extra.add("--offline");
                extra.addAll(sources);
            }
            note((f.catchUp() ? "catch-up run" : "run") + " due at " + f.scheduled());
            start(extra, f.scheduled());
        }
    }

    /**
     * The schedule's own check of its cron, once a second: Quartz 2.5 (RAMJobStore) can fire a
     * trigger late when it was scheduled while the scheduler thread waited for a later one (seen
     * here: until the next trigger of any schedule). A window that should be open (or closed) and
     * a one-shot that is due for more than a second are acted on here, counted as late triggers;
     * the Quartz event that comes after is then a no-op.
     */
    private void checkClock() throws IOException {
        long now = System.nanoTime();
        if (now - lastClockCheckNanos < TimeUnit.SECONDS.toNanos(1)) {
            return;
        }
        lastClockCheckNanos = now;
        Instant wall = Instant.now();
        if (spec.window() != null && !spec.window().always()) {
            boolean open = WindowTimes.isOpen(spec.window(), wall);
            if (open != windowOpen && wall.isAfter(lastWindowEvent.plusSeconds(1))) {
                lateTriggers.increment();
                handle(open);
            }
        }
        if (nextDue != null && wall.isAfter(nextDue.plusSeconds(1))) {
            lateTriggers.increment();
            handle(new Fire(nextDue, false));
        }
    }

    private void checkMissedRuns() throws IOException {
        Instant last = state.load();
        Instant now = Instant.now();
        if (last == null) {
            state.save(now);
            return;
        }
        WindowTimes.Missed m = WindowTimes.missed(spec.once(), last, now);
        if (m != null) {
            missed.add(m.count());
            log.warn(label, m.count() + " run(s) due while the service was down (the last at " + m.latest()
                    + "); running once now for that one");
            events.add(new Fire(m.latest(), true));
        }
    }

    private void start(List<String> extra, Instant fire) {
        List<String> cmd = launch.command(spec, extra);
        try {
            LoaderProcess p = LoaderProcess.start(cmd, launch.environment(spec), workDir, launch.output(spec));
            child = p;
            currentFire = fire;
            phase = Phase.RUNNING;
            runs.increment();
            note("started " + String.join(" ", cmd) + " (pid " + p.pid() + ")");
        } catch (IOException e) {
            lastError = "cannot start " + spec.loader() + ": " + e.getMessage();
            log.error(label, lastError);
            scheduleRestart(-1, 0);
        }
    }

    /** Notices a loader that exited by itself, and decides what comes next. */
    private void reap() throws IOException {
        LoaderProcess p = child;
        if (p == null || p.alive()) {
            return;
        }
        int code = p.exitCode();
        long ran = System.currentTimeMillis() - p.startedMillis();
        child = null;
        lastExit = code;
        lastExitMillis = System.currentTimeMillis();
        if (!p.stopLeftovers(graceMillis)) {
            kills.increment();
        }
        countExit(code);
        Instant fire = currentFire;
        currentFire = null;
        if (fire != null) {
            if (code == 0) {
                state.save(fire);
                note("run due at " + fire + " finished (exit 0, " + ran / 1000 + " s)");
            } else {
                lastError = "run due at " + fire + " exited with status " + code + " (see " + launch.output(spec) + ")";
                log.error(label, lastError);
                note(lastError);
            }
            phase = Phase.IDLE;
            return;
        }
        if (!windowOpen) {
            phase = Phase.IDLE;
            return;
        }
        scheduleRestart(code, ran);
    }

    private void scheduleRestart(int code, long ranMillis) {
        String reason = code == EXIT_RING_TIMEOUT ? "ring_timeout_exit" : code == 0 ? "exited" : "failed";
        long delay = code == EXIT_RING_TIMEOUT ? 0 : backoff.delayAfter(ranMillis);
        metrics.counter("pushcap_schedule_restarts_total", "Loaders started again after they exited inside their window",
                MetricsRegistry.labels("schedule", spec.name(), "reason", reason)).increment();
        String msg = code < 0 ? "restarting in " + delay / 1000.0 + " s"
                : "loader exited with status " + code + " after " + ranMillis / 1000 + " s inside its window; "
                + (code == EXIT_RING_TIMEOUT ? "restarting now at the current time (--ring-timeout-exit)"
                : "restarting in " + delay / 1000.0 + " s");
        if (code != 0 && code != EXIT_RING_TIMEOUT && code > 0) {
            lastError = "loader exited with status " + code + " (see " + launch.output(spec) + ")";
        }
        if (code == EXIT_RING_TIMEOUT || code == 0) {
            log.warn(label, msg);
        } else {
            log.error(label, msg);
        }
        note(msg);
        restartAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay);
        phase = delay > 0 ? Phase.WAITING_TO_RESTART : Phase.IDLE;
    }

    private void countExit(int code) {
        String outcome = code == 0 ? "ok" : code == EXIT_RING_TIMEOUT ? "ring_timeout_exit" : code > 128 ? "signal" : "failed";
        exits(outcome).increment();
    }

    private io.pushcap.metrics.Counter exits(String outcome) {
        return metrics.counter("pushcap_schedule_exits_total", "Loader exits by outcome (ok, ring_timeout_exit, failed, signal)",
                MetricsRegistry.labels("schedule", spec.name(), "outcome", outcome));
    }

    private void stopChild(String why) {
        LoaderProcess p = child;
        if (p == null) {
            return;
        }
        phase = Phase.STOPPING;
        note("stopping pid " + p.pid() + ": " + why + " (SIGTERM; killed after " + graceMillis / 1000 + " s)");
        long t0 = System.currentTimeMillis();
        boolean clean = p.stop(graceMillis);
        if (!clean) {
            kills.increment();
            log.error(label, "pid " + p.pid() + " did not exit within " + graceMillis / 1000 + " s of SIGTERM: killed"
                    + " (its open splits are produced again on the next run)");
        }
        Integer code = p.exitCode();
        lastExit = code;
        lastExitMillis = System.currentTimeMillis();
        if (code != null) {
            countExit(code);
        }
        note("stopped pid " + p.pid() + " in " + (System.currentTimeMillis() - t0) + " ms (exit " + code + ")");
        child = null;
        currentFire = null;
        phase = Phase.IDLE;
    }

    private void note(String message) {
        log.info(label, message);
        if (statusFile != null) {
            statusFile.line("schedule " + spec.name() + ": " + message);
        }
    }

    @Override
    public void stop() {
        stopping = true;
        events.add(Boolean.FALSE);
    }

    @Override
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("loader", spec.loader().toString());
        m.put("config", spec.config() == null ? null : spec.config().toString());
        m.put("mode", spec.once() != null ? "once" : spec.window().always() ? "always" : "window");
        m.put("when", spec.once() != null ? spec.once() : spec.window().text());
        m.put("phase", phase.name().toLowerCase());
        m.put("window_open", windowOpen);
        LoaderProcess p = child;
        m.put("pid", p == null ? null : p.pid());
        m.put("runs", runs.get());
        m.put("last_exit", lastExit);
        m.put("last_exit_ms", lastExitMillis == 0 ? null : lastExitMillis);
        m.put("last_error", lastError);
        LoaderScheduler.Next n = next.get();
        m.put("next_open", n == null || n.open() == null ? null : n.open().toString());
        m.put("next_close", n == null || n.close() == null ? null : n.close().toString());
        m.put("next_run", n == null || n.run() == null ? null : n.run().toString());
        m.put("log", launch.output(spec).toString());
        return m;
    }

    /** The targets its push reported last (empty before the first report). */
    public JobReport.Snapshot report() {
        return JobReport.read(launch.reportDir(spec));
    }

    /** The push's counters as it reported them last, Prometheus text. */
    public String metricsText() {
        return JobReport.metrics(launch.reportDir(spec));
    }
}
