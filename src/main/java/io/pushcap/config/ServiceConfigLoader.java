package io.pushcap.config;

import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Loads a service configuration ({@code etc/pushcap.lua}) into a validated {@link ServiceConfig}:
 * runs it in a {@link LuaSandbox}, reads {@code Service.*} and every section, checks each entry
 * whole and the entries against each other (names unique, rings declared, one writer per ring,
 * the push configs the schedules name, and which ring each live push target follows), and reports
 * every problem of the file at once as {@code file:line: component: Key: problem}.
 *
 * <p><b>Note:</b> immutable and thread-safe; each {@link #load} uses its own sandbox. Loading runs
 * the scripts (bounded), compiles BPF filters and reads the file system, but creates, mounts and
 * starts nothing.
 */
public final class ServiceConfigLoader {
    static final List<String> GLOBAL_KEYS = List.of("Http", "StateDir", "LogDir", "LogFormat", "LogMaxSize", "LogMaxDays",
            "RingDir", "RingMount", "StopTimeout",
            "AnalyticsDir", "Ring", "Capture", "Tunnel", "Transmit", "Recorder", "Schedule", "FlowExport");
    /** Where the default ring directory is: a ramfs that serve mounts. */
    public static final String DEFAULT_RING_DIR = "/run/pushcap/ram";

    private final Path home;
    private final HostChecks host;
    private final ScriptEvaluator evaluator;

    /**
     * Scripts (this file and the push configs it names) run in child JVMs with the default budgets.
     *
     * @param home pushcap's installation directory: its {@code analytics/} is the last place loaders are looked up
     */
    public ServiceConfigLoader(Path home) {
        this(home, ScriptEvaluator.bounded());
    }

    /** Scripts run through {@code evaluator} (serve keeps one it can cancel when it stops). */
    public ServiceConfigLoader(Path home, ScriptEvaluator evaluator) {
        this(home, HostChecks.thisHost(), evaluator);
    }

    /** In this JVM, bounded only by the instruction count: for tests of validation. */
    ServiceConfigLoader(Path home, HostChecks host) {
        this(home, host, ScriptEvaluator.inProcess(LuaSandbox.DEFAULT_INSTRUCTION_LIMIT));
    }

    ServiceConfigLoader(Path home, HostChecks host, ScriptEvaluator evaluator) {
        this.home = home;
        this.host = host;
        this.evaluator = evaluator;
    }

    /**
     * @throws ConfigException with every problem of the file (and of the push configs it names), one per line
     */
    public ServiceConfig load(Path file) {
        String name = file.toString();
        byte[] bytes = LuaSandbox.read(file);
        EvaluatedScript sandbox = evaluator.evaluate(name, bytes);
        LuaValue result = sandbox.result();
        if (!result.istable()) {
            throw new ConfigException(name + ": the script must end with 'return Service' (a table), but it returned "
                    + LuaValues.describe(result));
        }
        ConfigProblems problems = new ConfigProblems(name);
        SourceLines source = new SourceLines(bytes);
        ServiceSections sections = new ServiceSections(problems, source, sandbox);
        TableReader service = new TableReader((LuaTable) result, null, problems, source, "Service.", -1, 1, -1);
        service.rejectUnknownKeys(Set.copyOf(GLOBAL_KEYS), String.join(", ", GLOBAL_KEYS));
        Globals g = globals(service);
        ServiceComponentReader reader = new ServiceComponentReader(sections, host);
        List<ServiceConfig.Ring> rings = read(sections, service, "Ring", "{ Name = \"pushcap\", Size = \"256m\" }", reader::ring);
        List<ServiceConfig.Capture> captures = read(sections, service, "Capture",
                "{ Interface = \"eth1\", Ring = \"pushcap\" }", reader::capture);
        List<ServiceConfig.Tunnel> tunnels = read(sections, service, "Tunnel",
                "{ Name = \"vx\", Encap = \"vxlan\", Ring = \"pushcap\" }", reader::tunnel);
        List<ServiceConfig.Transmit> transmits = read(sections, service, "Transmit",
                "{ Name = \"ids\", Ring = \"pushcap\", Interface = \"eth2\" }", reader::transmit);
        List<ServiceConfig.Recorder> recorders = read(sections, service, "Recorder",
                "{ Ring = \"pushcap\", Store = \"store\" }", reader::recorder);
        List<ServiceConfig.FlowExport> flows = read(sections, service, "FlowExport",
                "{ Ring = \"pushcap\", Collector = \"127.0.0.1:4739\" }", reader::flows);
        Map<String, PushConfig> pushConfigs = new LinkedHashMap<>();
        ScheduleReader schedules = new ScheduleReader(sections, g.analyticsDirs, new PushConfigLoader(evaluator), pushConfigs, reader, home);
        List<ServiceConfig.Schedule> scheduleList = read(sections, service, "Schedule",
                "{ Loader = \"push_pcap\", Config = \"etc/push_pcap.lua\", Window = \"always\" }", schedules::read);
        ServiceConfig config = new ServiceConfig(name, g.http, g.stateDir, g.logDir, g.ringDir, g.ringMount, g.stopTimeout,
                g.analyticsDirs, rings, captures, tunnels, transmits, recorders, scheduleList, flows, logFile(service));
        problems.throwIfAny();
        return config;
    }

    /** serve.log's format and rotation: LogFormat ("text" or "json"), LogMaxSize, LogMaxDays. */
    private static ServiceConfig.LogFile logFile(TableReader s) {
        String format = s.string("LogFormat");
        if (format != null && !format.equals("text") && !format.equals("json")) {
            s.error("LogFormat", "'" + format + "' (expected \"text\": one dated line per event, or \"json\": one JSON"
                    + " object per line, logback's JsonEncoder)");
        }
        long maxSize = ServiceSections.size(s, "LogMaxSize", ServiceConfig.LogFile.DEFAULT_MAX_BYTES,
                "size at which serve.log rolls over to serve.DATE.N.log.gz");
        long days = ServiceSections.integer(s, "LogMaxDays", 1, 3650, ServiceConfig.LogFile.DEFAULT_MAX_DAYS,
                "days of rolled serve logs to keep");
        return new ServiceConfig.LogFile(format == null ? "text" : format, maxSize, (int) days);
    }

    private record Globals(ServiceConfig.HostPort http, Path stateDir, Path logDir, Path ringDir, String ringMount,
                           int stopTimeout, List<Path> analyticsDirs) {
    }

    private Globals globals(TableReader s) {
        String httpText = s.string("Http");
        ServiceConfig.HostPort http = hostPort(s, httpText == null ? ServiceConfig.DEFAULT_HTTP : httpText);
        String state = s.string("StateDir");
        String log = s.string("LogDir");
        for (String[] kv : new String[][] {{"StateDir", state == null ? "var" : state}, {"LogDir", log == null ? "logs" : log}}) {
            String problem = host.unwritablePrefix(kv[1] + "/");
            if (problem != null) {
                s.error(kv[0], "'" + kv[1] + "' (" + problem + ")");
            }
        }
        String ringDir = s.string("RingDir");
        String mount = s.string("RingMount");
        if (mount != null && !mount.equals("tmpfs") && !mount.equals("ramfs") && !mount.equals("none")) {
            s.error("RingMount", "'" + mount + "' (expected \"tmpfs\": mount a tmpfs with huge pages at RingDir when it is"
                    + " not one or a ramfs already, \"ramfs\": mount a ramfs there, or \"none\": use RingDir as it is)");
        }
        int stop = (int) ServiceSections.integer(s, "StopTimeout", 1, 3600, ServiceConfig.DEFAULT_STOP_TIMEOUT_SECONDS,
                "seconds SIGTERM may take before what is left is killed");
        List<String> dirs = ServiceSections.strings(s, "AnalyticsDir", "directories of analytics loaders");
        Set<Path> analytics = new LinkedHashSet<>();
        for (String d : dirs.isEmpty() ? List.of("etc/analytics", "analytics") : dirs) {
            analytics.add(Path.of(d));
        }
        analytics.add(home.resolve("analytics"));
        return new Globals(http, Path.of(state == null ? "var" : state), Path.of(log == null ? "logs" : log),
                Path.of(ringDir == null ? DEFAULT_RING_DIR : ringDir), mount == null ? "tmpfs" : mount, stop,
                List.copyOf(analytics));
    }

    private static ServiceConfig.HostPort hostPort(TableReader s, String text) {
        int colon = text.lastIndexOf(':');
        String h = colon < 0 ? "" : text.substring(0, colon);
        String p = colon < 0 ? text : text.substring(colon + 1);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(p);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (colon < 0 || port < 0 || port > 65_535) {
            s.error("Http", "'" + text + "' (expected HOST:PORT, e.g. \"127.0.0.1:9487\"; port 0 picks a free one)");
            return null;
        }
        return new ServiceConfig.HostPort(h.isEmpty() ? "0.0.0.0" : h, port);
    }

    private static <T> List<T> read(ServiceSections sections, TableReader service, String key, String example,
                                    Function<ServiceSections.Entry, T> reader) {
        List<T> out = new ArrayList<>();
        for (ServiceSections.Entry e : sections.entries(service, key, example)) {
            T t = reader.apply(e);
            if (t != null) {
                out.add(t);
            }
        }
        return List.copyOf(out);
    }
}
