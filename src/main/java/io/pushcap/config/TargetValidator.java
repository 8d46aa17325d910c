package io.pushcap.config;

import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Validates the targets of one push_pcap.lua, one table at a time, into {@link TargetConfig}s:
 * every key's type and value, what each Mode requires or cannot use, the host (programs on PATH,
 * writable directories, CPUs, BPF filters compiled by libpcap), and clashes between targets
 * (the same Desc, or two targets writing the same file names). Every problem goes to
 * {@link ConfigProblems}; a target with any problem yields null.
 *
 * <p><b>Note:</b> not thread-safe: one instance validates the targets of one file, in order, and
 * remembers them to find clashes.
 */
final class TargetValidator {
    static final List<String> SEED_KEYS = List.of("Desc", "Mode", "Path", "Split", "SplitCmd", "FileName", "FilterBPF",
            "Decap", "PipeCmd", "FileSuffix", "Chunked", "FollowStart", "CPU", "StreamCat", "FilterFrame", "ScriptNew");
    static final List<String> PUSHCAP_KEYS = List.of("Compress", "WriteDecap", "Source", "MaxMbps", "TimeoutRing",
            "RetryMax", "RetryFor", "PipeTimeout", "ScriptTimeout", "Format", "Digest", "KeepFiles", "KeepBytes", "Group",
            "KafkaConsumer");
    static final Set<String> ALL_KEYS = Collections.unmodifiableSet(new LinkedHashSet<>(
            Stream.of(SEED_KEYS, PUSHCAP_KEYS, ModeOptions.S3_KEYS, ModeOptions.TAP_KEYS, ModeOptions.RCLONE_KEYS,
                    ModeOptions.KAFKA_KEYS).flatMap(List::stream).toList()));
    static final String VALID_KEYS = String.join(", ", SEED_KEYS) + "; pushcap: " + String.join(", ", PUSHCAP_KEYS)
            + "; Mode S3: " + String.join(", ", ModeOptions.S3_KEYS) + "; Mode TAP: " + String.join(", ", ModeOptions.TAP_KEYS)
            + "; Mode RCLONE: " + String.join(", ", ModeOptions.RCLONE_KEYS)
            + "; Mode KAFKA: " + String.join(", ", ModeOptions.KAFKA_KEYS);

    /** Modes whose output is a series of files, cut by Split and named by FileName. */
    static final Set<Mode> FILE_MODES = EnumSet.of(Mode.FILE, Mode.RCLONE, Mode.CURL, Mode.S3);
    /** Keys that only make sense for file modes; a stream mode (LXC, TAP, KAFKA) refuses them. */
    private static final List<String> FILE_ONLY_KEYS = List.of("Split", "FileName", "FileSuffix", "PipeCmd", "Compress", "ScriptNew", "Format",
            "Digest", "KeepFiles", "KeepBytes");
    /** kafka://HOST:PORT[,HOST:PORT]/TOPIC, the topic in Kafka's legal characters. */
    static final String KAFKA_PATH = "kafka://[^/,:\\s]+:\\d{1,5}(,[^/,:\\s]+:\\d{1,5})*/[a-zA-Z0-9._-]{1,249}";
    private static final String DEFAULT_SUFFIX = ".pcap";
    private static final String PCAPNG_SUFFIX = ".pcapng";
    private static final java.util.regex.Pattern PCAPNG_NAME =
            java.util.regex.Pattern.compile("(^|\\.)pcapng(\\.|$)", java.util.regex.Pattern.CASE_INSENSITIVE);

    private final ConfigProblems problems;
    private final SourceLines source;
    private final HostChecks host;
    private final ConfigDefaults defaults;
    private final TargetClashes clashes = new TargetClashes();

    TargetValidator(ConfigProblems problems, SourceLines source, HostChecks host, ConfigDefaults defaults) {
        this.problems = problems;
        this.source = source;
        this.host = host;
        this.defaults = defaults;
    }

