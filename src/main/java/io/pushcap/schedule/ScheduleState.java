package io.pushcap.schedule;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * What a one-shot schedule remembers across service restarts, in
 * {@code <StateDir>/schedule/<name>.last}: the scheduled fire time (epoch milliseconds, one line)
 * of the last run that finished, or, before the first run, when the service first knew the
 * schedule. On start, fire times after it that have already passed were missed while the service
 * was down (see docs/service.md, "Missed runs").
 *
 * <p><b>Note:</b> not thread-safe; one schedule's thread uses it. Saved atomically (written
 * beside, fsynced, renamed).
 */
public final class ScheduleState {
    private final Path file;

    public ScheduleState(Path stateDir, String schedule) {
        this.file = stateDir.resolve("schedule").resolve(schedule + ".last");
    }

    public Path file() {
        return file;
    }

    /** The remembered fire time, or null when there is none (or it cannot be read). */
    public Instant load() {
        try {
            return Instant.ofEpochMilli(Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).strip()));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    public void save(Instant fire) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".pending");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap((fire.toEpochMilli() + "\n").getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
