package io.pushcap.cli;

import io.pushcap.internal.Json;
import io.pushcap.PushcapException;
import io.pushcap.ring.ByteSizes;
import io.pushcap.ring.RingFile;
import io.pushcap.ring.RingInfo;
import io.pushcap.ring.RingPaths;
import io.pushcap.ring.RingRates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code pushcap io RING...}: live I/O rates like fluxcap {@code -io}: per ring packets/s and
 * Mbit/s in and kernel drops; per reader its rate, lag (packets, bytes, seconds), laps and losses,
 * and the seconds left before the writer overtakes it at current rates, with a warning below
 * {@code --warn} seconds. Redraws every interval on a terminal; otherwise prints a block (or one
 * JSON line per ring with {@code --json}) per interval; {@code --once} prints one and exits.
 */
@Command(name = "io", description = "Live rates of rings and their readers (fluxcap -io).", mixinStandardHelpOptions = true)
final class IoCommand implements java.util.concurrent.Callable<Integer> {
    private static final String CLEAR = "\033[H\033[2J";

    @Option(names = "--once", description = "measure one interval, print, exit")
    boolean once;

    @Option(names = "--json", description = "one JSON object per ring and interval")
    boolean json;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "1", description = "measuring interval (default 1)")
    double interval;

    @Option(names = "--warn", paramLabel = "SECONDS", defaultValue = "10",
            description = "warn when a reader would be overtaken within this many seconds (default 10)")
    double warn;

    @Option(names = "--dir", paramLabel = "DIR", description = RingCommand.DIR_HELP)
    Path dir;

    @Parameters(arity = "1..*", paramLabel = "RING")
    List<String> names;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (interval <= 0) {
            throw new PushcapException("--interval: " + interval + " (expected seconds > 0)");
        }
        List<RingFile> rings = new ArrayList<>();
        CountDownLatch stop = new CountDownLatch(1);
        try (StopOnSignal signal = StopOnSignal.install(stop::countDown)) {
            for (String n : names) {
                rings.add(RingFile.openReadOnly(RingPaths.resolve(n, dir)));
            }
            boolean terminal = System.console() != null && !json;
            PrintWriter out = spec.commandLine().getOut();
            List<RingInfo> before = snapshot(rings);
            while (!stop.await((long) (interval * 1e9), TimeUnit.NANOSECONDS)) {
                List<RingInfo> after = snapshot(rings);
                StringBuilder b = new StringBuilder(terminal ? CLEAR : "");
                for (int i = 0; i < rings.size(); i++) {
                    RingRates r = RingRates.between(before.get(i), after.get(i), warn);
                    b.append(json ? RingJson.rates(r).toString() : text(r)).append('\n');
                }
                out.print(b);
                out.flush();
                before = after;
                if (once) {
                    break;
                }
            }
        } finally {
            rings.forEach(RingFile::close);
        }
        return ExitCodes.OK;
    }

    private static List<RingInfo> snapshot(List<RingFile> rings) {
        List<RingInfo> l = new ArrayList<>();
        rings.forEach(r -> l.add(r.info()));
        return l;
    }

    static String text(RingRates r) {
        RingInfo i = r.info();
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "ring %s  writer %s  in %,.0f pkt/s  %.2f Mbit/s  kernel drops %d (+%.0f/s)"
                        + "  if drops %d",
                i.path(), i.writerPid() == 0 ? "none" : "pid " + i.writerPid() + (i.writerAlive() ? "" : " (gone)")
                        + (i.writerSource().isEmpty() ? "" : " " + i.writerSource()),
                r.packetsPerSecond(), r.mbitPerSecond(), i.kernelDrops(), r.kernelDropsPerSecond(), i.interfaceDrops()));
        for (RingRates.ReaderRate rr : r.readers()) {
            RingInfo.Reader x = rr.reader();
            b.append(String.format(Locale.ROOT, "%n  reader %-20s %-5s pid %-7d %,10.0f pkt/s  lag %s pkts / %s / %s"
                            + "  laps %d  lost %d  overtaken in %s%s",
                    x.name(), x.state(), x.pid(), rr.packetsPerSecond(),
                    rr.lagPackets() < 0 ? "?" : Long.toString(rr.lagPackets()), ByteSizes.format(rr.lagBytes()),
                    Double.isNaN(rr.lagSeconds()) ? "-" : String.format(Locale.ROOT, "%.3f s", rr.lagSeconds()),
                    x.laps(), x.lost(),
                    Double.isInfinite(rr.secondsToOvertake()) ? "never" : String.format(Locale.ROOT, "%.1f s", rr.secondsToOvertake()),
                    rr.warn() ? "  WARNING: falling behind, will lose packets" : ""));
        }
        return b.toString();
    }
}
