package io.pushcap.config;

import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Validates {@code Service.Schedule} entries: the loader exists and can be executed, the push
 * config it names loads without a problem (every problem of that file is reported too), and the
 * timing is either a window ({@code "always"}, {@code "06:00-01:00"}, or Quartz cron
 * {@code { Start = ..., Stop = ... }}) or a one-shot ({@code Once = cron}).
 *
 * <p><b>Note:</b> not thread-safe; used by one validation. Loads each push config (which runs its
 * Lua in a sandbox and compiles its filters) but starts nothing.
 */
final class ScheduleReader {
    static final List<String> KEYS = List.of("Name", "Loader", "Config", "Window", "Once", "Offline", "Args", "Enabled");
    static final List<String> WINDOW_KEYS = List.of("Start", "Stop");
    private static final Pattern HOURS = Pattern.compile("(\\d{1,2}):(\\d{2})\\s*-\\s*(\\d{1,2}):(\\d{2})");

    private final ServiceSections sections;
    private final List<Path> analyticsDirs;
    private final PushConfigLoader pushLoader;
    /** The push config each valid schedule names, for checks across schedules. */
    private final Map<String, PushConfig> pushConfigs;
    private final ServiceComponentReader components;
    private final Path home;
    /** Desc of every target of every schedule: two schedules must not share cursors, manifests and logs. */
    private final Map<String, String> descs = new java.util.HashMap<>();

    ScheduleReader(ServiceSections sections, List<Path> analyticsDirs, PushConfigLoader pushLoader,
                   Map<String, PushConfig> pushConfigs, ServiceComponentReader components, Path home) {
        this.home = home;
        this.sections = sections;
        this.analyticsDirs = analyticsDirs;
        this.pushLoader = pushLoader;
        this.pushConfigs = pushConfigs;
        this.components = components;
    }

    /** The schedule, or null when it has a problem (reported) or is disabled ({@code Enabled = false}). */
    ServiceConfig.Schedule read(ServiceSections.Entry e) {
        int before = sections.problems().size();
        TableReader r = sections.reader(e, "schedule #" + e.index());
        String name = sections.name(r, "Loader");
        r = sections.reader(e, name == null ? "schedule #" + e.index() : "schedule '" + name + "'");
        r.rejectUnknownKeys(Set.copyOf(KEYS), String.join(", ", KEYS));
        Boolean enabled = r.bool("Enabled");
        Path loader = loader(r);
        Path config = config(r, name);
        ServiceConfig.Window window = window(r);
        String once = r.string("Once");
        if (once != null) {
            String problem = CronCheck.problem(once);
            if (problem != null) {
                r.error("Once", problem);
            }
        }
        if ((window == null) == (once == null) && sections.problems().size() == before) {
            r.error(window == null ? "Window" : "Once", window == null
                    ? "missing (when the loader runs: Window = \"always\", Window = \"06:00-01:00\", Window = { Start ="
                    + " CRON, Stop = CRON }, or Once = CRON for a one-shot)"
                    : "a schedule has either a Window or Once, not both");
        }
        List<String> offline = ServiceSections.strings(r, "Offline", "the one-shot's sources: files, directories,"
                + " capture names, or \"day\" for the day that ended");
        if (!offline.isEmpty() && once == null && window != null) {
            r.error("Offline", "only a one-shot (Once) pushes offline sources; a Window follows the live ring");
        }
        String offlineProblem = io.pushcap.schedule.OfflineSources.problem(offline);
        if (offlineProblem != null) {
            r.error("Offline", offlineProblem);
        }
        List<String> args = ServiceSections.strings(r, "Args", "extra arguments for the loader");
        components.unique(r, "schedule", name);
        PushConfig pc = name == null ? null : pushConfigs.get(name);
        if (pc != null && (enabled == null || enabled)) {
            checkTargets(r, name, pc, window != null);
        }
        if (sections.problems().size() > before || name == null || (enabled != null && !enabled)) {
            return null;
        }
        return new ServiceConfig.Schedule(name, loader, config, window, once, offline, args, e.line());
    }

    /**
     * Targets of a live push must follow a ring this service declares (or a path), and no two
     * schedules may push targets of the same Desc: they would share cursors, manifests and logs.
     */
    private void checkTargets(TableReader r, String name, PushConfig pc, boolean live) {
        for (TargetConfig t : pc.targets()) {
            String other = descs.putIfAbsent(t.desc(), name);
            if (other != null) {
                r.error("Config", pc.file() + ": " + t.label() + " is also a target of schedule '" + other
                        + "': the two would share cursors, manifest and logs (give one a different Desc)");
            }
            String src = t.source() == null || t.source().isBlank() ? ServiceConfig.DEFAULT_PUSH_RING : t.source();
            if (live && !src.contains("/") && !components.ringNames().contains(src)) {
                r.error("Config", pc.file() + ": " + t.label() + " follows ring '" + src + "' ("
                        + (t.source() == null ? "the default ring, as it sets no Source" : "its Source")
                        + "), which Service.Ring does not declare (rings: " + String.join(", ", components.ringNames())
                        + "); declare it, or set the target's Source to one of them");
            }
        }
    }

