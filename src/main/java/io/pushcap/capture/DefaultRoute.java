package io.pushcap.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The interface of this host's IPv4 default route, from {@code /proc/net/route} (what
 * {@code ip route show default} prints): the service's {@code Interface = "default"}. With several
 * default routes the one with the lowest metric wins, as the kernel picks it.
 *
 * <p><b>Note:</b> thread-safe (stateless); reads procfs on each call, which reflects the network
 * namespace of the calling process.
 */
public final class DefaultRoute {
    private DefaultRoute() {
    }

    /** The default route's interface, or empty when there is none. */
    public static Optional<String> interfaceName() {
        try {
            return parse(Files.readAllLines(Path.of("/proc/net/route")));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The lowest-metric line with destination and mask 0 in the kernel's route table text. */
    static Optional<String> parse(List<String> lines) {
        String best = null;
        long bestMetric = Long.MAX_VALUE;
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 8 || !f[1].equals("00000000") || !f[7].equals("00000000")) {
                continue;
            }
            int flags = Integer.parseInt(f[3], 16);
            long metric = Long.parseLong(f[6]);
            if ((flags & 0x1) != 0 && metric < bestMetric) {
                best = f[0];
                bestMetric = metric;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The names of this namespace's interfaces, sorted, for "interfaces here: ..." messages. */
    public static List<String> interfaces() {
        try (Stream<Path> s = Files.list(Path.of("/sys/class/net"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
