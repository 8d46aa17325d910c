package io.pushcap.service;

import io.pushcap.config.ServiceConfig;
import io.pushcap.metrics.MetricsRegistry;
import io.pushcap.schedule.LoaderLaunch;
import io.pushcap.schedule.LoaderScheduler;
import io.pushcap.testsupport.Await;
import io.pushcap.testsupport.ServiceFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A push schedule's lifecycle with shell loaders (the contract every user-added loader gets):
 * started when its window opens, stopped with SIGTERM to its process group when it closes,
 * restarted when it exits (at once after --ring-timeout-exit), one-shots with their offline
 * sources, and one catch-up run for runs missed while the service was down.
 */
class LoaderComponentTest {
    @TempDir
    Path dir;
    ServiceFiles files;
    MetricsRegistry metrics;
    ServiceLog log;
    LoaderLaunch launch;
    final List<SupervisedTask> tasks = new ArrayList<>();
    LoaderScheduler scheduler;

    @BeforeEach
    void setUp() {
        files = new ServiceFiles(dir);
        metrics = new MetricsRegistry();
        log = new ServiceLog(dir.resolve("logs"));
        launch = new LoaderLaunch(dir, dir, dir.resolve("logs"), dir.resolve("var"), dir.resolve("ram"), dir.resolve("none"));
    }

    @AfterEach
    void tearDown() {
        tasks.forEach(SupervisedTask::requestStop);
        tasks.forEach(t -> t.awaitStopped(System.nanoTime() + Duration.ofSeconds(10).toNanos()));
        if (scheduler != null) {
            scheduler.close();
        }
    }

    private ServiceConfig.Schedule schedule(String name, Path loader, ServiceConfig.Window window, String once,
                                            List<String> offline) {
        return new ServiceConfig.Schedule(name, loader, null, window, once, offline, List.of(), 1);
    }

    private LoaderComponent run(ServiceConfig.Schedule s, long graceMillis) {
        LoaderComponent c = new LoaderComponent(s, launch, log, dir, graceMillis,
                () -> scheduler == null ? null : scheduler.next(s.name()), metrics);
        SupervisedTask t = new SupervisedTask(c, log, metrics);
        tasks.add(t);
        t.start();
        return c;
    }

    private long counter(String name, String... labels) {
        return metrics.counter(name, "", MetricsRegistry.labels(labels)).get();
    }

