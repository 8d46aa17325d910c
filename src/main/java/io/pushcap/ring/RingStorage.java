package io.pushcap.ring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What kind of filesystem holds a ring, from {@code /proc/mounts} (the mount with the longest
 * prefix of the ring's real directory), and whether that is a good idea.
 *
 * <p>Rings belong on ramfs: its pages never swap and are never written back. tmpfs works but can
 * be swapped out, which stalls the writer at the worst moment; a disk filesystem writes every
 * page back to the device and is slow.
 *
 * <p><b>Note:</b> thread-safe (stateless); reads /proc/mounts on each call.
 */
public record RingStorage(String fsType, String mountPoint) {

    /** Finds the filesystem that holds {@code path} (a file or directory that exists). */
    public static RingStorage of(Path path) {
        Path real;
        try {
            real = path.toRealPath();
        } catch (IOException e) {
            real = path.toAbsolutePath().normalize();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/mounts"));
        } catch (IOException e) {
            return new RingStorage("unknown", "/");
        }
        String best = null;
        String type = "unknown";
        for (String line : lines) {
            String[] f = line.split(" ");
            if (f.length < 3) {
                continue;
            }
            String mp = unescape(f[1]);
            if (real.startsWith(Path.of(mp)) && (best == null || mp.length() >= best.length())) {
                best = mp;
                type = f[2];
            }
        }
        return new RingStorage(type, best == null ? "/" : best);
    }

    private static String unescape(String s) {
        return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }

    public boolean isRamfs() {
        return fsType.equals("ramfs");
    }

    /** Why this filesystem is a poor home for a ring, or null when it is ramfs. */
    public String warning() {
        return switch (fsType) {
            case "ramfs" -> null;
            case "tmpfs" -> mountPoint + " is tmpfs: its pages can be swapped out, stalling the writer and losing"
                    + " packets; prefer ramfs (mount -t ramfs none /ram)";
            default -> mountPoint + " is " + fsType + " (not RAM): every page the ring writes is written back to"
                    + " the device, which is slow and loses packets; use ramfs (mount -t ramfs none /ram)";
        };
    }
}
