package io.pushcap.pipeline;

import io.pushcap.PushcapException;
import io.pushcap.cli.ExitCodes;
import io.pushcap.config.PushConfig;
import io.pushcap.config.PushConfigLoader;
import io.pushcap.config.TargetConfig;
import io.pushcap.metrics.MetricsRegistry;
import io.pushcap.pipeline.source.FileSetSource;
import io.pushcap.pipeline.source.SharedFileRead;
import io.pushcap.pipeline.source.TimeWindow;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of {@code pushcap push}: loads and validates the whole config, builds every target's
 * plan (filters compiled, sinks checked, logs opened) before reading a packet, then runs each
 * target on its own thread and waits, showing progress and writing the appliance's status
 * lines.
 *
 * <p><b>Note:</b> {@link #run()} blocks until every target has finished or {@link #stop()} was
 * called (from a shutdown hook, say); targets then publish their open splits and stop.
 */
public final class PushJob {

    /**
     * What {@code push} was asked to do.
     *
     * @param loader the name of the status file {@code analytics_<loader>.cur}, or null for the
     *               config's file name ({@link #loaderName}); {@code serve} names it after the schedule
     */
    public record Options(Path config, List<Path> offline, Path logDir, Path stateDir, Path workDir,
                          boolean progressBar, RetryPolicy retry, long stuckAfterMillis, long statusEveryMillis,
                          String loader) {
        public Options(Path config, List<Path> offline, Path logDir, Path stateDir, Path workDir, boolean progressBar,
                       RetryPolicy retry, long stuckAfterMillis, long statusEveryMillis) {
            this(config, offline, logDir, stateDir, workDir, progressBar, retry, stuckAfterMillis, statusEveryMillis, null);
        }
    }

    /** Exit status when targets gave up under {@code --ring-timeout-exit} (restart them). */
    public static final int EXIT_RING_TIMEOUT = ExitCodes.RING_TIMEOUT;

    private final Options options;
    private final PrintStream console;
    private final List<TargetRunner> runners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    /** Opened by the first stop request ({@link #requestStop()}, {@link #stop(long)}). */
    private final java.util.concurrent.CountDownLatch stopLatch = new java.util.concurrent.CountDownLatch(1);
    private boolean live;
    private TimeWindow window = TimeWindow.ALL;

    public PushJob(Options options, PrintStream console) {
        this.options = options;
        this.console = console;
    }

    /** The loader name the appliance's status file carries: push_pcap.lua gives push_pcap. */
    public static String loaderName(Path config) {
        String f = config.getFileName().toString();
        return f.endsWith(".lua") ? f.substring(0, f.length() - 4) : f;
    }

    /** Limits an offline push to packets of {@code w}. */
    public PushJob window(TimeWindow w) {
        this.window = w;
        return this;
    }

    /** Runs the push; returns the process exit status (0 only when every target published everything). */
    public int run() throws IOException, InterruptedException {
        WarmUp warmUp = WarmUp.start();
        PushConfig config;
        try {
            config = new PushConfigLoader().load(options.config());
        } catch (io.pushcap.config.ConfigException e) {
            if (e.evaluatorStopped() && stopRequestedWithin(1_000)) {
                // The same SIGTERM reached the evaluator (one process group): a stop, not a config error.
                console.println("push: stopped while evaluating " + options.config() + "; nothing was pushed");
                return ExitCodes.INTERRUPTED;
            }
            throw e;
        } finally {
            warmUp.await();
        }
        List<TargetLock> locks = lockTargets(config);
        try {
            return runLocked(config);
        } finally {
            locks.forEach(TargetLock::close);
        }
    }

    /**
     * Takes every target's {@link TargetLock} before anything is opened, live or offline: a second
     * push of the same target and state directory is refused (naming the first one's pid) instead
     * of writing the same files and manifest.
     */
    private List<TargetLock> lockTargets(PushConfig config) {
        List<TargetLock> locks = new ArrayList<>();
        try {
            for (TargetConfig t : config.targets()) {
                locks.add(TargetLock.acquire(options.stateDir(), t.desc(), t.label()));
            }
            return locks;
        } catch (RuntimeException e) {
            locks.forEach(TargetLock::close);
            throw e;
        }
    }

    private int runLocked(PushConfig config) throws IOException, InterruptedException {
        if (options.offline() == null || options.offline().isEmpty()) {
            return runLive(config);
        }
        if (options.offline().size() == 1 && io.pushcap.kafka.KafkaLocation.looksLike(options.offline().get(0).toString())) {
            return runKafka(config, io.pushcap.kafka.KafkaLocation.parse(options.offline().get(0).toString()));
        }
        List<Path> files = FileSetSource.expand(options.offline());
        PlanBuilder builder = new PlanBuilder(options, MetricsRegistry.global());
        // Several targets share one read and decoding of the files; each then only filters, splits,
        // compresses and publishes. One target reads them itself (no thread, no copy between).
        SharedFileRead shared = config.targets().size() > 1 ? SharedFileRead.open(files, window) : null;
        List<TargetPlan> plans = new ArrayList<>();
        try {
            for (TargetConfig t : config.targets()) {
                plans.add(builder.build(t, shared != null ? shared.view() : FileSetSource.open(files, window), false));
            }
        } catch (RuntimeException | IOException e) {
            plans.forEach(PlanBuilder::closeQuietly);
            throw e;
        }
        return runAll(plans, files.size() + (files.size() == 1 ? " file" : " files"));
    }

    /**
     * An offline push from a topic: each target reads every partition to the end offsets seen
     * when it opens (io.pushcap.pipeline.source.KafkaSource).
     */
    private int runKafka(PushConfig config, io.pushcap.kafka.KafkaLocation where) throws IOException, InterruptedException {
        PlanBuilder builder = new PlanBuilder(options, MetricsRegistry.global());
        List<TargetPlan> plans = new ArrayList<>();
        try {
            for (TargetConfig t : config.targets()) {
                plans.add(builder.build(t, io.pushcap.pipeline.source.KafkaSource.open(where, t.consumerSettings(), t.label(),
                        new io.pushcap.kafka.KafkaCounters(MetricsRegistry.global(), t.desc())), false));
            }
        } catch (RuntimeException | IOException e) {
            plans.forEach(PlanBuilder::closeQuietly);
            throw e;
        }
        return runAll(plans, where.toString());
    }

    /** Follows each target's ring or capture in real time until stopped. */
    private int runLive(PushConfig config) throws IOException, InterruptedException {
        live = true;
        PlanBuilder builder = new PlanBuilder(options, MetricsRegistry.global());
        List<TargetPlan> plans = new ArrayList<>();
        try {
            for (TargetConfig t : config.targets()) {
                plans.add(builder.build(t, LiveSources.open(t), true));
            }
        } catch (RuntimeException | IOException e) {
            plans.forEach(PlanBuilder::closeQuietly);
            throw e;
        }
        return runAll(plans, "live");
    }

    private int runAll(List<TargetPlan> plans, String what) throws IOException, InterruptedException {
        for (TargetPlan p : plans) {
            TargetRunner r = new TargetRunner(p);
            runners.add(r);
            Thread t = Thread.ofPlatform().name("target-" + p.config().desc()).unstarted(r);
            threads.add(t);
        }
        StatusFile status = new StatusFile(options.logDir(),
                options.loader() != null ? options.loader() : loaderName(options.config()));
        Progress progress = new Progress(console, options.progressBar() && !live, runners,
                plans.getFirst().source().sizeHint());
        status.line("push " + what + " with " + plans.size() + " target(s) from " + options.config());
        threads.forEach(Thread::start);
        if (stopRequested()) {
            runners.forEach(TargetRunner::stop);
        }
        long nextStatus = 0;
        while (threads.stream().anyMatch(Thread::isAlive)) {
            long now = System.currentTimeMillis();
            if (now >= nextStatus) {
                runners.forEach(status::target);
                nextStatus = now + options.statusEveryMillis();
            }
            progress.update();
            for (Thread t : threads) {
                t.join(200);
                if (t.isAlive()) {
                    break;
                }
            }
        }
        progress.finish();
        runners.forEach(status::target);
        plans.forEach(PlanBuilder::closeQuietly);
        return summarize(status);
    }

    /**
     * " + abandoned N" for a target that failed with packets read but not published (its open
     * split was discarded), so that the summary's sum still holds; "" otherwise.
     */
    private static String abandoned(TargetRunner r) {
        TargetCounters c = r.counters();
        long n = c.read.get() - c.published.get() - c.filtered.get() - c.droppedLinkType.get();
        return r.state() == TargetRunner.State.FAILED && n > 0 ? " + abandoned " + n : "";
    }

    private int summarize(StatusFile status) {
        int failed = 0;
        int exited = 0;
        List<String> failures = new ArrayList<>();
        int code = ExitCodes.OK;
        for (TargetRunner r : runners) {
            TargetCounters c = r.counters();
            String line = String.format("%-24s %-8s files %d, packets read %d = published %d + filtered %d + dropped %d%s",
                    r.config().desc(), r.state(), c.files.get(), c.read.get(), c.published.get(), c.filtered.get(),
                    c.droppedLinkType.get(), abandoned(r) + (r.state() == TargetRunner.State.FAILED ? " : " + r.lastError() : ""));
            console.println(line);
            status.line(line);
            if (r.state() == TargetRunner.State.EXITED) {
                exited++;
            } else if (r.state() != TargetRunner.State.DONE && !(live && r.state() == TargetRunner.State.STOPPED)) {
                failed++;
                failures.add(r.config().label() + " " + r.state()
                        + (r.lastError().isEmpty() ? "" : ": " + r.lastError()));
            }
            code = ExitCodes.worst(code, reportUnwritable(r, status));
            for (String d : r.damage()) {
                String msg = "push: " + r.config().desc() + ": damaged input " + d
                        + "; every whole packet before the damage was pushed";
                console.println(msg);
                status.line(msg);
                code = ExitCodes.worst(code, ExitCodes.DAMAGED);
            }
        }
        if (exited > 0 && failed == 0) {
            console.println("push: " + exited + " target(s) exited under --ring-timeout-exit; restart to resume at the current time");
            code = ExitCodes.worst(code, EXIT_RING_TIMEOUT);
        }
        if (failed > 0) {
            console.println("push: " + failed + " of " + runners.size() + " target(s) did not publish everything"
                    + (failed < runners.size() ? " (the others finished)" : ""));
            for (String f : failures) {
                console.println("push: " + f);
                status.line("push: " + f);
            }
            code = ExitCodes.worst(code, stopRequested() ? ExitCodes.INTERRUPTED : ExitCodes.INCOMPLETE);
        }
        return code;
    }

    /**
     * Packets a pcap output could not hold (a link type other than the file's) are a loss the
     * user must hear about: named with their link types and the fix, and the push is INCOMPLETE.
     */
    private int reportUnwritable(TargetRunner r, StatusFile status) {
        if (r.counters().droppedLinkType.get() == 0) {
            return ExitCodes.OK;
        }
        String msg = "push: " + r.config().desc() + ": " + r.counters().droppedLinkType.get()
                + " packet(s) not written: " + r.unwritableSummary()
                + "; a pcap file holds one link type, use pcapng output (Format = \"pcapng\" or FileSuffix = \".pcapng\")";
        console.println(msg);
        status.line(msg);
        return ExitCodes.INCOMPLETE;
    }

    private boolean stopRequested() {
        return stopLatch.getCount() == 0;
    }

    /** Waits up to {@code millis} for {@link #requestStop()}: a signal's handler may run just after its child died of it. */
    private boolean stopRequestedWithin(long millis) throws InterruptedException {
        return stopLatch.await(millis, TimeUnit.MILLISECONDS);
    }

    /** Asks every target to publish what it has and stop; {@link #run()} then returns. Safe from any thread. */
    public void requestStop() {
        stopLatch.countDown();
        runners.forEach(TargetRunner::stop);
    }

    /** Asks every target to publish what it has and stop, and waits up to {@code timeoutMillis}. */
    public void stop(long timeoutMillis) {
        stopLatch.countDown();
        runners.forEach(TargetRunner::stop);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        for (Thread t : threads) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                break;
            }
            try {
                t.join(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    public List<TargetRunner> runners() {
        return List.copyOf(runners);
    }
}