    /**
     * @param index    1-based position in Config.Target, for messages when Desc is unusable
     * @param line     line of the table.insert that added the table, or -1
     * @param nextLine line of the next target, where key lookups stop, or -1
     */
    TargetConfig validate(LuaTable table, int index, int line, int nextLine) {
        int before = problems.size();
        TableReader anonymous = new TableReader(table, "target #" + index, problems, source, "", line, line, nextLine);
        String desc = readDesc(anonymous);
        int targetLine = line > 0 || desc == null ? line : source.descLine(desc);
        TableReader r = new TableReader(table, desc == null ? "target #" + index : "target '" + desc + "'",
                problems, source, "", targetLine, targetLine, nextLine);
        r.rejectUnknownKeys(ALL_KEYS, VALID_KEYS);
        if (desc != null) {
            clashes.checkDesc(r, desc, targetLine);
        }
        Draft d = new Draft();
        d.desc = desc;
        d.line = targetLine;
        readMode(r, d);
        readPath(r, d);
        readSplitAndName(r, d);
        d.filterBpf = readFilter(r, "FilterBPF");
        d.filterFrame = readFilter(r, "FilterFrame");
        readDecap(r, d);
        readCompression(r, d);
        readSeedOptions(r, d);
        readPushcapOptions(r, d);
        d.options.putAll(ModeOptions.read(r, d.mode));
        if (problems.size() != before) {
            return null;
        }
        TargetConfig t = d.build(problems.file());
        return clashes.checkOutput(r, t) ? t : null;
    }

    private String readDesc(TableReader r) {
        String desc = r.requiredString("Desc", "every target needs a Desc: it names the target's log files");
        if (desc == null) {
            return null;
        }
        String problem = DescNames.problem(desc);
        if (problem != null) {
            r.error("Desc", problem);
            return null;
        }
        return desc;
    }

    private void readMode(TableReader r, Draft d) {
        String mode = r.string("Mode");
        try {
            d.mode = mode == null ? Mode.FILE : Mode.parse(mode);
        } catch (IllegalArgumentException e) {
            r.error("Mode", e.getMessage());
            return;
        }
        if (d.mode == Mode.RCLONE) {
            String missing = host.missingProgram("rclone");
            if (missing != null) {
                r.error("Mode", "'" + mode + "' needs the rclone program: " + missing);
            }
        }
    }

    private void readPath(TableReader r, Draft d) {
        d.path = r.requiredString("Path", "where the output goes: a file prefix, URL or ring");
        if (d.path == null || d.mode == null) {
            return;
        }
        String problem = switch (d.mode) {
            case FILE -> host.unwritablePrefix(d.path);
            case CURL -> d.path.matches("(?i)ftps?://[^/]+.*") ? null
                    : "Mode CURL pushes over FTP: expected ftp://[user[:pass]@]host[:port]/prefix";
            case S3 -> d.path.matches("s3://[^/]+(/.*)?") ? null : "Mode S3 expected s3://bucket/prefix";
            case KAFKA -> d.path.matches(KAFKA_PATH) ? null
                    : "Mode KAFKA expected kafka://HOST:PORT[,HOST:PORT...]/TOPIC";
            default -> null;
        };
        if (problem != null) {
            r.error("Path", "'" + d.path + "': " + problem);
        }
    }

    private void readSplitAndName(TableReader r, Draft d) {
        if (d.mode == null) {
            return;
        }
        if (!FILE_MODES.contains(d.mode)) {
            refuseFileOnlyKeys(r, d.mode);
            d.split = SplitRule.NONE;
            return;
        }
        String split = r.requiredString("Split", "Mode " + d.mode + " writes files and needs " + SplitParser.FORMS);
        if (split != null) {
            try {
                d.split = SplitParser.parse(split);
            } catch (IllegalArgumentException e) {
                r.error("Split", e.getMessage());
            }
        }
        String name = r.requiredString("FileName", "Mode " + d.mode + " writes files and needs a name format, one of "
                + FileNameFormat.valid());
        if (name != null) {
            try {
                d.fileName = FileNameFormat.parse(name);
            } catch (IllegalArgumentException e) {
                r.error("FileName", e.getMessage());
            }
        }
        checkNameResolution(r, d);
    }

    /** Two time splits must never get the same name: the split must be at least the name's resolution. */
    private void checkNameResolution(TableReader r, Draft d) {
        if (d.split == null || d.fileName == null || d.split.kind() != SplitRule.Kind.TIME) {
            return;
        }
        long resolution = SplitParser.resolutionNanos(d.fileName);
        if (d.split.value() < resolution) {
            r.error("Split", "'" + r.string("Split") + "' is shorter than the " + SplitParser.humanTime(resolution)
                    + " resolution of FileName " + d.fileName.option() + ", so two splits would get the same name"
                    + " (use --filename-tstr-HHMMSS_SUB or a split of at least " + SplitParser.humanTime(resolution) + ")");
        }
    }

