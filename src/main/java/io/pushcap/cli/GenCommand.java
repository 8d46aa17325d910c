package io.pushcap.cli;

import io.pushcap.PushcapException;
import io.pushcap.synth.Mix;
import io.pushcap.synth.TrafficGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code pushcap gen -w OUT.pcap}: writes deterministic synthetic traffic (see
 * {@link TrafficGenerator}), optionally with its decapsulated twin.
 */
@Command(name = "gen", mixinStandardHelpOptions = true, description = "Write deterministic synthetic Ethernet traffic as pcap (ns).")
final class GenCommand implements Callable<Integer> {
    @Option(names = {"-w", "--write"}, required = true, paramLabel = "OUT.pcap", description = "output capture")
    Path out;

    @Option(names = "--packets", paramLabel = "N", description = "exactly N packets (default 100000)")
    Long packets;

    @Option(names = "--size", paramLabel = "SIZE", description = "stop before the file exceeds SIZE bytes (k, m, g, t suffixes: powers of 1024)")
    String size;

    @Option(names = "--mix", paramLabel = "MIX", defaultValue = "mixed", description = "mixed, small, tunnels, plain or jumbo (default ${DEFAULT-VALUE})")
    String mix;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "random seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--pps", paramLabel = "RATE", defaultValue = "100000", description = "packets per second of the timestamps (default ${DEFAULT-VALUE})")
    long pps;

    @Option(names = "--start", paramLabel = "EPOCH_NS", description = "first timestamp, ns since the epoch (default 2024-01-01T00:00:00Z)")
    Long start;

    @Option(names = "--flows", paramLabel = "N", defaultValue = "10000", description = "concurrent flow slots (default ${DEFAULT-VALUE})")
    int flows;

    @Option(names = "--twin", paramLabel = "TWIN.pcap", description = "also write each packet decapsulated, same timestamps and order")
    Path twin;

    @Option(names = "--snaplen", paramLabel = "N", description = "cut packets to N bytes (default 262144)")
    Integer snaplen;

    @Override
    public Integer call() throws Exception {
        TrafficGenerator.Builder b = TrafficGenerator.builder().mix(Mix.parse(mix)).seed(seed).pps(pps).flows(flows);
        if (packets != null) {
            b.packets(packets);
        }
        if (size != null) {
            b.sizeBytes(parseSize(size));
        }
        if (start != null) {
            b.startNanos(start);
        }
        if (snaplen != null) {
            b.snaplen(snaplen);
        }
        TrafficGenerator.Stats s = b.build().write(out, twin);
        double secs = s.elapsedNanos() / 1e9;
        System.err.printf(Locale.ROOT, "pushcap gen: %d packets, %d bytes to %s%s in %.2f s (%.0f MB/s)%n",
                s.packets(), s.bytes(), out, twin == null ? "" : " (twin " + twin + ", " + s.twinBytes() + " bytes)",
                secs, s.bytes() / 1e6 / Math.max(secs, 1e-9));
        return ExitCodes.OK;
    }

    /** "1g" = 1 GiB; digits with an optional k/m/g/t suffix (powers of 1024). */
    static long parseSize(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.endsWith("ib")) {
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("b") || t.endsWith("i")) {
            t = t.substring(0, t.length() - 1);
        }
        long mult = 1;
        if (!t.isEmpty() && "kmgt".indexOf(t.charAt(t.length() - 1)) >= 0) {
            mult = 1L << (10 * ("kmgt".indexOf(t.charAt(t.length() - 1)) + 1));
            t = t.substring(0, t.length() - 1);
        }
        try {
            long v = Long.parseLong(t);
            if (v <= 0) {
                throw new NumberFormatException();
            }
            return Math.multiplyExact(v, mult);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new PushcapException("--size '" + s + "' (expected a positive byte count such as 1000000, 500m or 1g)");
        }
    }
}
