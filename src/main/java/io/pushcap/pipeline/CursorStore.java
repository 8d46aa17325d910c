package io.pushcap.pipeline;

import io.pushcap.internal.Json;
import io.pushcap.PushcapException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Saves and loads a target's {@link Cursor} as a small JSON file, atomically: written to
 * {@code <file>.pending}, fsynced, renamed over the old one, directory fsynced. A crash leaves
 * either the old cursor or the new one, never a torn file.
 *
 * <p><b>Note:</b> single-threaded per file. A cursor that cannot be parsed is an error naming the
 * file, not a silent restart from scratch.
 */
public final class CursorStore {
    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\"\\s*:\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|-?\\d+)");

    private final Path file;

    public CursorStore(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    public void save(Cursor c) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        String json = "{\"version\":1,\"source\":" + Json.quote(c.source()) + ",\"major\":" + c.position().major()
                + ",\"minor\":" + c.position().minor() + ",\"ts\":" + c.position().timestampNanos()
                + ",\"last_name\":" + Json.quote(c.lastName() == null ? "" : c.lastName()) + "}\n";
        Path tmp = file.resolveSibling(file.getFileName() + ".pending");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        fsyncDirectory(file.toAbsolutePath().getParent());
    }

    /** Forgets the saved position: the next start follows FollowStart again. */
    public void delete() throws IOException {
        Files.deleteIfExists(file);
    }

    /** The saved cursor, or null when none was saved yet. */
    public Cursor load() throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        }
        Map<String, String> f = new LinkedHashMap<>();
        Matcher m = FIELD.matcher(text);
        while (m.find()) {
            f.put(m.group(1), m.group(3) != null ? unescape(m.group(3)) : m.group(2));
        }
        if (!"1".equals(f.get("version")) || !f.containsKey("major") || !f.containsKey("minor")) {
            throw new PushcapException(file + ": not a pushcap cursor (version 1 with major/minor expected): " + text.strip());
        }
        return new Cursor(f.getOrDefault("source", ""),
                new SourcePosition(Long.parseLong(f.get("major")), Long.parseLong(f.get("minor")),
                        Long.parseLong(f.getOrDefault("ts", "0"))),
                f.getOrDefault("last_name", ""));
    }

    private static String unescape(String s) {
        return s.replace("\\\"", "\"").replace("\\n", "\n").replace("\\\\", "\\");
    }

    static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // Some file systems refuse to open directories for sync; the rename is still atomic.
        }
    }
}
