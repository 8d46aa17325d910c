package io.pushcap.pipeline;

import io.pushcap.metrics.MetricsRegistry;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * What a push run by {@code pushcap serve} tells the service about itself, in the directory the
 * service names in {@code $PUSHCAP_STATUS_DIR}: {@value #METRICS} (every counter of the push
 * process in the Prometheus text format, which the service merges into its {@code /metrics} with
 * a {@code schedule} label) and {@value #TARGETS} (each target's state, last file and last error,
 * for {@code /status}). Both are rewritten every second and once more when the push ends.
 *
 * <p>Format of {@value #TARGETS}: a Java properties file: {@code pid}, {@code updated_ms},
 * {@code targets} (count), then per target {@code i} (from 0) {@code target.i.desc},
 * {@code .state} (a {@link TargetRunner.State}), {@code .files}, {@code .read}, {@code .published},
 * {@code .filtered}, {@code .lost}, {@code .failures}, {@code .retries}, {@code .pending},
 * {@code .bytes_out}, {@code .stuck}, {@code .last_file}, {@code .last_error},
 * {@code .retention_deleted_files}, {@code .retention_deleted_bytes} (KeepFiles/KeepBytes; 0 without),
 * {@code .kafka_lag} (a Kafka group source's records not read yet, "PARTITION=N,..."; absent otherwise).
 *
 * <p><b>Note:</b> thread-safe (stateless). Files are replaced atomically (written beside, then
 * renamed), so a reader never sees half a file; write failures are ignored (the next second
 * tries again), and the push itself never depends on them.
 */
public final class JobReport {
    public static final String ENV = "PUSHCAP_STATUS_DIR";
    public static final String METRICS = "metrics.prom";
    public static final String TARGETS = "targets.properties";

    /** One target as the report shows it. */
    public record Target(String desc, String state, long files, long read, long published, long filtered, long lost,
                         long failures, long retries, long pending, long bytesOut, long bytesIn, boolean stuck, String lastFile,
                         String lastError, long retentionDeletedFiles, long retentionDeletedBytes,
                         java.util.SortedMap<Integer, Long> kafkaLag) {
    }

    /** A whole report: the push's pid, when it was written, its targets. */
    public record Snapshot(long pid, long updatedMillis, List<Target> targets) {
    }

    private JobReport() {
    }

    /** Writes both files for {@code runners} into {@code dir}. */
    public static void write(Path dir, List<TargetRunner> runners, MetricsRegistry metrics) {
        try {
            Files.createDirectories(dir);
            replace(dir.resolve(METRICS), metrics.prometheus());
            replace(dir.resolve(TARGETS), targets(runners));
        } catch (IOException e) {
            // the service shows the last report it could read; the push goes on regardless
        }
    }

    private static String targets(List<TargetRunner> runners) throws IOException {
        Properties p = new Properties();
        p.setProperty("pid", Long.toString(ProcessHandle.current().pid()));
        p.setProperty("updated_ms", Long.toString(System.currentTimeMillis()));
        p.setProperty("targets", Integer.toString(runners.size()));
        for (int i = 0; i < runners.size(); i++) {
            TargetRunner r = runners.get(i);
            TargetCounters c = r.counters();
            String k = "target." + i + ".";
            p.setProperty(k + "desc", r.config().desc());
            p.setProperty(k + "state", r.state().name());
            p.setProperty(k + "files", Long.toString(c.files.get()));
            p.setProperty(k + "read", Long.toString(c.read.get()));
            p.setProperty(k + "published", Long.toString(c.published.get()));
            p.setProperty(k + "filtered", Long.toString(c.filtered.get()));
            p.setProperty(k + "lost", Long.toString(c.lost.get()));
            p.setProperty(k + "failures", Long.toString(c.failures.get()));
            p.setProperty(k + "retries", Long.toString(c.retries.get()));
            p.setProperty(k + "pending", Long.toString(c.pending.get()));
            p.setProperty(k + "bytes_out", Long.toString(c.bytesOut.get()));
            p.setProperty(k + "bytes_in", Long.toString(c.bytesIn.get()));
            p.setProperty(k + "stuck", Boolean.toString(r.stuck()));
            p.setProperty(k + "last_file", r.lastFile());
            p.setProperty(k + "last_error", r.lastError());
            p.setProperty(k + "retention_deleted_files", Long.toString(r.retentionDeletedFiles()));
            p.setProperty(k + "retention_deleted_bytes", Long.toString(r.retentionDeletedBytes()));
            java.util.SortedMap<Integer, Long> lag = r.partitionLag();
            if (!lag.isEmpty()) {
                StringBuilder b = new StringBuilder();
                lag.forEach((part, n) -> b.append(b.isEmpty() ? "" : ",").append(part).append('=').append(n));
                p.setProperty(k + "kafka_lag", b.toString());
            }
        }
        StringWriter w = new StringWriter();
        p.store(w, "pushcap push report (see io.pushcap.pipeline.JobReport)");
        return w.toString();
    }

    private static void replace(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".pending");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The last metrics text a push wrote in {@code dir}, or "" when there is none. */
    public static String metrics(Path dir) {
        try {
            return Files.readString(dir.resolve(METRICS), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            return "";
        }
    }

    /** The last target report in {@code dir}, or null when there is none (or it cannot be read). */
    public static Snapshot read(Path dir) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(dir.resolve(TARGETS), StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
        int n = (int) number(p, "targets");
        List<Target> targets = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String k = "target." + i + ".";
            targets.add(new Target(p.getProperty(k + "desc", ""), p.getProperty(k + "state", ""), number(p, k + "files"),
                    number(p, k + "read"), number(p, k + "published"), number(p, k + "filtered"), number(p, k + "lost"),
                    number(p, k + "failures"), number(p, k + "retries"), number(p, k + "pending"),
                    number(p, k + "bytes_out"), number(p, k + "bytes_in"), Boolean.parseBoolean(p.getProperty(k + "stuck")),
                    p.getProperty(k + "last_file", ""), p.getProperty(k + "last_error", ""),
                    number(p, k + "retention_deleted_files"), number(p, k + "retention_deleted_bytes"),
                    partitionLag(p.getProperty(k + "kafka_lag", ""))));
        }
        return new Snapshot(number(p, "pid"), number(p, "updated_ms"), List.copyOf(targets));
    }

    /** "0=12,1=0" as written above; a malformed entry is skipped (the report is advisory). */
    static java.util.SortedMap<Integer, Long> partitionLag(String text) {
        java.util.SortedMap<Integer, Long> m = new java.util.TreeMap<>();
        for (String entry : text.split(",")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                try {
                    m.put(Integer.parseInt(entry.substring(0, eq).strip()), Long.parseLong(entry.substring(eq + 1).strip()));
                } catch (NumberFormatException e) {
                    // skipped
                }
            }
        }
        return m;
    }

    private static long number(Properties p, String key) {
        try {
            return Long.parseLong(p.getProperty(key, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
