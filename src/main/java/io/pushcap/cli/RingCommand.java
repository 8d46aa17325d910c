package io.pushcap.cli;

import io.pushcap.internal.Json;
import io.pushcap.pcap.LinkType;
import io.pushcap.ring.ByteSizes;
import io.pushcap.ring.RingFile;
import io.pushcap.ring.RingInfo;
import io.pushcap.ring.RingPaths;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code pushcap ring create|info|delete}: manages ring files (fluxcap's {@code -cr}).
 */
@Command(name = "ring", description = "Create, inspect and delete ring buffers (RAM files).",
        subcommands = {RingCommand.Create.class, RingCommand.Info.class, RingCommand.Delete.class},
        mixinStandardHelpOptions = true)
final class RingCommand implements Runnable {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final String DIR_HELP = "directory of rings named without '/' (default: $" + RingPaths.ENV
            + ", else the current directory)";

    @Command(name = "create", description = "Create fixed-size rings (fluxcap -cr -s 100m NAME...).",
            mixinStandardHelpOptions = true)
    static final class Create implements Callable<Integer> {
        @Option(names = {"-s", "--size"}, required = true, paramLabel = "SIZE",
                description = "file size with k/m/g suffix, header included (e.g. 100m, 1g)")
        String size;

        @Option(names = "--dir", paramLabel = "DIR", description = DIR_HELP)
        Path dir;

        @Option(names = {"-f", "--force"}, description = "replace an existing ring")
        boolean force;

        @Parameters(arity = "1..*", paramLabel = "NAME", description = "ring names or paths")
        List<String> names;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            long bytes = ByteSizes.parse(size, "-s");
            PrintWriter out = spec.commandLine().getOut();
            for (String name : names) {
                try (RingFile ring = RingFile.create(RingPaths.resolve(name, dir), new RingFile.CreateOptions(bytes, force))) {
                    out.println("created ring " + ring.path() + ": " + ByteSizes.format(ring.fileSize()) + " ("
                            + ring.capacity() + " bytes of data, records up to " + ring.maxRecordLength() + " bytes)");
                }
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "info", description = "Show a ring's header, counters and readers.", mixinStandardHelpOptions = true)
    static final class Info implements Callable<Integer> {
        @Option(names = "--dir", paramLabel = "DIR", description = DIR_HELP)
        Path dir;

        @Option(names = "--json", description = "one JSON object per ring, one per line")
        boolean json;

        @Parameters(arity = "1..*", paramLabel = "NAME")
        List<String> names;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            for (String name : names) {
                RingInfo info;
                try (RingFile ring = RingFile.openReadOnly(RingPaths.resolve(name, dir))) {
                    info = ring.info();
                }
                out.println(json ? RingJson.info(info) : text(info));
            }
            out.flush();
            return ExitCodes.OK;
        }

        static String text(RingInfo i) {
            StringBuilder b = new StringBuilder();
            b.append("ring ").append(i.path()).append(": version ").append(i.version()).append(", ")
                    .append(ByteSizes.format(i.fileSize())).append(" (").append(i.capacity()).append(" bytes of data) on ")
                    .append(i.storage().describe()).append(' ').append(i.storage().mountPoint()).append('\n');
            if (i.storage().warning() != null) {
                b.append("  warning      ").append(i.storage().warning()).append('\n');
            }
            b.append("  created      ").append(instant(i.createdNanos())).append('\n');
            b.append("  writer       ").append(i.writerPid() == 0 ? "none" : "pid " + i.writerPid()
                    + (i.writerAlive() ? " (live)" : " (gone)")).append(i.writerSource().isEmpty() ? "" : ", source " + i.writerSource())
                    .append(", takeovers ").append(i.writerTakeovers()).append('\n');
            b.append("  link type    ").append(i.linkType() < 0 ? "none yet" : LinkType.name(i.linkType()))
                    .append(", snaplen ").append(i.snaplen()).append(", max record ").append(i.maxRecordLength()).append('\n');
            b.append("  position     ").append(i.position()).append(" (lap ").append(i.position() / i.capacity())
                    .append("), tail ").append(i.tail()).append('\n');
            b.append("  held         ").append(i.packetsHeld()).append(" packets, ").append(ByteSizes.format(i.bytesHeld()))
                    .append(i.oldestSequence() < 0 ? "" : ", oldest " + instant(i.oldestTimestamp())).append('\n');
            b.append(String.format("  written      packets %d  bytes %d  wire_bytes %d  truncated %d%n", i.packets(),
                    i.bytes(), i.wireBytes(), i.truncated()));
            b.append(String.format("  kernel       received %d  drops %d  interface_drops %d  source_restarts %d%n",
                    i.kernelReceived(), i.kernelDrops(), i.interfaceDrops(), i.sourceRestarts()));
            b.append("  wakeups      ").append(i.wakeups()).append('\n');
            b.append("  readers      ").append(i.readers().size()).append(i.readers().isEmpty() ? "" : ":");
            for (RingInfo.Reader r : i.readers()) {
                long lag = i.lagPackets(r);
                b.append(String.format("%n    slot %-2d %-20s %-6s pid %-7d read %d (%d bytes)  lost %d  laps %d  lag %s pkts / %s",
                        r.slot(), r.name(), r.state(), r.pid(), r.packets(), r.bytes(), r.lost(), r.laps(),
                        lag < 0 ? "?" : Long.toString(lag), ByteSizes.format(i.lagBytes(r))));
            }
            return b.toString();
        }

        private static String instant(long nanos) {
            return nanos == 0 ? "-" : Instant.ofEpochSecond(0, nanos).toString();
        }
    }

    @Command(name = "delete", description = "Delete rings (refuses files that are not rings, and rings in use).",
            mixinStandardHelpOptions = true)
    static final class Delete implements Callable<Integer> {
        @Option(names = "--dir", paramLabel = "DIR", description = DIR_HELP)
        Path dir;

        @Option(names = {"-f", "--force"}, description = "delete even while a live process uses the ring")
        boolean force;

        @Parameters(arity = "1..*", paramLabel = "NAME")
        List<String> names;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            for (String name : names) {
                Path p = RingPaths.resolve(name, dir);
                RingFile.delete(p, force);
                spec.commandLine().getOut().println("deleted ring " + p);
            }
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }
}
