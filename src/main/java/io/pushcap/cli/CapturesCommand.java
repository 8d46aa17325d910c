package io.pushcap.cli;

import io.pushcap.internal.Json;
import io.pushcap.PushcapException;
import io.pushcap.ring.ByteSizes;
import io.pushcap.store.CaptureDir;
import io.pushcap.store.CaptureInfo;
import io.pushcap.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code pushcap captures}: the captures of a store with their time span, packets, bytes and
 * chunks, and whether each is being recorded. Reads only metadata, indexes and heads.
 */
@Command(name = "captures", mixinStandardHelpOptions = true,
        description = "List the captures of the store: time span, packets, bytes, chunks, state.")
final class CapturesCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
            .withZone(ZoneId.systemDefault());

    @Option(names = "--store", paramLabel = "DIR", description = "capture store (default $PUSHCAP_STORE, else ./store)")
    Path storeDir;

    @Option(names = "--json", description = "one JSON array, for scripts")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Store store = Store.at(Store.resolve(storeDir));
        List<CaptureInfo> infos = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (CaptureDir c : store.captures()) {
            try {
                infos.add(CaptureInfo.read(c));
            } catch (PushcapException e) {
                problems.add(c.name() + ": " + e.getMessage());
            }
        }
        PrintStream out = System.out;
        if (json) {
            List<Object> items = Json.list();
            for (CaptureInfo i : infos) {
                items.add(new Json().put("name", i.name()).put("state", i.state()).put("recording", i.state().equals("recording"))
                        .put("ring", i.ring()).put("created_ns", i.createdNanos()).put("link_type", i.linkType())
                        .put("first_ns", i.firstTs()).put("last_ns", i.lastTs()).put("packets", i.packets())
                        .put("bytes", i.bytes()).put("chunks", i.chunks()).put("lost_packets", i.lostPackets())
                        .put("deleted_chunks", i.deletedChunks()).put("deleted_packets", i.deletedPackets()));
            }
            out.println(Json.array(items));
        } else if (infos.isEmpty()) {
            out.println("no captures in " + store.dir());
        } else {
            out.printf(Locale.ROOT, "%-32s %-11s %-19s %-19s %10s %12s %10s %7s %9s%n", "NAME", "STATE", "FIRST", "LAST",
                    "DURATION", "PACKETS", "BYTES", "CHUNKS", "LOST");
            for (CaptureInfo i : infos) {
                out.printf(Locale.ROOT, "%-32s %-11s %-19s %-19s %10s %12d %10s %7d %9d%s%n", i.name(), i.state(),
                        time(i.firstTs()), time(i.lastTs()), duration(i.lastTs() - i.firstTs(), i.chunks()), i.packets(),
                        ByteSizes.format(i.bytes()), i.chunks(), i.lostPackets(),
                        i.deletedChunks() > 0 ? "  (" + i.deletedChunks() + " chunks, " + i.deletedPackets()
                                + " packets deleted by retention)" : "");
            }
        }
        for (String p : problems) {
            System.err.println("pushcap captures: " + p);
        }
        return problems.isEmpty() ? ExitCodes.OK : ExitCodes.INCOMPLETE;
    }

    private static String time(long ns) {
        return ns == 0 ? "-" : TIME.format(Instant.ofEpochSecond(0, ns));
    }

    private static String duration(long ns, long chunks) {
        if (chunks == 0) {
            return "-";
        }
        long s = Math.max(0, ns) / 1_000_000_000L;
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
