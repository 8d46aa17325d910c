package io.pushcap.ring;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * How a ring's mapping is backed, read from {@code /proc/self/smaps}: how much of it the kernel
 * maps with 2 MiB pages. On tmpfs mounted with huge pages the writer's copies into a large ring cost
 * half as much as with 4 KiB pages (page walks, docs/rings.md), so {@code ring create} reports a
 * ring that did not get them.
 *
 * <p><b>Note:</b> stateless and thread-safe; reads a procfs file per call (milliseconds: for
 * creation and diagnostics, never per packet). Where smaps cannot be read it reports 0.
 */
final class RingMemory {
    private static final long HUGE_PAGE = 2L << 20;
    static final String SHMEM_ENABLED = "/sys/kernel/mm/transparent_hugepage/shmem_enabled";
    /** The first line of a mapping's entry: {@code start-end perms offset dev inode path}. */
    private static final Pattern MAPPING = Pattern.compile("[0-9a-f]+-[0-9a-f]+ ");

    private RingMemory() {
    }

    /**
     * KiB of the file a ring of {@code fileSize} bytes can have in huge pages: whole aligned 2 MiB
     * blocks, less the first, which the header's small page (written before the file had its size)
     * shares.
     */
    static long hugePageKibExpected(long fileSize, long headerLength) {
        long blocks = fileSize / HUGE_PAGE - (headerLength > 0 ? 1 : 0);
        return Math.max(0, blocks) * (HUGE_PAGE / 1024);
    }

    /** Why a tmpfs mounted with huge pages gave small ones, and the remedy. */
    static String whyNoHugePages() {
        String policy = "";
        try {
            policy = Files.readString(Path.of(SHMEM_ENABLED));
        } catch (IOException | RuntimeException e) {
            // no THP in this kernel: said below
        }
        if (policy.isEmpty()) {
            return "this kernel has no transparent huge pages (" + SHMEM_ENABLED + " is missing)";
        }
        if (policy.contains("[deny]")) {
            return SHMEM_ENABLED + " is 'deny', which overrides every tmpfs's huge= option: echo never > "
                    + SHMEM_ENABLED + ", then recreate the ring";
        }
        return "the kernel found too few free 2 MiB blocks, even after compacting: free memory, or compact it"
                + " (echo 1 > /proc/sys/vm/compact_memory), then recreate the ring";
    }

    /** KiB of {@code mapping} (a mapped file) that the kernel maps with PMD-sized (huge) pages. */
    static long hugePageKib(MemorySegment mapping) {
        String start = Long.toHexString(mapping.address()) + "-";
        boolean in = false;
        long kib = 0;
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/smaps"))) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (MAPPING.matcher(line).lookingAt()) {
                    in = line.startsWith(start);
                } else if (in && (line.startsWith("ShmemPmdMapped:") || line.startsWith("FilePmdMapped:"))) {
                    kib += Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return kib;
    }
}
