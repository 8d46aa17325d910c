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
 * {@code RingDir} with a tmpfs with huge pages ({@code RingMount = "tmpfs"}, the default) or a
 * ramfs ({@code "ramfs"}) mounted on it when it is neither already, or, when mounting is not
 * possible (not root), a fallback that still works, said clearly: {@code /dev/shm/pushcap}
 * (tmpfs), else {@code <StateDir>/ring} (disk).
 *
 * <p>Why: a ring in RAM is never written back to a device, so the capture thread never stalls on
 * it; with huge pages a large ring costs the writer no page walk per page per lap (half rx's CPU
 * per packet on a 256 MB ring, docs/rings.md), and the writer locks a tmpfs ring so it is never
 * swapped out. ramfs never swaps either, but has 4 KiB pages only. The mount is left in place when
 * the service stops, so rings and the positions pushes saved in them survive a restart of the
 * service; a RingDir that is already ramfs or a tmpfs with huge pages is used as it is.
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

    /** Why the directory is not the configured RAM filesystem, or null when it is. */
    public String note() {
        return note;
    }

    /** Makes the configured ring directory ready (mounting tmpfs or ramfs when asked), or picks the fallback. */
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
        String problem = mount(configured, c.ringMount());
        if (problem == null) {
            return new RingDirectory(configured, null);
        }
        Path fallback = fallback(c);
        String why = "cannot mount " + c.ringMount() + " at " + configured + " (" + problem + "); rings go to " + fallback
                + " (" + RingStorage.of(fallback).describe() + ") instead. Rings belong in RAM, best on tmpfs with huge"
                + " pages: never written back to disk, locked against swapping by the writer, and a large ring costs no"
                + " page walk per page per lap; ramfs is never swapped out either but has 4 KiB pages; a disk writes"
                + " every page back and loses packets under load. Run serve as root (CAP_SYS_ADMIN), or mount it once: "
                + mountCommand(configured, c.ringMount());
        log.warn("rings", why);
        return new RingDirectory(fallback, why);
    }

    /** The mount(8) command that {@code RingMount = type} runs for {@code dir} (tmpfs for any type but "ramfs"). */
    public static String mountCommand(Path dir, String type) {
        return type.equals("ramfs") ? "mount -t ramfs ramfs " + dir
                : "mount -t tmpfs -o huge=within_size tmpfs " + dir;
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

    /**
     * Null when {@code dir} is (now) in RAM as {@code RingMount = type} wants it, else why not.
     * A directory already on ramfs or on a tmpfs with huge pages is left as it is: mounting over
     * it would hide the rings there and the positions pushes saved in them.
     */
    static String mount(Path dir, String type) {
        RingStorage s = RingStorage.of(dir);
        if (Files.isDirectory(dir) && s.recommended()) {
            return null;
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            return "cannot create " + dir + ": " + e.getMessage();
        }
        List<String> command = type.equals("ramfs")
                ? List.of("mount", "-t", "ramfs", "-o", "mode=0750", "ramfs", dir.toString())
                : List.of("mount", "-t", "tmpfs", "-o", "mode=0750,huge=within_size", "tmpfs", dir.toString());
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
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
        RingStorage now = RingStorage.of(dir);
        if (type.equals("ramfs") ? now.isRamfs() : now.hugePages()) {
            return null;
        }
        return "mounted, but " + dir + " is " + now.describe() + " (" + now.options() + ")";
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
                        + RingStorage.of(p).describe() + ")");
            }
        }
    }

    /** The file size {@code RingFile.create} makes for a requested size (the data area is cache-line aligned). */
    static long expectedFileSize(long requested) {
        long capacity = (requested - io.pushcap.ring.RingDescriptor.HEADER_LENGTH) & -io.pushcap.ring.RingDescriptor.CACHE_LINE;
        return io.pushcap.ring.RingDescriptor.HEADER_LENGTH + capacity;
    }
}
