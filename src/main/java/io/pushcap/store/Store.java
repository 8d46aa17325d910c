package io.pushcap.store;

import io.pushcap.PushcapException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A capture store: a directory of named captures (layout in {@link StoreDescriptor}). Where it
 * is: {@code --store DIR}, else {@code $PUSHCAP_STORE}, else {@code ./store}.
 *
 * <p><b>Note:</b> thread-safe (holds only its path). Listing reads the directory each time.
 * Directories whose names start with a dot (captures being created) and directories without a
 * {@code capture.meta} are not captures.
 */
public final class Store {
    public static final String ENV = "PUSHCAP_STORE";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,127}");

    private final Path dir;

    private Store(Path dir) {
        this.dir = dir;
    }

    /** The store directory for {@code option} (may be null): the option, $PUSHCAP_STORE, or ./store. */
    public static Path resolve(Path option) {
        return resolve(option, System.getenv(ENV));
    }

    static Path resolve(Path option, String env) {
        if (option != null) {
            return option;
        }
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of("store");
    }

    /** A store at {@code dir}, which may not exist yet (then it holds no captures). */
    public static Store at(Path dir) {
        return new Store(dir);
    }

    /** A store at {@code dir}, created if missing. */
    public static Store create(Path dir) {
        // Names the reason: a file in the way, /proc or a read-only mount, no permission.
        io.pushcap.internal.IoProblems.createDirectory(dir, "store");
        if (!Files.isWritable(dir)) {
            throw new PushcapException("store " + dir + ": directory is not writable");
        }
        return new Store(dir);
    }

    public Path dir() {
        return dir;
    }

    /** Checks a capture name: letters, digits, '.', '_', '+', '-', not starting with a dot; at most 128. */
    public static String validateName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new PushcapException("capture name '" + name + "' (expected letters, digits, '.', '_', '+' or '-',"
                    + " starting with a letter or digit, at most 128 characters)");
        }
        return name;
    }

    public CaptureDir capture(String name) {
        return new CaptureDir(dir.resolve(validateName(name)), name);
    }

    /** True when {@code name} is a capture of this store. */
    public boolean contains(String name) {
        return NAME.matcher(name).matches() && Files.isRegularFile(dir.resolve(name).resolve(StoreDescriptor.META_FILE));
    }

    /** Every capture, by name. */
    public List<CaptureDir> captures() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<CaptureDir> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                String n = p.getFileName().toString();
                if (NAME.matcher(n).matches() && Files.isRegularFile(p.resolve(StoreDescriptor.META_FILE))) {
                    out.add(new CaptureDir(p, n));
                }
            }
        }
        return out;
    }

    Path lockFile() {
        return dir.resolve(StoreDescriptor.STORE_LOCK_FILE);
    }

    Path retentionLog() {
        return dir.resolve(StoreDescriptor.RETENTION_LOG);
    }

    @Override
    public String toString() {
        return "store " + dir;
    }
}