    private void refuseFileOnlyKeys(TableReader r, Mode mode) {
        for (String key : FILE_ONLY_KEYS) {
            if (r.has(key)) {
                r.error(key, "not used by Mode " + mode + ", which sends one continuous stream, not files; remove it");
            }
        }
    }

    private String readFilter(TableReader r, String key) {
        String expression = r.string(key);
        if (expression == null || expression.isBlank()) {
            return null;
        }
        String problem = host.bpfProblem(expression);
        if (problem != null) {
            r.error(key, "'" + expression + "' (" + problem + ")");
            return null;
        }
        return expression.strip();
    }

    private void readDecap(TableReader r, Draft d) {
        Boolean decap = r.bool("Decap");
        d.decap = decap == null ? defaults.decap() : decap;
        Boolean write = r.bool("WriteDecap");
        d.writeDecap = write != null && write;
        if (d.writeDecap && !d.decap) {
            r.error("WriteDecap", "true needs Decap = true (only a decapsulated frame can be written; "
                    + (decap == null ? "Config.Decap is false" : "this target sets Decap = false") + ")");
        }
    }

    private void readCompression(TableReader r, Draft d) {
        if (d.mode != null && !FILE_MODES.contains(d.mode)) {
            d.fileSuffix = DEFAULT_SUFFIX;
            return;
        }
        d.pipeCmd = program(r, "PipeCmd");
        String compress = r.string("Compress");
        CompressSpec spec = null;
        if (compress != null) {
            try {
                spec = CompressSpec.parse(compress);
                d.compress = spec.toString();
            } catch (IllegalArgumentException e) {
                r.error("Compress", e.getMessage());
            }
        }
        if (compress != null && d.pipeCmd != null) {
            r.error("Compress", "'" + compress + "' and PipeCmd '" + d.pipeCmd + "' are both set; choose one"
                    + " (Compress compresses in process, PipeCmd runs an external program)");
        }
        String suffix = r.string("FileSuffix");
        if (suffix != null && !suffix.matches("[^/\\s\\p{Cntrl}]+")) {
            r.error("FileSuffix", "'" + suffix + "' (a file name ending: no '/', spaces or control characters)");
        }
        boolean pcapng = readFormat(r, suffix);
        String base = pcapng ? PCAPNG_SUFFIX : DEFAULT_SUFFIX;
        d.fileSuffix = suffix != null ? suffix : spec != null ? base + spec.suffix() : base;
        if (pcapng) {
            d.options.put(TargetConfig.FORMAT_KEY, TargetConfig.FORMAT_PCAPNG);
        }
        if (!readDigest(r)) {
            d.options.put(TargetConfig.DIGEST_KEY, TargetConfig.DIGEST_NONE);
        }
        d.scriptNew = program(r, "ScriptNew");
    }

    /**
     * The output format: {@code Format = "pcap"|"pcapng"} when set, else pcapng when FileSuffix
     * names it (".pcapng", ".pcapng.zst"), else pcap. pcapng keeps every interface and link type.
     */
    private static boolean readFormat(TableReader r, String suffix) {
        String format = r.string("Format");
        if (format != null) {
            String f = format.strip().toLowerCase(java.util.Locale.ROOT);
            if (!f.equals("pcap") && !f.equals(TargetConfig.FORMAT_PCAPNG)) {
                r.error("Format", "'" + format + "' (expected \"pcap\" or \"pcapng\"; pcapng keeps packets of every"
                        + " link type and interface)");
                return false;
            }
            return f.equals(TargetConfig.FORMAT_PCAPNG);
        }
        return suffix != null && PCAPNG_NAME.matcher(suffix).find();
    }

    /**
     * The manifest's digest of each published file: {@code Digest = "sha256"} (the default) or
     * {@code "none"}, which saves hashing every output byte (about 1.2 GB/s per core here).
     *
     * @return false for "none"
     */
    private static boolean readDigest(TableReader r) {
        String digest = r.string(TargetConfig.DIGEST_KEY);
        if (digest == null) {
            return true;
        }
        String c = digest.strip().toLowerCase(java.util.Locale.ROOT);
        if (!c.equals("sha256") && !c.equals(TargetConfig.DIGEST_NONE)) {
            r.error(TargetConfig.DIGEST_KEY, "'" + digest + "' (expected \"sha256\", the default, or \"none\":"
                    + " no digest in the manifest, and no hashing of the output)");
            return true;
        }
        return c.equals("sha256");
    }

