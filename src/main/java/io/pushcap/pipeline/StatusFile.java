package io.pushcap.pipeline;

import io.pushcap.internal.Redact;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * {@code logs/analytics_<loader>.cur}: the appliance's status file, one line per target every
 * 15 s, {@code [Sat May 29 15:36:46 2021] push [pcap-all    : stream_cat:true split:true]},
 * where stream_cat says the source is being read and split that files are being written.
 *
 * <p><b>Note:</b> thread-safe (synchronized appends); write failures are reported once, then ignored.
 */
public final class StatusFile {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss yyyy", Locale.ROOT);

    private final Path file;
    private boolean failed;

    public StatusFile(Path logDir, String loader) throws IOException {
        io.pushcap.internal.IoProblems.createDirectory(logDir, "--log-dir");
        this.file = logDir.resolve("analytics_" + loader + ".cur");
    }

    public Path file() {
        return file;
    }

    public void target(TargetRunner r) {
        boolean reading = r.state() == TargetRunner.State.RUNNING || r.state() == TargetRunner.State.RETRYING;
        boolean splitting = r.state() == TargetRunner.State.RUNNING;
        StringBuilder s = new StringBuilder(String.format("push [%-40s : stream_cat:%s split:%s]", r.config().desc(),
                reading, splitting));
        if (r.state() == TargetRunner.State.RETRYING) {
            s.append(r.stuck() ? " STUCK: " : " retrying: ").append(r.lastError());
        } else if (r.state() == TargetRunner.State.FAILED) {
            s.append(" FAILED: ").append(r.lastError());
        }
        line(s.toString());
    }

    public synchronized void line(String text) {
        if (failed) {
            return;
        }
        String stamped = "[" + ZonedDateTime.now().format(STAMP) + "] " + Redact.text(text) + "\n";
        try {
            Files.writeString(file, stamped, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            failed = true;
            System.err.println("pushcap: cannot write " + file + ": " + e.getMessage() + " (status lines disabled)");
        }
    }
}
