package io.pushcap.ring;

import java.nio.file.Path;

/**
 * Where a ring named on the command line lives. A name containing {@code '/'} is a path (relative
 * to the current directory or absolute). A plain name is a file in {@code --dir} when given, else
 * in {@code $PUSHCAP_RING_DIR}, else in the current directory: fluxcap users {@code cd /ram} and
 * run {@code fluxcap -cr -s 100m cisco}, and their scripts keep working unchanged.
 *
 * <p><b>Note:</b> thread-safe (stateless).
 */
public final class RingPaths {
    public static final String ENV = "PUSHCAP_RING_DIR";

    private RingPaths() {
    }

    public static Path resolve(String name, Path dir) {
        return resolve(name, dir, System.getenv(ENV));
    }

    static Path resolve(String name, Path dir, String env) {
        if (name.indexOf('/') >= 0) {
            return Path.of(name);
        }
        if (dir != null) {
            return dir.resolve(name);
        }
        if (env != null && !env.isBlank()) {
            return Path.of(env).resolve(name);
        }
        return Path.of(name);
    }

    /**
     * Why a push target cannot write to the ring at {@code path}, or null when it exists: the one
     * sentence both {@code check} and {@code push} print, so the two agree.
     */
    public static String missingRing(Path path) {
        return java.nio.file.Files.exists(path) ? null
                : "ring '" + path + "' does not exist (create it with: pushcap ring create -s 100m " + path + ")";
    }
}