    /** A command line whose program must exist, stripped of surrounding blanks (" gzip -c "). */
    private String program(TableReader r, String key) {
        String command = r.string(key);
        if (command == null || command.isBlank()) {
            return null;
        }
        String missing = host.missingProgram(command);
        if (missing != null) {
            r.error(key, "'" + command + "': " + missing);
        }
        return command.strip();
    }

    private void readSeedOptions(TableReader r, Draft d) {
        String splitCmd = r.string("SplitCmd");
        d.splitCmd = splitCmd == null || splitCmd.isBlank() ? null : splitCmd.strip();
        d.chunked = Boolean.TRUE.equals(r.bool("Chunked"));
        Boolean follow = r.bool("FollowStart");
        d.followStart = follow == null ? defaults.followStart() : follow;
        Long cpu = r.integer("CPU", 0, host.cpus() - 1L, "a CPU of this host, which has " + host.cpus() + " (0 to "
                + (host.cpus() - 1) + ")");
        d.cpu = cpu == null ? -1 : cpu.intValue();
        String streamCat = r.string("StreamCat");
        if (streamCat != null && !streamCat.isBlank()) {
            if (streamCat.strip().equals("--ring-timeout-exit")) {
                d.ringTimeoutExit = true;
            } else {
                r.error("StreamCat", "'" + streamCat + "' (pushcap understands only \"--ring-timeout-exit \": end the"
                        + " push when its consumer stalls, to be restarted from the current time)");
            }
        }
    }

    private void readPushcapOptions(TableReader r, Draft d) {
        String src = r.string("Source");
        d.source = src != null ? src : defaults.source();
        String group = r.string("Group");
        boolean kafka = d.source != null && d.source.startsWith("kafka:");
        if (kafka && !d.source.matches(KAFKA_PATH)) {
            r.error("Source", "'" + d.source + "' (expected kafka://HOST:PORT[,HOST:PORT...]/TOPIC)");
        } else if (kafka && group == null) {
            r.error("Source", "'" + d.source + "' is a Kafka topic: set Group = \"NAME\", the consumer group whose"
                    + " members share its partitions");
        }
        if (group != null && !kafka) {
            r.error("Group", "only used with Source = \"kafka://HOST:PORT/TOPIC\" (this target's Source is "
                    + (d.source == null ? "the default ring" : "'" + d.source + "'") + ")");
        } else if (group != null && !group.matches("[A-Za-z0-9._-]{1,200}")) {
            r.error("Group", "'" + group + "' (expected a consumer group name of letters, digits, '.', '_', '-')");
        } else if (group != null) {
            d.options.put(TargetConfig.GROUP_KEY, group);
        }
        if (r.has("KafkaConsumer") && d.source != null && !kafka) {
            r.error("KafkaConsumer", "only used when the target reads a Kafka topic (Source = \"kafka://HOST:PORT/TOPIC\","
                    + " or push --offline kafka://...); this target's Source is '" + d.source + "'");
        } else {
            ModeOptions.consumerSettings(r, d.options);
        }
        Double mbps = r.number("MaxMbps", 0, "a bandwidth cap in Mbit/s, 0 for none");
        d.maxMbps = mbps == null ? 0 : mbps;
        Long timeout = r.integer("TimeoutRing", 0, Long.MAX_VALUE, "nanoseconds, e.g. 5*60e9");
        d.timeoutRingNanos = timeout == null ? defaults.timeoutRingNanos() : timeout;
        if (d.ringTimeoutExit && d.timeoutRingNanos == 0) {
            r.error("StreamCat", "'--ring-timeout-exit ' needs a ring timeout: set Config.TimeoutRing or TimeoutRing"
                    + " (nanoseconds, e.g. 5*60e9)");
        }
        readRetryBudget(r, d);
        readKeep(r, d);
    }

    /**
     * KeepFiles (a whole number of files, at least 1) and KeepBytes (bytes, or a size such as
     * "10GB" as Split accepts). Every file Mode can list and delete what it published; the stream
     * modes (LXC, TAP) refuse both keys with the other file-only keys.
     */
    private void readKeep(TableReader r, Draft d) {
        if (d.mode == null || !FILE_MODES.contains(d.mode)) {
            return;
        }
        Long files = r.integer("KeepFiles", 1, Integer.MAX_VALUE, "the newest published files this target keeps;"
                + " older ones are deleted");
        long bytes = keepBytes(r);
        d.keep = new KeepLimits(files == null ? 0 : files, bytes);
    }

