package io.pushcap.pipeline;

import io.pushcap.internal.Redact;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A target's manifest: one JSON line per published file, keyed by the file's name. A line is
 * appended and fsynced right after its file is published and before the cursor moves past it.
 *
 * <p>At rest every name appears once, with the latest content published under it. A file
 * published again under the same name (a split produced again after a crash, an offline input
 * pushed again) replaces its line:
 * <ul>
 *   <li>when it is the manifest's last line (the usual case after a crash), the line is replaced
 *       in place: the file is cut back to the line's start and the new line appended;</li>
 *   <li>otherwise the new line is appended and the manifest is compacted (rewritten with the last
 *       line of each name, to a {@code .pending} file renamed over it) when it is closed, when
 *       it is opened, and whenever as many lines are stale as are live. While a run goes on, a
 *       reader may therefore see a name twice: the last line for a name is the one that counts.</li>
 * </ul>
 * A torn last line (the process died while appending) is dropped when the manifest is opened.
 *
 * <p><b>Note:</b> single-threaded (the target's thread); one process per manifest, which
 * {@link TargetLock} ensures. The hot path, a new name, costs one append and one fsync; a
 * compaction costs a read and a write of the manifest, at most once per as many appends as the
 * manifest holds names, so appends stay amortised O(1). While names only grow, as time-based
 * names do, no set of them is kept in memory.
 */
public final class Manifest implements AutoCloseable {
    /** Compaction waits until at least this many lines are stale (and as many as are live). */
    private static final int MIN_STALE_TO_COMPACT = 64;

    private final Path file;
    /**
     * Every name in the manifest, built only when a name arrives that does not sort after all
     * earlier ones (an input pushed again): names of one target usually grow (they encode
     * time), and a long live push should not hold all of them in memory to find none repeated.
     */
    private Set<String> names;
    private String maxName;
    private FileChannel channel;
    private String lastName;
    private long lastLineStart;
    private int stale;

    public Manifest(Path file) throws IOException {
        this.file = file;
        Files.createDirectories(file.toAbsolutePath().getParent());
        Scan scan = scan(file);
        if (scan.stale > 0 || scan.torn) {
            rewrite(file, scan.lastIndex);
            scan = scan(file);
        }
        for (String n : scan.lastIndex.keySet()) {
            maxName = maxName == null || n.compareTo(maxName) > 0 ? n : maxName;
        }
        lastName = scan.lastName;
        lastLineStart = scan.lastLineStart;
        this.channel = open(file);
    }

    private static FileChannel open(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    /** Records {@code e}, replacing any earlier line of the same name (see the class comment). */
    public void append(ManifestEntry e) throws IOException {
        if (e.name().equals(lastName)) {
            // Produced again right after a crash: replace the last line in place. A crash between
            // the cut and the write leaves the line out, but the cursor has not moved past it
            // either, so the split is produced and recorded once more on restart.
            channel.truncate(lastLineStart);
        } else if (maxName == null || e.name().compareTo(maxName) > 0) {
            if (names != null) {
                names.add(e.name());
            }
            maxName = e.name();
        } else {
            if (names == null) {
                names = new HashSet<>(scan(file).lastIndex.keySet());
            }
            if (!names.add(e.name())) {
                stale++;
            }
        }
        long start = channel.size();
        write(channel, Redact.text(e.toJson()) + "\n");
        channel.force(false);
        lastName = e.name();
        lastLineStart = start;
        if (stale >= MIN_STALE_TO_COMPACT && stale >= names.size()) {   // stale > 0: names was built
            compact();
        }
    }

    /** Rewrites the manifest with one line per name now, if any line is stale. */
    public void compact() throws IOException {
        if (stale == 0) {
            return;
        }
        channel.close();
        try {
            rewrite(file, scan(file).lastIndex);
            Scan after = scan(file);
            lastName = after.lastName;
            lastLineStart = after.lastLineStart;
            stale = 0;
        } finally {
            // On failure the old manifest is intact (the rename did not happen): keep appending to it.
            channel = open(file);
        }
    }

    private static void write(FileChannel ch, String line) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** What a pass over the manifest found. */
    private record Scan(Map<String, Integer> lastIndex, int stale, boolean torn, String lastName, long lastLineStart) {
    }

    private static Scan scan(Path file) throws IOException {
        Map<String, Integer> lastIndex = new HashMap<>();
        if (!Files.exists(file) || Files.size(file) == 0) {
            return new Scan(lastIndex, 0, false, null, 0);
        }
        int stale = 0;
        String lastName = null;
        long lastLineStart = 0;
        long offset = 0;
        int index = 0;
        boolean torn = false;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            // Lines are read with their terminator kept in view: a last line without one is torn.
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = r.read()) >= 0) {
                if (c != '\n') {
                    line.append((char) c);
                    continue;
                }
                String name = nameIn(line.toString());
                if (name != null && lastIndex.put(name, index) != null) {
                    stale++;
                }
                lastName = name;
                lastLineStart = offset;
                offset += line.toString().getBytes(StandardCharsets.UTF_8).length + 1L;
                index++;
                line.setLength(0);
            }
            torn = !line.isEmpty();
        }
        return new Scan(lastIndex, stale, torn, lastName, lastLineStart);
    }

    /**
     * Writes the whole lines of {@code file} that are the last of their name (and lines naming
     * nothing, kept as they are) to a pending file, fsyncs it and renames it over the manifest.
     */
    private static void rewrite(Path file, Map<String, Integer> lastIndex) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".pending");
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING);
             BufferedWriter w = new BufferedWriter(Channels.newWriter(ch, StandardCharsets.UTF_8), 1 << 16)) {
            StringBuilder line = new StringBuilder();
            int index = 0;
            int c;
            while ((c = r.read()) >= 0) {
                if (c != '\n') {
                    line.append((char) c);
                    continue;
                }
                String name = nameIn(line.toString());
                if (name == null || lastIndex.get(name) == index) {
                    w.append(line).append('\n');
                }
                index++;
                line.setLength(0);
            }
            // A trailing line without '\n' was torn by a crash while appending: dropped.
            w.flush();
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        CursorStore.fsyncDirectory(file.toAbsolutePath().getParent());
    }

    /** The value of {@code "name"} in a manifest line, or null when the line has none. */
    static String nameIn(String line) {
        int i = line.indexOf("\"name\":\"");
        if (i < 0) {
            return null;
        }
        StringBuilder name = new StringBuilder();
        for (int k = i + 8; k < line.length(); k++) {
            char c = line.charAt(k);
            if (c == '"') {
                return name.toString();
            }
            if (c == '\\' && k + 1 < line.length()) {
                c = line.charAt(++k);
                if (c == 'u' && k + 4 < line.length()) {
                    c = (char) Integer.parseInt(line.substring(k + 1, k + 5), 16);
                    k += 4;
                } else if (c == 'n') {
                    c = '\n';
                } else if (c == 'r') {
                    c = '\r';
                } else if (c == 't') {
                    c = '\t';
                }
            }
            name.append(c);
        }
        return null;
    }

    public Path file() {
        return file;
    }

    /** Compacts (when a name was published twice during the run) and closes. */
    @Override
    public void close() throws IOException {
        try {
            compact();
        } finally {
            channel.close();
        }
    }
}
