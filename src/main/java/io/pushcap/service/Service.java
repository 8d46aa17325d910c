package io.pushcap.service;

import io.pushcap.PushcapException;
import io.pushcap.config.ChildEvaluator;
import io.pushcap.config.ConfigException;
import io.pushcap.config.EvalBudget;
import io.pushcap.config.ServiceConfig;
import io.pushcap.config.ServiceConfigLoader;
import io.pushcap.metrics.Counter;
import io.pushcap.metrics.MetricsRegistry;
import io.pushcap.ring.RingRates;
import io.pushcap.schedule.LoaderLaunch;
import io.pushcap.schedule.LoaderScheduler;
import io.pushcap.service.http.StatusServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * {@code pushcap serve}: every component of a {@link ServiceConfig}, each a supervised task in
 * this process (captures, tunnels, recorders, re-transmitters, flow exports) or a supervised
 * child process (push schedules, whose analytics loaders are scripts), plus the Quartz scheduler,
 * the ring sampler and the HTTP listener.
 *
 * <p>Lifecycle: {@link #prepare} does everything that can fail before anything runs (directories,
 * the HTTP port, the ring directory and its ramfs, the rings); {@link #start()} starts the
 * components, ingest first; {@link #reload()} applies a new configuration, validated first;
 * {@link #stop()} stops ingest, then the consumers (pushes publish their open splits and save
 * their cursors), within {@code StopTimeout} seconds.
 *
 * <p><b>Note:</b> {@link #start()}, {@link #reload()} and {@link #stop()} run on one control
 * thread (the command's main thread; signal handlers only ask, see {@code cli.ServeCommand});
 * the status getters are thread-safe.
 */
public final class Service {
    /** The tiers components stop in: ingest first, so consumers publish everything that was captured. */
    private static final List<String> INGEST = List.of("capture", "tunnel");

    private final Path configFile;
    private final Path home;
    private final Path workDir;
    private final MetricsRegistry metrics;
    private final ServiceLog log;
    private final Supervisor supervisor;
    private final RingSampler sampler;
    private final long startedMillis = System.currentTimeMillis();
    private final Map<String, String> fingerprints = new HashMap<>();
    private final Map<String, LoaderComponent> loaders = new java.util.concurrent.ConcurrentSkipListMap<>();
    private final Counter reloadsApplied;
    private final Counter reloadsRefused;
    /** Evaluates reloaded configs in child JVMs; cancelled when a stop is asked, so a reload never delays SIGTERM. */
    private final ChildEvaluator evaluator = new ChildEvaluator(EvalBudget.fromEnvironment());
    private volatile ServiceConfig config;
    private volatile RingDirectory rings;
    private volatile String lastReloadError = "";
    private volatile long lastReloadMillis;
    private StatusServer http;
    private LoaderScheduler scheduler;
    private LoaderLaunch launch;

    private Service(Path configFile, Path home, ServiceConfig config, MetricsRegistry metrics) {
        this.configFile = configFile;
        this.home = home;
        this.workDir = Path.of("").toAbsolutePath();
        this.config = config;
        this.metrics = metrics;
        this.log = new ServiceLog(config.logDir(), config.logFile());
        this.supervisor = new Supervisor(log, metrics);
        this.sampler = new RingSampler(metrics);
        this.reloadsApplied = metrics.counter("pushcap_service_reloads_total", "Configuration reloads (SIGHUP) by result",
                MetricsRegistry.labels("result", "applied"));
        this.reloadsRefused = metrics.counter("pushcap_service_reloads_total", "Configuration reloads (SIGHUP) by result",
                MetricsRegistry.labels("result", "refused"));
        metrics.gauge("pushcap_service_start_time_seconds", "When the service started, in seconds since the epoch", "",
                () -> startedMillis / 1000);
    }

    /**
     * Makes everything ready without starting a component: state and log directories, the HTTP
     * listener (bound, so a port in use fails here), the ring directory (ramfs mounted when it
     * can be) and the rings (created when missing; existing ones of another size refused).
     *
     * @throws PushcapException (exit 2) naming what to fix
     */
    public static Service prepare(Path configFile, Path home, ServiceConfig config, MetricsRegistry metrics) {
        mkdirs(config.stateDir(), "StateDir");
        mkdirs(config.logDir(), "LogDir");
        Service s = new Service(configFile, home, config, metrics);
        s.http = StatusServer.bind(config.http(), s);
        try {
            s.rings = RingDirectory.prepare(config, s.log);
            List<String> problems = s.rings.check(config.rings(), config.file());
            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
            s.rings.create(config.rings(), s.log);
            s.launch = new LoaderLaunch(home, s.workDir, config.logDir(), config.stateDir(), s.rings.dir(),
                    LoaderLaunch.writeCommand(config.stateDir(), home));
        } catch (IOException e) {
            s.http.close();
            throw new PushcapException("cannot prepare " + config.stateDir() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            s.http.close();
            throw e;
        }
        return s;
    }

    private static void mkdirs(Path dir, String key) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new PushcapException(key + " '" + dir + "': cannot create: " + e.getMessage());
        }
    }

    /** Starts the sampler, the scheduler, every component (ingest first) and the HTTP listener. */
    public void start() {
        ServiceConfig c = config;
        log.info("serve", "starting from " + configFile + " (pid " + ProcessHandle.current().pid() + "): " + summary(c));
        sampler.watch(ringPaths(c));
        sampler.start();
        scheduler = new LoaderScheduler();
        for (ServiceConfig.Component comp : c.components()) {
            startComponent(c, comp);
        }
        scheduler.start();
        http.start();
        log.info("serve", "status page http://" + http.address() + "/ (also /status and /metrics)");
    }

    private void startComponent(ServiceConfig c, ServiceConfig.Component comp) {
        if (comp instanceof ServiceConfig.Schedule s) {
            LoaderComponent l = new LoaderComponent(s, launch, log, workDir, graceMillis(c), () -> scheduler.next(s.name()),
                    metrics);
            loaders.put(s.name(), l);
            fingerprints.put(Supervisor.key(s.kind(), s.name()), fingerprint(s));
            supervisor.start(l);
            scheduler.add(s, l);
        } else {
            supervisor.start(new ComponentFactory(rings, c, log).create(comp));
        }
    }

    /** Children get the stop budget minus what stopping ingest (at most 3 s) and the rest of the shutdown may take. */
    private static long graceMillis(ServiceConfig c) {
        return Math.max(1000, c.stopTimeoutSeconds() * 1000L - 4000);
    }

    private Map<String, Path> ringPaths(ServiceConfig c) {
        Map<String, Path> m = new LinkedHashMap<>();
        c.rings().forEach(r -> m.put(r.name(), rings.path(r)));
        return m;
    }

    private static String summary(ServiceConfig c) {
        return c.rings().size() + " ring(s), " + c.captures().size() + " capture(s), " + c.tunnels().size()
                + " tunnel(s), " + c.recorders().size() + " recorder(s), " + c.transmits().size() + " transmit(s), "
                + c.flowExports().size() + " flow export(s), " + c.schedules().size() + " schedule(s)";
    }

    /**
     * Re-reads the configuration file; a config with any problem is refused (logged, counted, the
     * running one stays); a good one is applied by difference: components removed or changed are
     * stopped, new or changed ones started, the rest keep running. A schedule also counts as
     * changed when its loader or push config file changed on disk.
     *
     * @return null when applied, else why it was refused
     */
    public synchronized String reload() {
        ServiceConfig next;
        try {
            next = new ServiceConfigLoader(home, evaluator).load(configFile);
            List<String> problems = rings.check(next.rings(), next.file());
            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
        } catch (PushcapException e) {
            reloadsRefused.increment();
            lastReloadError = e.getMessage();
            lastReloadMillis = System.currentTimeMillis();
            log.error("serve", "reload refused, the running configuration stays:\n" + e.getMessage());
            return e.getMessage();
        }
        apply(next);
        reloadsApplied.increment();
        lastReloadError = "";
        lastReloadMillis = System.currentTimeMillis();
        return null;
    }

    /**
     * Kills a configuration evaluation in progress and refuses later ones: called from the signal
     * handler when a stop is asked, so a reload of a slow config ends at once. Thread-safe.
     */
    public void cancelReloads() {
        evaluator.cancel();
    }

    private void apply(ServiceConfig next) {
        ServiceConfig old = config;
        warnRestartOnly(old, next);
        Map<String, ServiceConfig.Component> before = byKey(old);
        Map<String, ServiceConfig.Component> after = byKey(next);
        List<String> stop = new ArrayList<>();
        List<ServiceConfig.Component> start = new ArrayList<>();
        int unchanged = 0;
        for (Map.Entry<String, ServiceConfig.Component> e : before.entrySet()) {
            ServiceConfig.Component now = after.get(e.getKey());
            if (now == null || !same(e.getValue(), now, old, next)) {
                stop.add(e.getKey());
            } else {
                unchanged++;
            }
        }
        for (ServiceConfig.Component c : next.components()) {
            String k = Supervisor.key(c.kind(), c.name());
            if (!before.containsKey(k) || stop.contains(k)) {
                start.add(c);
            }
        }
        stopKeys(stop, System.nanoTime() + TimeUnit.SECONDS.toNanos(old.stopTimeoutSeconds()));
        rings.create(next.rings(), log);
        config = next;
        sampler.watch(ringPaths(next));
        start.forEach(c -> startComponent(next, c));
        log.info("serve", "reload applied: " + stop.size() + " stopped, " + start.size() + " started, " + unchanged
                + " unchanged (" + summary(next) + ")");
    }

    private void warnRestartOnly(ServiceConfig old, ServiceConfig next) {
        Map<String, Object[]> fixed = new LinkedHashMap<>();
        fixed.put("Http", new Object[] {old.http(), next.http()});
        fixed.put("StateDir", new Object[] {old.stateDir(), next.stateDir()});
        fixed.put("LogDir", new Object[] {old.logDir(), next.logDir()});
        fixed.put("RingDir", new Object[] {old.ringDir(), next.ringDir()});
        fixed.put("RingMount", new Object[] {old.ringMount(), next.ringMount()});
        fixed.forEach((k, v) -> {
            if (!Objects.equals(v[0], v[1])) {
                log.warn("serve", "Service." + k + " changed from " + v[0] + " to " + v[1] + ": applies when the service"
                        + " restarts");
            }
        });
    }

    private boolean same(ServiceConfig.Component a, ServiceConfig.Component b, ServiceConfig oldC, ServiceConfig newC) {
        if (!a.equals(b)) {
            if (a instanceof ServiceConfig.Schedule sa && b instanceof ServiceConfig.Schedule sb
                    && sa.withLine(0).equals(sb.withLine(0))) {
                return fingerprint(sb).equals(fingerprints.get(Supervisor.key(a.kind(), a.name())));
            }
            return false;
        }
        if (a instanceof ServiceConfig.Schedule s) {
            return fingerprint(s).equals(fingerprints.get(Supervisor.key(a.kind(), a.name())));
        }
        return ringOf(a, oldC).equals(ringOf(b, newC));
    }

    /** The ring a component uses, as configured: a ring resized or moved means the component restarts. */
    private static Object ringOf(ServiceConfig.Component c, ServiceConfig conf) {
        String ring = switch (c) {
            case ServiceConfig.Capture x -> x.ring();
            case ServiceConfig.Tunnel x -> x.ring();
            case ServiceConfig.Transmit x -> x.ring();
            case ServiceConfig.Recorder x -> x.ring();
            case ServiceConfig.FlowExport x -> x.ring();
            case ServiceConfig.Schedule x -> null;
        };
        return ring == null ? "" : String.valueOf(conf.ring(ring));
    }

    private static Map<String, ServiceConfig.Component> byKey(ServiceConfig c) {
        Map<String, ServiceConfig.Component> m = new LinkedHashMap<>();
        c.components().forEach(x -> m.put(Supervisor.key(x.kind(), x.name()), x));
        return m;
    }

    /** Content hash of a schedule's loader and push config: editing either restarts it on reload. */
    static String fingerprint(ServiceConfig.Schedule s) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (Path p : new Path[] {s.loader(), s.config()}) {
                if (p != null && Files.isRegularFile(p)) {
                    d.update(Files.readAllBytes(p));
                }
                d.update((byte) 0);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            return "unreadable";
        }
    }

    private void stopKeys(List<String> keys, long deadlineNanos) {
        if (keys.isEmpty()) {
            return;
        }
        for (String k : keys) {
            if (k.startsWith("schedule:")) {
                String name = k.substring("schedule:".length());
                scheduler.remove(name);
                loaders.remove(name);
            }
        }
        List<String> late = supervisor.stop(keys, deadlineNanos);
        if (!late.isEmpty()) {
            log.error("serve", "did not stop in time (abandoned): " + late);
        }
    }

    /**
     * Stops everything within {@code StopTimeout}: the scheduler (no new events), ingest (captures,
     * tunnels), then every consumer at once (pushes get SIGTERM: they publish their open splits and
     * save their cursors), then the HTTP listener.
     */
    public synchronized void stop() {
        ServiceConfig c = config;
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.SECONDS.toNanos(c.stopTimeoutSeconds());
        log.info("serve", "stopping (within " + c.stopTimeoutSeconds() + " s)");
        if (scheduler != null) {
            scheduler.close();
        }
        List<String> ingest = new ArrayList<>();
        INGEST.forEach(k -> ingest.addAll(supervisor.keysOf(k)));
        stopKeys(ingest, Math.min(deadline, System.nanoTime() + TimeUnit.SECONDS.toNanos(3)));
        List<String> rest = supervisor.tasks().stream().map(t -> Supervisor.key(t.component().kind(), t.component().name()))
                .toList();
        stopKeys(rest, deadline);
        sampler.close();
        if (http != null) {
            http.close();
        }
        log.info("serve", "stopped in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");
        log.close();
    }

    // ---- what /status and /metrics show ----

    public ServiceConfig config() {
        return config;
    }

    public Path configFile() {
        return configFile;
    }

    public MetricsRegistry metrics() {
        return metrics;
    }

    /**
     * Whether the service is up for systemd's READY=1: at least one configured capture reads its
     * interface, or the config has no captures at all (then start() returning is enough).
     */
    public boolean captureUp() {
        boolean any = false;
        for (SupervisedTask t : supervisor.tasks()) {
            if (t.component() instanceof CaptureComponent cc) {
                any = true;
                if (cc.capturing()) {
                    return true;
                }
            }
        }
        return !any;
    }

    public ServiceLog log() {
        return log;
    }

    public List<SupervisedTask> tasks() {
        return supervisor.tasks();
    }

    public List<LoaderComponent> loaders() {
        return List.copyOf(loaders.values());
    }

    public Map<String, RingRates> ringRates() {
        return sampler.latest();
    }

    /** The last 15 minutes of each ring and push target, for the status page's graphs. */
    public StatusHistory history() {
        return sampler.history();
    }

    /** History key of a ring or target (see {@link RingSampler#ringKey}, {@link RingSampler#targetKey}). */
    public static String historyKey(boolean ring, String name) {
        return ring ? RingSampler.ringKey(name) : RingSampler.targetKey(name);
    }

    public RingDirectory rings() {
        return rings;
    }

    public long startedMillis() {
        return startedMillis;
    }

    public String lastReloadError() {
        return lastReloadError;
    }

    public long lastReloadMillis() {
        return lastReloadMillis;
    }

    public long reloadsApplied() {
        return reloadsApplied.get();
    }

    public long reloadsRefused() {
        return reloadsRefused.get();
    }

    /** Where the HTTP listener is bound (the port is known even when the config asked for 0). */
    public String httpAddress() {
        return http.address();
    }
}
