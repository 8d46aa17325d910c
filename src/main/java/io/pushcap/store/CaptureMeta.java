package io.pushcap.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A capture's {@code capture.meta}: a line format, first line {@code pushcap-capture 1} (magic and
 * version), then {@code key=value} lines: {@code name}, {@code ring} (the ring file recorded
 * from) and {@code created} (ns since the epoch). Written once, atomically, when the capture is
 * created.
 *
 * <p><b>Note:</b> immutable. Readers refuse other versions; keys they do not know are ignored, so
 * a later version 1 writer may add some.
 */
public record CaptureMeta(String name, String ring, long createdNanos) {

    public void write(Path file) throws IOException {
        String text = StoreDescriptor.META_MAGIC_LINE + " " + StoreDescriptor.VERSION + "\n"
                + "name=" + name + "\n" + "ring=" + ring + "\n" + "created=" + createdNanos + "\n";
        Path pending = file.resolveSibling(file.getFileName() + StoreDescriptor.PENDING_SUFFIX);
        try (FileChannel c = FileChannel.open(pending, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            c.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            c.force(true);
        }
        Files.move(pending, file, StandardCopyOption.ATOMIC_MOVE);
    }

    public static CaptureMeta read(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new StoreFormatException(file + ": capture metadata is missing");
        }
        String first = lines.isEmpty() ? "" : lines.getFirst().strip();
        String[] magic = first.split(" ");
        if (magic.length != 2 || !magic[0].equals(StoreDescriptor.META_MAGIC_LINE)) {
            throw new StoreFormatException(file + ": not pushcap capture metadata (first line '" + first
                    + "', expected '" + StoreDescriptor.META_MAGIC_LINE + " " + StoreDescriptor.VERSION + "')");
        }
        if (!magic[1].equals(Integer.toString(StoreDescriptor.VERSION))) {
            throw new StoreFormatException(file + ": capture metadata version " + magic[1]
                    + ", but this pushcap reads version " + StoreDescriptor.VERSION + " only");
        }
        Map<String, String> kv = new LinkedHashMap<>();
        for (String l : lines.subList(1, lines.size())) {
            int eq = l.indexOf('=');
            if (eq > 0) {
                kv.put(l.substring(0, eq), l.substring(eq + 1));
            }
        }
        try {
            return new CaptureMeta(kv.getOrDefault("name", ""), kv.getOrDefault("ring", ""),
                    Long.parseLong(kv.getOrDefault("created", "0")));
        } catch (NumberFormatException e) {
            throw new StoreFormatException(file + ": created=" + kv.get("created") + " (expected ns since the epoch)");
        }
    }
}