    /** KeepBytes: a whole number of bytes (1e10) or a size ("10GB", "500MiB"); 0 when absent or wrong. */
    private static long keepBytes(TableReader r) {
        LuaValue v = r.raw("KeepBytes");
        if (v.isnil()) {
            return 0;
        }
        String expected = " (expected a whole number of bytes such as 1e10, or a size such as \"10GB\" or \"500MiB\":"
                + " B, kB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024), at least 1 byte; the"
                + " newest published files whose sizes add up to at most this are kept, older ones are deleted)";
        java.util.OptionalLong n = switch (v.type()) {
            case LuaValue.TNUMBER -> LuaValues.wholeNumber(v);
            case LuaValue.TSTRING -> SplitParser.parseSize(v.tojstring().strip());
            default -> java.util.OptionalLong.empty();
        };
        if (n.isEmpty() || n.getAsLong() < 1) {
            r.error("KeepBytes", LuaValues.show(v) + expected);
            return 0;
        }
        return n.getAsLong();
    }

    /** RetryMax, RetryFor and the timeouts of one attempt; absent keys keep {@link RetryBudget#DEFAULT}. */
    private void readRetryBudget(TableReader r, Draft d) {
        RetryBudget def = RetryBudget.DEFAULT;
        Long max = r.integer("RetryMax", 0, 1_000_000, "failed attempts in a row before an offline push gives the"
                + " target up, 0 for no limit");
        long forMillis = duration(r, "RetryFor", def.forMillis(), true,
                "how long an offline push retries a failing target");
        long pipe = duration(r, "PipeTimeout", def.pipeMillis(), false, "kill a PipeCmd that makes no progress this long");
        long script = duration(r, "ScriptTimeout", def.scriptMillis(), false, "kill a ScriptNew run that lasts longer");
        d.retry = new RetryBudget(max == null ? def.maxAttempts() : max.intValue(), forMillis, pipe, script);
    }

    /**
     * A duration key: a number of seconds (120) or a string with a unit ("2m", "120s", "500ms",
     * "1h"). Returns milliseconds, {@code fallback} when absent; reports anything else.
     */
    private static long duration(TableReader r, String key, long fallback, boolean zeroAllowed, String meaning) {
        LuaValue v = r.raw(key);
        if (v.isnil() || (v.type() == LuaValue.TSTRING && v.tojstring().isBlank())) {
            return fallback;
        }
        String expected = " (expected a duration: seconds as a number such as 120, or a string such as \"2m\", "
                + "\"120s\", \"500ms\" or \"1h\"" + (zeroAllowed ? "; 0 for no limit" : "") + ": " + meaning + ")";
        long ms;
        if (v.type() == LuaValue.TNUMBER) {
            double s = v.todouble();
            ms = Double.isNaN(s) || Double.isInfinite(s) || s < 0 || s > 1e12 ? -1 : Math.round(s * 1000);
        } else if (v.type() == LuaValue.TSTRING) {
            ms = RetryBudget.parseMillis(v.tojstring());
        } else {
            r.error(key, LuaValues.show(v) + expected + "; got " + LuaValues.article(v.typename()));
            return fallback;
        }
        if (ms < 0 || (ms == 0 && !zeroAllowed)) {
            r.error(key, LuaValues.show(v) + expected);
            return fallback;
        }
        return ms;
    }

    /** The fields of a target as they are read, before they become a record. */
    private static final class Draft {
        String desc;
        int line;
        Mode mode;
        String path;
        SplitRule split;
        String splitCmd;
        FileNameFormat fileName;
        String filterBpf;
        boolean decap;
        boolean writeDecap;
        String pipeCmd;
        String compress;
        String fileSuffix;
        boolean chunked;
        boolean followStart;
        int cpu;
        boolean ringTimeoutExit;
        String filterFrame;
        String scriptNew;
        String source;
        long timeoutRingNanos;
        double maxMbps;
        RetryBudget retry = RetryBudget.DEFAULT;
        KeepLimits keep = KeepLimits.NONE;
        final Map<String, String> options = new TreeMap<>();

        TargetConfig build(String file) {
            return new TargetConfig(desc, mode, path, split, splitCmd, fileName, filterBpf, decap, writeDecap, pipeCmd,
                    compress, fileSuffix, chunked, followStart, cpu, ringTimeoutExit, filterFrame, scriptNew, source,
                    timeoutRingNanos, maxMbps, Collections.unmodifiableMap(options), file, line, retry, keep);
        }
    }
}
