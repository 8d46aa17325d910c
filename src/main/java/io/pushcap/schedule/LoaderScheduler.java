package io.pushcap.schedule;

import io.pushcap.PushcapException;
import io.pushcap.config.ServiceConfig;
import org.quartz.CronScheduleBuilder;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;

import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Quartz (2.5, in memory: RAMJobStore) drives the schedules: a window gets a trigger for its
 * Start cron and one for its Stop cron, a one-shot one trigger for its Once cron. A trigger only
 * tells the schedule's {@link Listener} (which queues the event for the schedule's own thread),
 * so Quartz's two worker threads are never held by a push.
 *
 * <p>Misfires (a trigger that could not fire on time: a pause of the JVM, a busy machine) use
 * {@code MISFIRE_INSTRUCTION_FIRE_ONCE_NOW}: a late open, close or run happens once, as soon as
 * possible, never several times. Runs missed while the service was not running are not Quartz's
 * business (RAMJobStore forgets everything at exit): windows are re-evaluated at start
 * ({@link WindowTimes#isOpen}) and one-shots consult their {@link ScheduleState}.
 *
 * <p><b>Note:</b> thread-safe. Listener methods run on Quartz worker threads and must not block.
 */
public final class LoaderScheduler implements AutoCloseable {
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final String OPEN = "open";
    private static final String CLOSE = "close";
    private static final String RUN = "run";

    /** What a schedule's triggers say. */
    public interface Listener {
        void open();

        void close();

        /** A one-shot is due; {@code scheduled} is its planned fire time (not when Quartz got to it). */
        void fire(Instant scheduled);
    }

    /** The next planned events of a schedule; null fields do not apply or never come. */
    public record Next(Instant open, Instant close, Instant run) {
    }

    private final Scheduler scheduler;
    private final Map<String, Listener> listeners = new ConcurrentHashMap<>();

    public LoaderScheduler() {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", "pushcap-" + ProcessHandle.current().pid() + "-"
                + INSTANCES.incrementAndGet());
        p.setProperty("org.quartz.scheduler.instanceId", "serve");
        p.setProperty("org.quartz.scheduler.makeSchedulerThreadDaemon", "true");
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
        p.setProperty("org.quartz.threadPool.threadCount", "2");
        p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        p.setProperty("org.quartz.jobStore.misfireThreshold", "5000");
        try {
            scheduler = new StdSchedulerFactory(p).getScheduler();
            scheduler.setJobFactory((bundle, s) -> this::dispatch);
        } catch (SchedulerException e) {
            throw new PushcapException("cannot start the Quartz scheduler: " + e.getMessage(), e);
        }
    }

    /** Quartz needs a job class; the job factory above hands out {@link #dispatch} instead. */
    public static final class Placeholder implements Job {
        @Override
        public void execute(JobExecutionContext context) {
            // never instantiated: the scheduler's job factory returns the dispatcher
        }
    }

    private void dispatch(JobExecutionContext ctx) {
        String name = ctx.getJobDetail().getJobDataMap().getString("schedule");
        String event = ctx.getJobDetail().getJobDataMap().getString("event");
        Listener l = listeners.get(name);
        if (l == null) {
            return;
        }
        switch (event) {
            case OPEN -> l.open();
            case CLOSE -> l.close();
            default -> l.fire(ctx.getScheduledFireTime() == null ? Instant.now() : ctx.getScheduledFireTime().toInstant());
        }
    }

    /** Starts firing: after the first schedules are added, so the first acquisition sees all of them. */
    public void start() {
        try {
            scheduler.start();
        } catch (SchedulerException e) {
            throw new PushcapException("cannot start the Quartz scheduler: " + e.getMessage(), e);
        }
    }

    /** Schedules the triggers of {@code s} (none for an always-open window). */
    public void add(ServiceConfig.Schedule s, Listener listener) {
        listeners.put(s.name(), listener);
        try {
            if (s.once() != null) {
                schedule(s.name(), RUN, s.once());
            } else if (!s.window().always()) {
                schedule(s.name(), OPEN, s.window().start());
                schedule(s.name(), CLOSE, s.window().stop());
            }
        } catch (SchedulerException e) {
            throw new PushcapException("schedule '" + s.name() + "': Quartz refused it: " + e.getMessage(), e);
        }
    }

    private void schedule(String name, String event, String cron) throws SchedulerException {
        JobDetail job = JobBuilder.newJob(Placeholder.class).withIdentity(name + "." + event, "pushcap")
                .usingJobData("schedule", name).usingJobData("event", event).build();
        Trigger trigger = TriggerBuilder.newTrigger().withIdentity(name + "." + event, "pushcap")
                .withSchedule(CronScheduleBuilder.cronSchedule(cron).withMisfireHandlingInstructionFireAndProceed())
                .build();
        scheduler.scheduleJob(job, trigger);
    }

    /** Removes the triggers of a schedule; it gets no more events. */
    public void remove(String name) {
        listeners.remove(name);
        for (String event : new String[] {OPEN, CLOSE, RUN}) {
            try {
                scheduler.deleteJob(JobKey.jobKey(name + "." + event, "pushcap"));
            } catch (SchedulerException e) {
                // gone already
            }
        }
    }

    public Next next(String name) {
        return new Next(nextFire(name, OPEN), nextFire(name, CLOSE), nextFire(name, RUN));
    }

    private Instant nextFire(String name, String event) {
        try {
            Trigger t = scheduler.getTrigger(TriggerKey.triggerKey(name + "." + event, "pushcap"));
            Date d = t == null ? null : t.getNextFireTime();
            return d == null ? null : d.toInstant();
        } catch (SchedulerException e) {
            return null;
        }
    }

    @Override
    public void close() {
        try {
            scheduler.shutdown(false);
        } catch (SchedulerException e) {
            // shutting down anyway
        }
    }
}
