package io.pushcap.pipeline;

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
 * appending its line is repaired on restart: the runner re-publishes that split under the same
 * name (replacing it) and appends the line then, so every file has exactly one line.
 */
public final class Manifest implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;

    public Manifest(Path file) throws IOException {
        this.file = file;
        Files.createDirectories(file.toAbsolutePath().getParent());
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
    }

    public void append(ManifestEntry e) throws IOException {
        ByteBuffer b = ByteBuffer.wrap((e.toJson() + "\n").getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            channel.write(b);
        }
        channel.force(false);
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
