package io.pushcap.pipeline;

import io.pushcap.internal.Json;
import io.pushcap.internal.Redact;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A target's manifest: one JSON line per published file, appended and fsynced right after the
 * file is published and before the cursor moves past it.
 *
 * <p><b>Note:</b> single-threaded (the target's thread). A crash between publishing a file and
 * saving the cursor is repaired on restart: the runner produces that split again under the same
 * name (replacing the file); since names only grow, a line for a name equal to the manifest's last
 * one is already there and is not appended twice. So every file has exactly one line.
 */
public final class Manifest implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;
    private String lastName;

    public Manifest(Path file) throws IOException {
        this.file = file;
        Files.createDirectories(file.toAbsolutePath().getParent());
        this.lastName = lastNameIn(file);
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
    }

    /** Appends the entry unless it is the line already last in the manifest (a split produced again). */
    public void append(ManifestEntry e) throws IOException {
        if (e.name().equals(lastName)) {
            return;
        }
        ByteBuffer b = ByteBuffer.wrap((Redact.text(e.toJson()) + "\n").getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            channel.write(b);
        }
        channel.force(false);
        lastName = e.name();
    }

    private static String lastNameIn(Path file) throws IOException {
        if (!Files.exists(file) || Files.size(file) == 0) {
            return null;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            int n = (int) Math.min(size, 64 * 1024);
            ByteBuffer b = ByteBuffer.allocate(n);
            ch.read(b, size - n);
            String tail = new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
            String[] lines = tail.strip().split("\n");
            String last = lines[lines.length - 1];
            int i = last.indexOf("\"name\":\"");
            if (i < 0) {
                return null;
            }
            int start = i + 8;
            StringBuilder name = new StringBuilder();
            for (int k = start; k < last.length() && last.charAt(k) != '"'; k++) {
                char c = last.charAt(k);
                if (c == '\\' && k + 1 < last.length()) {
                    c = last.charAt(++k);
                }
                name.append(c);
            }
            return name.toString();
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
