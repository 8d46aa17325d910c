package io.pushcap.pipeline.retention;

import io.pushcap.config.KeepLimits;
import io.pushcap.metrics.Counter;
import io.pushcap.metrics.MetricsRegistry;
import io.pushcap.sink.Sink;
import io.pushcap.sink.StoredOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Enforces a target's {@code KeepFiles}/{@code KeepBytes} after each published split: lists the
 * target's directory in its sink (so it works the same after a restart, and counts files of
 * earlier runs), keeps only the names this target's FileName and FileSuffix produce (never a
 * {@code .pending} file, never another program's or another target's file), sorts them oldest
 * first by name, and deletes what {@link RetentionPolicy} selects. Each deletion is one line in
 * the target's log and counted; a listing or deletion that fails is counted and warned, and the
 * next published split tries again: retention never fails a push.
 *
 * <p>Counters, labelled {@code target}: {@value #DELETED_FILES}, {@value #DELETED_BYTES},
 * {@value #FAILURES}, and the gauges {@value #KEPT_FILES} and {@value #KEPT_BYTES} (what the
 * target's directory held of its files after the last enforcement).
 *
 * <p><b>Note:</b> used by the target's thread only (the counters may be read from anywhere).
 * Each call lists the directory once: a cost in the order of the number of files in it, paid
 * once per published split.
 */
public final class OutputRetention {
    public static final String DELETED_FILES = "pushcap_target_retention_deleted_files_total";
    public static final String DELETED_BYTES = "pushcap_target_retention_deleted_bytes_total";
    public static final String FAILURES = "pushcap_target_retention_failures_total";
    public static final String KEPT_FILES = "pushcap_target_retention_kept_files";
    public static final String KEPT_BYTES = "pushcap_target_retention_kept_bytes";

    private static final Logger LOG = LoggerFactory.getLogger(OutputRetention.class);

    private final String label;
    private final KeepLimits limits;
    private final Sink sink;
    private final String directory;
    private final Pattern ownNames;
    private final Comparator<StoredOutput> oldestFirst;
    private final Consumer<String> log;
    private final Counter deletedFiles;
    private final Counter deletedBytes;
    private final Counter failures;
    private final Counter keptFiles;
    private final Counter keptBytes;

    /**
     * @param label     "target 'x'" for warnings
     * @param directory the target's directory in the sink ({@code FileNameEncoder#directory()})
     * @param ownNames  the names the target writes there ({@code FileNameEncoder#ownNames()})
     * @param nameOrder oldest first ({@code FileNameEncoder#oldestFirst()})
     * @param log       the target's log, one line per deletion or failure
     */
    public OutputRetention(String label, String desc, KeepLimits limits, Sink sink, String directory, Pattern ownNames,
                           Comparator<String> nameOrder, Consumer<String> log, MetricsRegistry metrics) {
        this.label = label;
        this.limits = limits;
        this.sink = sink;
        this.directory = directory;
        this.ownNames = ownNames;
        this.oldestFirst = Comparator.comparing(StoredOutput::name, nameOrder);
        this.log = log;
        String l = MetricsRegistry.labels("target", desc);
        deletedFiles = metrics.counter(DELETED_FILES, "Published files deleted by KeepFiles/KeepBytes", l);
        deletedBytes = metrics.counter(DELETED_BYTES, "Bytes of published files deleted by KeepFiles/KeepBytes", l);
        failures = metrics.counter(FAILURES,
                "Listings or deletions of KeepFiles/KeepBytes that failed (retried after the next split)", l);
        keptFiles = metrics.settable(KEPT_FILES, "The target's files in its directory after the last retention pass", l);
        keptBytes = metrics.settable(KEPT_BYTES, "Bytes of the target's files in its directory after the last retention pass", l);
    }

    public KeepLimits limits() {
        return limits;
    }

    /** Files deleted so far; safe from any thread. */
    public long deletedFiles() {
        return deletedFiles.get();
    }

    /** Bytes of the files deleted so far; safe from any thread. */
    public long deletedBytes() {
        return deletedBytes.get();
    }

    /** The target's own files in its directory, oldest first. */
    List<StoredOutput> ownFiles() throws IOException {
        List<StoredOutput> own = new ArrayList<>();
        for (StoredOutput o : sink.list(directory)) {
            if (ownNames.matcher(o.name()).matches()) {
                own.add(o);
            }
        }
        own.sort(oldestFirst);
        return own;
    }

    /**
     * One pass: deletes the oldest files beyond the limits.
     *
     * @return the files deleted
     */
    public List<StoredOutput> enforce() {
        List<StoredOutput> own;
        try {
            own = ownFiles();
        } catch (IOException | RuntimeException e) {
            failed("cannot list " + directory + ": " + e.getMessage());
            return List.of();
        }
        List<StoredOutput> expired = RetentionPolicy.expired(own, limits);
        long files = own.size();
        long bytes = own.stream().mapToLong(StoredOutput::bytes).sum();
        List<StoredOutput> deleted = new ArrayList<>(expired.size());
        for (StoredOutput o : expired) {
            try {
                if (sink.delete(o.location())) {
                    deletedFiles.increment();
                    deletedBytes.add(o.bytes());
                    deleted.add(o);
                    log.accept("retention: deleted " + o.location() + " (" + o.bytes() + " bytes; " + limits.describe()
                            + ")");
                }
                files--;
                bytes -= o.bytes();
            } catch (IOException | RuntimeException e) {
                failed("cannot delete " + o.location() + ": " + e.getMessage());
            }
        }
        keptFiles.set(files);
        keptBytes.set(bytes);
        return deleted;
    }

    private void failed(String what) {
        failures.increment();
        log.accept("retention: " + what + " (" + limits.describe() + "; tried again after the next split)");
        LOG.warn("{}: retention: {}", label, what);
    }
}
