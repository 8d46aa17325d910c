package io.pushcap.internal;

import io.pushcap.PushcapException;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Says what went wrong in an {@link IOException} in a few words a user can act on ("permission
 * denied", "a parent is not a directory"), instead of the exception's class name and a bare path.
 *
 * <p><b>Note:</b> stateless and thread-safe.
 */
public final class IoProblems {
    private IoProblems() {
    }

    /** A short reason, without the path (the caller's message names it). */
    public static String describe(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "exists and is not a directory";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "directory not empty";
        }
        if (e instanceof FileSystemException f) {
            String reason = f.getReason();
            if (reason != null && !reason.isBlank()) {
                return lowerFirst(reason);
            }
        }
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        return lowerFirst(m);
    }

    /**
     * File systems that look like directories but hold no files one can write: the kernel's views
     * (a write there fails, or blocks, or changes a kernel setting) and pseudo file systems.
     */
    private static final java.util.Set<String> PSEUDO_FILE_SYSTEMS = java.util.Set.of("proc", "sysfs", "cgroup",
            "cgroup2", "debugfs", "tracefs", "securityfs", "configfs", "pstore", "bpf", "devpts", "mqueue", "hugetlbfs",
            "fusectl", "efivarfs", "binfmt_misc", "autofs", "rpc_pipefs", "nsfs", "selinuxfs");

    /** Why files cannot be written under {@code existing} because of its file system, or null. */
    public static String fileSystemProblem(Path existing) {
        java.nio.file.FileStore store;
        try {
            store = Files.getFileStore(existing);
        } catch (java.io.IOException e) {
            return null;    // unknown: the directory checks that follow, and the sink, still apply
        }
        if (PSEUDO_FILE_SYSTEMS.contains(store.type())) {
            return "is on the kernel's " + store.type() + " file system, which cannot hold pushcap's files"
                    + " (give a directory on a disk or in RAM, such as /var/lib/pushcap or /dev/shm)";
        }
        if (store.isReadOnly()) {
            return "is on a read-only file system (" + store.type() + " " + store.name() + ")";
        }
        return null;
    }

    /**
     * Creates {@code dir} and its parents for pushcap's own files (logs, state), or throws a
     * {@link PushcapException} naming {@code key} (the option or setting that gave it), the value
     * and the reason: a file in the way, a pseudo or read-only file system, no permission.
     */
    public static void createDirectory(Path dir, String key) {
        Path existing = dir.toAbsolutePath().normalize();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing != null && !Files.isDirectory(existing)) {
            throw new PushcapException(key + " " + dir + ": " + existing + " is a file, not a directory");
        }
        if (existing != null) {
            String fs = fileSystemProblem(existing);
            if (fs != null) {
                throw new PushcapException(key + " " + dir + ": " + existing + " " + fs);
            }
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new PushcapException(key + " " + dir + ": cannot create the directory: " + describe(e));
        }
    }

    private static String lowerFirst(String s) {
        return s.length() > 1 && Character.isUpperCase(s.charAt(0)) && Character.isLowerCase(s.charAt(1))
                ? Character.toLowerCase(s.charAt(0)) + s.substring(1) : s;
    }
}
