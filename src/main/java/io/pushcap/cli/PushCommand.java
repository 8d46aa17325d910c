package io.pushcap.cli;

import io.pushcap.internal.Redact;
import io.pushcap.pipeline.PushJob;
import io.pushcap.pipeline.RetryPolicy;
import io.pushcap.pipeline.source.FileSetSource;
import io.pushcap.PushcapException;
import io.pushcap.pipeline.source.TimeWindow;
import io.pushcap.store.CaptureChunks;
import io.pushcap.store.Store;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code pushcap push --config FILE [--force] --offline SOURCE...}: runs every target of a
 * push_pcap.lua over capture files, as the appliance's {@code push_pcap.lua --force --offline}.
 */
@Command(name = "push", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, description = {
        "Run the targets of a push_pcap.lua and publish their splits.",
        "With --offline, over capture files, directories or capture names, then exit;",
        "without, follow each target's ring or capture live until SIGTERM/SIGINT."})
final class PushCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "push config (default: ${DEFAULT-VALUE})",
            defaultValue = "${sys:pushcap.home:-.}/etc/push_pcap.lua")
    Path config;

    // 0..*: "--offline --day D" (no SOURCE: the store's captures of that day) and "--offline --day D SOURCE"
    // must parse; with 1..* picocli took --day for the missing SOURCE and refused the command line.
    @Option(names = "--offline", arity = "0..*", paramLabel = "SOURCE",
            description = "pcap/pcapng files, directories of them, or capture names of the store, pushed in time order;"
                    + " sources may also follow the other options, and --offline --day DATE alone pushes the store's"
                    + " captures of that day")
    List<Path> offline = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SOURCE", arity = "0..*", description = "more offline sources")
    List<Path> more = new ArrayList<>();

    @Option(names = "--store", paramLabel = "DIR",
            description = "capture store for SOURCE names that are captures (default $PUSHCAP_STORE, else ./store)")
    Path storeDir;

    @Option(names = "--force", description = "run now, as the appliance's --force (accepted for compatibility)")
    boolean force;

    @Option(names = "--log-dir", paramLabel = "DIR", description = "target logs and status file (default: ${DEFAULT-VALUE})",
            defaultValue = "${env:PUSHCAP_LOG_DIR:-${sys:pushcap.home:-.}/logs}")
    Path logDir;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "manifests, cursors and target locks (default: ${DEFAULT-VALUE})",
            defaultValue = "${env:PUSHCAP_STATE_DIR:-${sys:pushcap.home:-.}/var}")
    Path stateDir;

    @Option(names = "--max-retries", paramLabel = "N", description = "give up a split after N failed attempts (0: never)")
    int maxRetries;

    @Option(names = "--stuck-after", paramLabel = "SECONDS", defaultValue = "60",
            description = "report a target stuck after retrying this long (default: ${DEFAULT-VALUE})")
    long stuckAfterSeconds;

    @Option(names = "--no-progress", description = "plain progress lines even on a terminal")
    boolean noProgress;

    @Option(names = "--from", paramLabel = "TIME", description = "offline: only packets from TIME (epoch seconds, "
            + "2021-05-24T06:00 local, or ISO with offset)")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "offline: only packets before TIME")
    String to;

    @Option(names = "--day", paramLabel = "DATE", description = "offline: only packets of that local day (yyyy-MM-dd or "
            + "yyyyMMdd); without SOURCE, every capture of the store that holds packets of it (end-of-day pushes)")
    String day;

    private TimeWindow window() {
        ZoneId zone = ZoneId.systemDefault();
        if (day != null) {
            if (from != null || to != null) {
                throw new PushcapException("--day '" + day + "' and --from/--to are both set (expected one of them)");
            }
            try {
                String d = day.strip();
                return TimeWindow.day(d.matches("\\d{8}") ? LocalDate.parse(d, DateTimeFormatter.BASIC_ISO_DATE)
                        : LocalDate.parse(d), zone);
            } catch (DateTimeParseException e) {
                throw new PushcapException("--day '" + day + "' (expected a date such as 2021-05-24 or 20210524)");
            }
        }
        long f = from == null ? Long.MIN_VALUE : TimeWindow.parse("--from", from, zone);
        long t = to == null ? Long.MAX_VALUE : TimeWindow.parse("--to", to, zone);
        return new TimeWindow(f, t);
    }

    /** Every capture of the store with chunks in {@code w}, for --day/--from without sources. */
    private static List<Path> capturesIn(Store store, TimeWindow w) throws java.io.IOException {
        List<Path> names = new ArrayList<>();
        for (var c : store.captures()) {
            if (!CaptureChunks.between(store, c.name(), w.fromNanos(), w.toNanos()).isEmpty()) {
                names.add(Path.of(c.name()));
            }
        }
        if (names.isEmpty()) {
            throw new PushcapException("no capture in " + store.dir() + " holds packets of the requested time range");
        }
        return names;
    }

    @Override
    public Integer call() throws Exception {
        List<Path> sources = new ArrayList<>(offline);
        sources.addAll(more);
        TimeWindow window = window();
        boolean offlineGiven = spec != null && spec.commandLine().getParseResult().hasMatchedOption("--offline");
        if (offlineGiven && sources.isEmpty() && window.all()) {
            throw new PushcapException("--offline needs SOURCE... (capture files, directories or capture names) or a time"
                    + " range (--day DATE, --from/--to) to push the store's captures of");
        }
        if (sources.isEmpty() && !window.all()) {
            sources = capturesIn(Store.at(Store.resolve(storeDir)), window);
        }
        boolean kafka = sources.stream().anyMatch(p -> io.pushcap.kafka.KafkaLocation.looksLike(p.toString()));
        if (kafka) {
            if (sources.size() != 1 || !window.all()) {
                throw new PushcapException("--offline kafka://HOST:PORT/TOPIC reads one topic, alone: give no other"
                        + " source and no --from/--to/--day (got " + sources + ")");
            }
            // Checks the syntax now (a usage error), keeping kafka://; the topic is read by the job.
            sources = List.of(Path.of(io.pushcap.kafka.KafkaLocation.parse(sources.get(0).toString()).toString()));
        } else if (!sources.isEmpty()) {
            // Capture names resolve against --store here; PushJob sees chunk files only.
            sources = FileSetSource.expand(sources, Store.resolve(storeDir), window);
        } else if (!window.all()) {
            throw new PushcapException("--from/--to/--day limit an offline push; give --offline SOURCE...");
        }
        RetryPolicy retry = new RetryPolicy(RetryPolicy.DEFAULT.initialMillis(), RetryPolicy.DEFAULT.maxMillis(), maxRetries);
        String loader = System.getenv("PUSHCAP_LOADER");
        PushJob job = new PushJob(new PushJob.Options(config, sources, logDir, stateDir, Path.of("").toAbsolutePath(),
                System.console() != null && !noProgress, retry, stuckAfterSeconds * 1000, 15_000,
                loader == null || loader.isBlank() ? null : loader), Redact.lines(System.err));
        job.window(window);
        Signals.onTerminate(job::requestStop);
        ServiceLink link = ServiceLink.fromEnvironment(job);
        try {
            return job.run();
        } finally {
            link.close();
        }
    }
}