    private Path loader(TableReader r) {
        String loader = r.requiredString("Loader", "the analytics loader to run, e.g. \"push_pcap\"");
        if (loader == null) {
            return null;
        }
        if (loader.contains("/")) {
            Path p = Path.of(loader);
            if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
                r.error("Loader", "'" + loader + "' is not an executable file" + (Files.isRegularFile(p) ? " (chmod +x " + p + ")" : ""));
                return null;
            }
            return p;
        }
        List<String> known = new ArrayList<>();
        for (Path dir : analyticsDirs) {
            Path p = dir.resolve(loader);
            if (Files.isRegularFile(p)) {
                if (!Files.isExecutable(p)) {
                    r.error("Loader", "'" + loader + "': " + p + " is not executable (chmod +x " + p + ")");
                    return null;
                }
                return p;
            }
            known.addAll(list(dir));
        }
        String suggestion = Suggestions.closest(loader, known);
        r.error("Loader", "'" + loader + "': no such loader in " + analyticsDirs.stream().map(Path::toString).toList()
                + (suggestion == null ? "" : " (did you mean " + suggestion + "?)")
                + (known.isEmpty() ? "" : "; loaders there: " + String.join(", ", known.stream().distinct().sorted().toList())));
        return null;
    }

    private static List<String> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private Path config(TableReader r, String name) {
        String config = r.string("Config");
        if (config == null) {
            return null;
        }
        Path p = Path.of(config);
        if (!Files.isRegularFile(p) && !p.isAbsolute() && Files.isRegularFile(home.resolve(p))) {
            p = home.resolve(p);
        }
        if (!Files.isRegularFile(p)) {
            r.error("Config", "'" + config + "': no such push config (a push_pcap.lua file; relative paths are relative"
                    + " to the directory serve runs in, else to pushcap's directory " + home + ")");
            return null;
        }
        try {
            PushConfig pc = pushLoader.load(p);
            if (name != null) {
                pushConfigs.put(name, pc);
            }
        } catch (ConfigException e) {
            for (String problem : e.problems()) {
                r.error("Config", problem);
            }
        }
        return p;
    }

    private ServiceConfig.Window window(TableReader r) {
        LuaValue v = r.raw("Window");
        if (v.isnil()) {
            return null;
        }
        if (v.type() == LuaValue.TSTRING) {
            String text = v.tojstring().strip();
            if (text.equalsIgnoreCase("always")) {
                return ServiceConfig.Window.ALWAYS;
            }
            Matcher m = HOURS.matcher(text);
            if (m.matches()) {
                int h1 = Integer.parseInt(m.group(1));
                int m1 = Integer.parseInt(m.group(2));
                int h2 = Integer.parseInt(m.group(3));
                int m2 = Integer.parseInt(m.group(4));
                if (h1 > 23 || h2 > 23 || m1 > 59 || m2 > 59 || (h1 == h2 && m1 == m2)) {
                    r.error("Window", "'" + text + "' (expected HH:MM-HH:MM with two different times of day, e.g. \"06:00-01:00\")");
                    return null;
                }
                return new ServiceConfig.Window("0 " + m1 + " " + h1 + " * * ?", "0 " + m2 + " " + h2 + " * * ?", text);
            }
            r.error("Window", "'" + text + "' (expected \"always\", \"HH:MM-HH:MM\" such as \"06:00-01:00\", or"
                    + " { Start = CRON, Stop = CRON })");
            return null;
        }
        if (!v.istable()) {
            r.error("Window", LuaValues.show(v) + " (expected \"always\", \"HH:MM-HH:MM\" or { Start = CRON, Stop = CRON })");
            return null;
        }
        return cronWindow(r, (LuaTable) v);
    }

    private ServiceConfig.Window cronWindow(TableReader r, LuaTable t) {
        int before = sections.problems().size();
        for (org.luaj.vm2.Varargs n = t.next(LuaValue.NIL); !n.arg1().isnil(); n = t.next(n.arg1())) {
            String k = n.arg1().tojstring();
            if (!WINDOW_KEYS.contains(k)) {
                String s = Suggestions.closest(k, WINDOW_KEYS);
                r.error("Window", "unknown key " + k + (s == null ? "" : " (did you mean " + s + "?)") + "; valid keys: Start, Stop");
            }
        }
        String[] crons = new String[2];
        for (int i = 0; i < 2; i++) {
            String key = WINDOW_KEYS.get(i);
            LuaValue c = t.rawget(key);
            if (c.type() != LuaValue.TSTRING || c.tojstring().isBlank()) {
                r.error("Window", key + ": " + LuaValues.show(c) + " (expected " + CronCheck.SYNTAX + ")");
                continue;
            }
            crons[i] = c.tojstring().strip();
            String problem = CronCheck.problem(crons[i]);
            if (problem != null) {
                r.error("Window", key + ": " + problem);
            }
        }
        if (sections.problems().size() > before) {
            return null;
        }
        if (crons[0].equals(crons[1])) {
            r.error("Window", "Start and Stop are the same ('" + crons[0] + "'): the window would never be open");
            return null;
        }
        return new ServiceConfig.Window(crons[0], crons[1], "Start '" + crons[0] + "', Stop '" + crons[1] + "'");
    }
}