    private List<String> lines(String file) {
        try {
            Path p = dir.resolve(file);
            return Files.exists(p) ? Files.readAllLines(p) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    @Test
    void shouldRestartAtOnceWhenTheLoaderExitsWithRingTimeoutExit() throws IOException {
        Path loader = files.loader("rte", "echo run >> " + dir.resolve("runs") + "\n"
                + "[ $(wc -l < " + dir.resolve("runs") + ") -lt 3 ] && exit 3\nexec sleep 1000");
        run(schedule("rte", loader, ServiceConfig.Window.ALWAYS, null, List.of()), 2000);
        Await.until("three runs", Duration.ofSeconds(20), () -> lines("runs").size() >= 3);
        assertThat(counter("pushcap_schedule_restarts_total", "schedule", "rte", "reason", "ring_timeout_exit")).isEqualTo(2);
        assertThat(counter("pushcap_schedule_exits_total", "schedule", "rte", "outcome", "ring_timeout_exit")).isEqualTo(2);
        assertThat(counter("pushcap_schedule_restarts_total", "schedule", "rte", "reason", "failed")).isZero();
        assertThat(lines("logs/analytics_rte.cur")).anyMatch(l -> l.contains("restarting now at the current time"));
    }

    @Test
    void shouldRestartAndReportTheStatusWhenTheLoaderFails() throws IOException {
        Path loader = files.loader("fails", "echo run >> " + dir.resolve("runs") + "\n"
                + "[ $(wc -l < " + dir.resolve("runs") + ") -lt 2 ] && exit 1\nexec sleep 1000");
        LoaderComponent c = run(schedule("fails", loader, ServiceConfig.Window.ALWAYS, null, List.of()), 2000);
        Await.until("a second run", Duration.ofSeconds(20), () -> lines("runs").size() >= 2);
        assertThat(counter("pushcap_schedule_restarts_total", "schedule", "fails", "reason", "failed")).isEqualTo(1);
        assertThat(c.status().get("last_error")).asString().startsWith("loader exited with status 1 (see ");
        assertThat(c.status().get("last_exit")).isEqualTo(1);
    }

    @Test
    void shouldSendSigtermAndLetTheLoaderFinishWhenItsWindowCloses() throws IOException {
        Path loader = files.loader("clean", "trap 'echo term >> " + dir.resolve("term") + "; exit 0' TERM\n"
                + "echo started >> " + dir.resolve("started") + "\nwhile :; do sleep 0.1; done");
        LoaderComponent c = run(schedule("clean", loader, new ServiceConfig.Window("0 0 6 * * ?", "0 0 1 * * ?", "t"),
                null, List.of()), 5000);
        c.open();
        Await.until("the loader started", Duration.ofSeconds(10), () -> lines("started").size() == 1);
        c.close();
        Await.until("the loader saw SIGTERM and exited", Duration.ofSeconds(10),
                () -> lines("term").size() == 1 && c.status().get("pid") == null);
        assertThat(c.status().get("last_exit")).isEqualTo(0);
        assertThat(counter("pushcap_schedule_kills_total", "schedule", "clean")).isZero();
        assertThat(counter("pushcap_schedule_windows_total", "schedule", "clean", "event", "close")).isEqualTo(1);
        assertThat(lines("started")).as("not restarted after its window closed").hasSize(1);
    }

    @Test
    void shouldStopThePushTooWhenTheLoaderRunsItAsAChildInsteadOfExecingIt() throws IOException {
        Path child = files.loader("child.sh", "trap 'echo child-term >> " + dir.resolve("term") + "; exit 0' TERM\n"
                + "echo $$ >> " + dir.resolve("child") + "\nwhile :; do sleep 0.1; done");
        Path loader = files.loader("parent", child + "\necho parent-after-child >> " + dir.resolve("term"));
        LoaderComponent c = run(schedule("parent", loader, ServiceConfig.Window.ALWAYS, null, List.of()), 5000);
        Await.until("the child started", Duration.ofSeconds(10), () -> lines("child").size() == 1);
        long childPid = Long.parseLong(lines("child").getFirst().strip());
        tasks.getFirst().requestStop();
        assertThat(tasks.getFirst().awaitStopped(System.nanoTime() + Duration.ofSeconds(10).toNanos())).isTrue();
        assertThat(lines("term")).contains("child-term");
        assertThat(ProcessHandle.of(childPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(c.status().get("pid")).isNull();
    }

    @Test
    void shouldSendOneSigtermOnlyWhenStoppingALoaderThatExecsAJvm() throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Path loader = files.loader("jvm", "exec '" + java + "' -cp '" + System.getProperty("java.class.path") + "' "
                + SignalCounter.class.getName() + " " + dir.resolve("terms") + " " + dir.resolve("ready"));
        LoaderComponent c = run(schedule("jvm", loader, ServiceConfig.Window.ALWAYS, null, List.of()), 10_000);
        Await.until("the JVM handles SIGTERM", Duration.ofSeconds(20), () -> lines("ready").size() == 1);
        tasks.getFirst().requestStop();
        assertThat(tasks.getFirst().awaitStopped(System.nanoTime() + Duration.ofSeconds(15).toNanos())).isTrue();
        assertThat(lines("terms")).as("a push takes a second SIGTERM as 'stop now'").containsExactly("term");
        // The exit status is recorded by the reaper just after the task reports stopped.
        Await.until("the exit is recorded", Duration.ofSeconds(10), () -> c.status().get("last_exit") != null);
        assertThat(c.status().get("last_exit")).isEqualTo(0);
    }

    @Test
    void shouldKillTheProcessGroupWhenTheLoaderIgnoresSigtermPastTheGracePeriod() throws IOException {
        Path loader = files.loader("stubborn", "trap '' TERM\necho started >> " + dir.resolve("started")
                + "\nwhile :; do sleep 0.1; done");
        LoaderComponent c = run(schedule("stubborn", loader, ServiceConfig.Window.ALWAYS, null, List.of()), 300);
        Await.until("the loader started", Duration.ofSeconds(10), () -> lines("started").size() == 1);
        tasks.getFirst().requestStop();
        assertThat(tasks.getFirst().awaitStopped(System.nanoTime() + Duration.ofSeconds(10).toNanos())).isTrue();
        assertThat(counter("pushcap_schedule_kills_total", "schedule", "stubborn")).isEqualTo(1);
        assertThat(c.status().get("last_exit")).isEqualTo(137);
    }

    @Test
    void shouldRunAOneShotWithItsOfflineSourcesAndRememberItWhenItFires() throws IOException {
        Path loader = files.loader("eod", "echo \"$@\" >> " + dir.resolve("args"));
        LoaderComponent c = run(schedule("eod", loader, null, "0 5 0 * * ?", List.of("in/${DAY}")), 2000);
        Instant fire = LocalDate.of(2025, 3, 4).atTime(0, 5).atZone(ZoneId.systemDefault()).toInstant();
        c.fire(fire);
        Await.until("the one-shot ran", Duration.ofSeconds(10), () -> lines("args").size() == 1 && c.status().get("pid") == null);
        assertThat(lines("args")).containsExactly("--force --offline in/20250303");
        Await.until("the fire time was remembered", Duration.ofSeconds(5), () -> lines("var/schedule/eod.last")
                .equals(List.of(Long.toString(fire.toEpochMilli()))));
        assertThat(counter("pushcap_schedule_exits_total", "schedule", "eod", "outcome", "ok")).isEqualTo(1);
    }

    @Test
    void shouldCatchUpOnceForTheLatestRunWhenRunsWereMissedWhileDown() throws IOException {
        Instant last = Instant.now().minus(3, ChronoUnit.DAYS);
        Files.createDirectories(dir.resolve("var/schedule"));
        Files.writeString(dir.resolve("var/schedule/eod.last"), last.toEpochMilli() + "\n");
        Path loader = files.loader("eod", "echo \"$@\" >> " + dir.resolve("args"));
        run(schedule("eod", loader, null, "0 5 0 * * ?", List.of("in/${DAY}")), 2000);
        Await.until("the catch-up run", Duration.ofSeconds(10), () -> lines("args").size() == 1);
        LocalDate today = LocalDate.now(ZoneId.systemDefault());
        LocalDate latestDue = Instant.now().atZone(ZoneId.systemDefault()).toLocalTime().isBefore(java.time.LocalTime.of(0, 5))
                ? today.minusDays(1) : today;
        assertThat(lines("args")).containsExactly("--force --offline in/"
                + latestDue.minusDays(1).format(DateTimeFormatter.BASIC_ISO_DATE));
        assertThat(counter("pushcap_schedule_missed_runs_total", "schedule", "eod")).isEqualTo(3);
    }

    @Test
    void shouldStillOpenCloseAndRunWhenQuartzTriggersComeLateOrNever() throws IOException {
        Path loader = files.loader("late", "echo \"$@\" >> " + dir.resolve("runs") + "\nexec sleep 1000");
        Path once = files.loader("once", "echo once >> " + dir.resolve("once"));
        run(schedule("late", loader, new ServiceConfig.Window("0/2 * * * * ?", "1/2 * * * * ?", "t"), null, List.of()), 2000);
        run(schedule("once", once, null, "* * * * * ?", List.of()), 2000);
        Await.until("windows opened and closed by the schedule's own clock", Duration.ofSeconds(15),
                () -> counter("pushcap_schedule_windows_total", "schedule", "late", "event", "close") >= 2
                        && lines("once").size() >= 2);
        assertThat(counter("pushcap_schedule_late_triggers_total", "schedule", "late")).isGreaterThanOrEqualTo(2);
        assertThat(counter("pushcap_schedule_late_triggers_total", "schedule", "once")).isGreaterThanOrEqualTo(2);
        assertThat(lines("runs").size()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void shouldOpenAndCloseOnQuartzTriggersWhenTheWindowIsSecondsLong() throws IOException {
        scheduler = new LoaderScheduler();
        scheduler.start();
        Path loader = files.loader("short", "echo started >> " + dir.resolve("started") + "\nexec sleep 1000");
        ServiceConfig.Schedule s = schedule("short", loader, new ServiceConfig.Window("0/2 * * * * ?", "1/2 * * * * ?", "t"),
                null, List.of());
        LoaderComponent c = run(s, 2000);
        scheduler.add(s, c);
        // A window is one second long: on a busy machine one may close before its loader's shell
        // has reached its first line, so wait for two windows that saw their loader start.
        Await.until("two windows opened and closed, two loaders started", Duration.ofSeconds(30),
                () -> counter("pushcap_schedule_windows_total", "schedule", "short", "event", "close") >= 2
                        && lines("started").size() >= 2);
        assertThat(counter("pushcap_schedule_restarts_total", "schedule", "short", "reason", "exited")
                + counter("pushcap_schedule_restarts_total", "schedule", "short", "reason", "failed"))
                .as("stopping at a window's end is not a restart").isZero();
        assertThat(c.status().get("next_open")).isNotNull();
        assertThat(c.status().get("next_close")).isNotNull();
    }
}
