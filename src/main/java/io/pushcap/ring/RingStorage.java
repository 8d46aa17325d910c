package io.pushcap.ring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What kind of filesystem holds a ring, from {@code /proc/mounts} (the mount with the longest
 * prefix of the ring's real directory), and whether that is a good idea.
 *
 * <p>Rings belong in memory. Best is tmpfs mounted with huge pages ({@code huge=within_size} or
 * {@code huge=always}): the writer's and readers' TLBs then cover a large ring, where with 4 KiB
 * pages every page of a ring larger than the caches costs a page walk per lap (on a VM, a nested
 * one): rx used half the CPU per packet on a 256 MB ring with huge pages (docs/rings.md). The
 * writer locks the ring's pages in memory, so tmpfs's swapping does not stall it. ramfs is good
 * too (never swapped, never written back) but has 4 KiB pages only. tmpfs without huge pages has
 * both drawbacks; a disk filesystem writes every page back to the device and is slow.
 *
 * <p><b>Note:</b> thread-safe (stateless); reads /proc/mounts on each call.
 *
 * @param options the mount's options, as in {@code /proc/mounts} (e.g. {@code rw,relatime,huge=within_size})
 */
public record RingStorage(String fsType, String mountPoint, String options) {
    /** How to mount a ring directory with huge pages, for messages. */
    public static final String HUGE_TMPFS_MOUNT = "mount -t tmpfs -o huge=within_size,size=SIZE tmpfs DIR";

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
            return new RingStorage("unknown", "/", "");
        }
        String best = null;
        String type = "unknown";
        String options = "";
        for (String line : lines) {
            String[] f = line.split(" ");
            if (f.length < 3) {
                continue;
            }
            String mp = unescape(f[1]);
            if (real.startsWith(Path.of(mp)) && (best == null || mp.length() >= best.length())) {
                best = mp;
                type = f[2];
                options = f.length > 3 ? f[3] : "";
            }
        }
        return new RingStorage(type, best == null ? "/" : best, options);
    }

    private static String unescape(String s) {
        return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }

    public boolean isRamfs() {
        return fsType.equals("ramfs");
    }

    public boolean isTmpfs() {
        return fsType.equals("tmpfs");
    }

    /** True on tmpfs mounted to give files huge pages ({@code huge=always} or {@code huge=within_size}). */
    public boolean hugePages() {
        if (!isTmpfs()) {
            return false;
        }
        for (String o : options.split(",")) {
            if (o.equals("huge=always") || o.equals("huge=within_size")) {
                return true;
            }
        }
        return false;
    }

    /** A good home for a ring, that {@link #warning()} says nothing about: ramfs, or tmpfs with huge pages. */
    public boolean recommended() {
        return isRamfs() || hugePages();
    }

    /** A short description for {@code ring info}: the type, and for tmpfs whether pages are huge. */
    public String describe() {
        return isTmpfs() ? fsType + (hugePages() ? " (huge pages)" : " (4 KiB pages)") : fsType;
    }

    /** Why this filesystem is a poor home for a ring, or null when it is ramfs or tmpfs with huge pages. */
    public String warning() {
        if (recommended()) {
            return null;
        }
        if (isTmpfs()) {
            return mountPoint + " is tmpfs with 4 KiB pages: a large ring costs the writer a page walk per page per lap,"
                    + " about twice the CPU per packet; mount it with huge pages (" + HUGE_TMPFS_MOUNT + ") or use ramfs";
        }
        return mountPoint + " is " + fsType + " (not RAM): every page the ring writes is written back to"
                + " the device, which is slow and loses packets; use tmpfs with huge pages (" + HUGE_TMPFS_MOUNT
                + ") or ramfs (mount -t ramfs none /ram)";
    }
}
