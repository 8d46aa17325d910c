package io.pushcap.service;

import io.pushcap.PushcapException;
import io.pushcap.config.ServiceConfig;
import io.pushcap.ring.ByteSizes;
import io.pushcap.ring.RingFile;
import io.pushcap.ring.RingStorage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where the service's rings live, made ready before anything starts: the configured
 * {@code RingDir} with a ramfs mounted on it ({@code RingMount = "ramfs"}) when it is not RAM
 * already, or, when mounting is not possible (not root), a fallback that still works, said
 * clearly: {@code /dev/shm/pushcap} (tmpfs), else {@code <StateDir>/ring} (disk).
 *
 * <p>Why ramfs: its pages are never swapped out and never written back to a device, so the
 * capture thread never stalls on the ring; tmpfs can swap under memory pressure, a disk writes
 * every page back. The mount is left in place when the service stops, so rings and the positions
 * pushes saved in them survive a restart of the service.
 *
 * <p>Rings are created when missing, and opened when present; a present ring of another size is
 * refused (resizing would discard its packets and the positions saved in it).
 *
 * <p><b>Note:</b> not thread-safe; used by the service's control thread. Runs {@code mount(8)}.
 */
public final class RingDirectory {
    private final Path dir;
    private final String note;

    private RingDirectory(Path dir, String note) {
        this.dir = dir;
        this.note = note;
    }

    /** The directory rings named without their own Dir go to. */
    public Path dir() {
        return dir;
    }

    /** Why the directory is not the configured ramfs, or null when it is. */
    public String note() {
        return note;
    }

    /** Makes the configured ring directory ready (mounting ramfs when asked), or picks the fallback. */
    public static RingDirectory prepare(ServiceConfig c, ServiceLog log) {
        Path configured = c.ringDir().toAbsolutePath().normalize();
        if (c.ringMount().equals("none")) {
            mkdirs(configured);
            RingStorage s = RingStorage.of(configured);
            String warning = s.warning();
            if (warning != null) {
                log.warn("rings", warning);
            }
            return new RingDirectory(configured, warning);
        }
        String problem = mountRamfs(configured);
        if (problem == null) {
            return new RingDirectory(configured, null);
        }
        Path fallback = fallback(c);
        String why = "cannot mount ramfs at " + configured + " (" + problem + "); rings go to " + fallback + " ("
                + RingStorage.of(fallback).fsType() + ") instead. Rings belong on ramfs: its pages are never swapped out"
                + " nor written back to disk, so capture never stalls on the ring; tmpfs can swap under memory pressure and"
                + " a disk writes every page back, both lose packets under load. Run serve as root (CAP_SYS_ADMIN), or"
                + " mount it once: mount -t ramfs ramfs " + configured;
        log.warn("rings", why);
        return new RingDirectory(fallback, why);
    }

    private static Path fallback(ServiceConfig c) {
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            Path p = shm.resolve("pushcap");
            try {
                Files.createDirectories(p);
                return p;
            } catch (IOException e) {
                // fall through to the state directory
            }
        }
        Path p = c.stateDir().resolve("ring").toAbsolutePath().normalize();
        mkdirs(p);
        return p;
    }

    /** Null when {@code dir} is (now) a ramfs mount point, else why not. */
    static String mountRamfs(Path dir) {
        RingStorage s = RingStorage.of(dir);
        if (Files.isDirectory(dir) && s.isRamfs()) {
            return null;
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            return "cannot create " + dir + ": " + e.getMessage();
        }
        try {
            Process p = new ProcessBuilder("mount", "-t", "ramfs", "-o", "mode=0750", "ramfs", dir.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "mount did not finish within 30 s";
            }
            if (p.exitValue() != 0) {
                return "mount: " + (out.isEmpty() ? "exit " + p.exitValue() : out);
            }
        } catch (IOException e) {
            return "cannot run mount: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
        return RingStorage.of(dir).isRamfs() ? null : "mounted, but " + dir + " is still not ramfs";
    }

    private static void mkdirs(Path p) {
        try {
            Files.createDirectories(p);
        } catch (IOException e) {
            throw new PushcapException("RingDir " + p + ": cannot create: " + e.getMessage());
        }
    }

    /** The file of a configured ring. */
    public Path path(ServiceConfig.Ring r) {
        return (r.dir() == null ? dir : r.dir().toAbsolutePath().normalize()).resolve(r.name());
    }

    /**
     * What is wrong with the rings as they exist on disk (another size than configured, or not a
     * ring), one message per ring; empty when every ring can be created or opened as configured.
     */
    public List<String> check(List<ServiceConfig.Ring> rings, String configFile) {
        List<String> problems = new ArrayList<>();
        for (ServiceConfig.Ring r : rings) {
            Path p = path(r);
            if (!Files.exists(p)) {
                continue;
            }
            try (RingFile f = RingFile.openReadOnly(p)) {
                if (f.fileSize() != expectedFileSize(r.sizeBytes())) {
                    problems.add(configFile + ": ring '" + r.name() + "': Size: " + ByteSizes.format(r.sizeBytes()) + ", but "
                            + p + " exists with " + ByteSizes.format(f.fileSize()) + "; resizing would discard its packets"
                            + " and the positions pushes saved in it: delete it first (pushcap ring delete " + p
                            + ") or set Size = \"" + f.fileSize() + "\"");
                }
            } catch (PushcapException e) {
                problems.add(configFile + ": ring '" + r.name() + "': " + e.getMessage());
            }
        }
        return problems;
    }

    /** Creates the missing rings; the existing ones were checked by {@link #check}. */
    public void create(List<ServiceConfig.Ring> rings, ServiceLog log) {
        for (ServiceConfig.Ring r : rings) {
            Path p = path(r);
            if (Files.exists(p)) {
                continue;
            }
            try (RingFile f = RingFile.create(p, new RingFile.CreateOptions(r.sizeBytes(), false))) {
                log.info("ring '" + r.name() + "'", "created " + p + " (" + ByteSizes.format(f.fileSize()) + ", on "
                        + RingStorage.of(p).fsType() + ")");
            }
        }
    }

    /** The file size {@code RingFile.create} makes for a requested size (the data area is cache-line aligned). */
    static long expectedFileSize(long requested) {
        long capacity = (requested - io.pushcap.ring.RingDescriptor.HEADER_LENGTH) & -io.pushcap.ring.RingDescriptor.CACHE_LINE;
        return io.pushcap.ring.RingDescriptor.HEADER_LENGTH + capacity;
    }
}
