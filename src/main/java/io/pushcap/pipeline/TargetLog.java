package io.pushcap.pipeline;

import io.pushcap.internal.Redact;

import io.pushcap.config.TargetConfig;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * A target's own log, {@code logs/push_<Desc>_YYYYMMDD_HHMM}, in the appliance's format: the
 * arguments, what each means, then a progress line every 80 MB of input and at every new split:
 * {@code [0.001 H][2021-05-24 18:51:04] <file> : Total Bytes 0.080 GB Speed: 0.256Gbps : New Split}.
 * {@code push_<Desc>.cur} links to the newest one, for {@code tail -F}.
 *
 * <p><b>Note:</b> single-threaded (the target's thread). Lines are flushed as written. A log
 * that cannot be written is reported once on stderr and then ignored: logging never stops a push.
 */
public final class TargetLog implements AutoCloseable {
    public static final long PROGRESS_EVERY_BYTES = 80_000_000L;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final DateTimeFormatter FILE_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmm");

    private final BufferedWriter out;
    private final Path file;
    private final long startNanos = System.nanoTime();
    private long nextProgress = PROGRESS_EVERY_BYTES;
    private boolean failed;

    private TargetLog(Path file, BufferedWriter out) {
        this.file = file;
        this.out = out;
    }

    /** Opens a new log for {@code target} in {@code dir}. */
    public static TargetLog open(Path dir, TargetConfig target) throws IOException {
        io.pushcap.internal.IoProblems.createDirectory(dir, "--log-dir");
        String safe = fileSafe(target.desc());
        Path file = dir.resolve("push_" + safe + "_" + LocalDateTime.now().format(FILE_STAMP));
        BufferedWriter w;
        try {
            w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new io.pushcap.PushcapException(target.label() + ": --log-dir " + dir + ": cannot write " + file + ": "
                    + io.pushcap.internal.IoProblems.describe(e));
        }
        Path cur = dir.resolve("push_" + safe + ".cur");
        try {
            Files.deleteIfExists(cur);
            Files.createSymbolicLink(cur, file.getFileName());
        } catch (IOException | UnsupportedOperationException ignored) {
            // The .cur link is a convenience; the dated log is the record.
        }
        return new TargetLog(file, w);
    }

    /** Desc as it appears in file names: anything but letters, digits, '.', '-' and '_' becomes '_'. */
    public static String fileSafe(String desc) {
        return desc.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    public Path file() {
        return file;
    }

    /** The argument block and what each argument means, as the appliance prints them. */
    public void header(String uid, TargetConfig t, List<String> notes) {
        List<String> args = PushArgs.of(uid, t);
        line("args");
        args.forEach(a -> line("  " + a));
        for (String meaning : PushArgs.meanings(uid, t)) {
            line(meaning);
        }
        for (String n : notes) {
            line("note: " + n);
        }
        line("PCAP Nano");
    }

    /** A progress line, when 80 MB more input has been read or a split begins. */
    public void progress(String location, long totalBytes, boolean newSplit) {
        if (!newSplit && totalBytes < nextProgress) {
            return;
        }
        while (nextProgress <= totalBytes) {
            nextProgress += PROGRESS_EVERY_BYTES;
        }
        double hours = (System.nanoTime() - startNanos) / 3.6e12;
        double seconds = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
        double gbps = totalBytes * 8 / seconds / 1e9;
        line(String.format("[%.3f H][%s] %s : Total Bytes %.3f GB Speed: %.3fGbps%s", hours,
                LocalDateTime.now(ZoneId.systemDefault()).format(STAMP), location, totalBytes / 1e9, gbps,
                newSplit ? " : New Split" : ""));
    }

    public void line(String text) {
        if (failed) {
            return;
        }
        try {
            out.write(Redact.text(text));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            failed = true;
            System.err.println("pushcap: cannot write log " + file + ": " + e.getMessage() + " (log disabled)");
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException ignored) {
            // nothing more can be logged anyway
        }
    }
}
