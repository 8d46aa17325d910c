package io.pushcap.cli;

import io.pushcap.internal.ffm.LibC;
import io.pushcap.metrics.Counter;
import io.pushcap.metrics.MetricsRegistry;
import io.pushcap.pcap.Packet;
import io.pushcap.pcap.PcapWriter;
import io.pushcap.pcap.TimestampPrecision;
import io.pushcap.ring.RingFile;
import io.pushcap.ring.RingPaths;
import io.pushcap.ring.RingReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code pushcap cat RING}: writes a ring's live stream to stdout as pcap with ns timestamps, so
 * {@code pushcap cat r | tshark -r -} works. Output is flushed whenever the reader catches up, so
 * a pipe sees packets within milliseconds. Stops on SIGINT/SIGTERM, after {@code --count}
 * packets, or quietly when the pipe's reader goes away.
 */
@Command(name = "cat", description = "Write a ring's live stream to stdout as pcap (ns): pushcap cat r | tshark -r -",
        mixinStandardHelpOptions = true)
final class CatCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(CatCommand.class);

    @Parameters(index = "0", paramLabel = "RING")
    String name;

    @Option(names = "--dir", paramLabel = "DIR", description = RingCommand.DIR_HELP)
    Path dir;

    @Option(names = "--from-start", description = "start at the oldest packet still in the ring (default: new packets only)")
    boolean fromStart;

    @Option(names = "--name", paramLabel = "READER", description = "reader slot name (default cat-PID)")
    String readerName;

    @Option(names = {"-c", "--count"}, paramLabel = "N", description = "exit after N packets")
    long count = -1;

    private volatile boolean stopping;

    @Override
    public Integer call() throws IOException, InterruptedException {
        String rn = readerName != null ? readerName : "cat-" + ProcessHandle.current().pid();
        RingReader.Start start = fromStart ? RingReader.Start.OLDEST : RingReader.Start.LATEST;
        try (StopOnSignal signal = StopOnSignal.install(() -> stopping = true);
             RingFile ring = RingFile.open(RingPaths.resolve(name, dir));
             RingReader reader = ring.reader(new RingReader.Options(rn, start))) {
            Counter skipped = MetricsRegistry.global().counter("pushcap_cat_linktype_skipped_total",
                    "Packets cat left out because their link type differs from the output's",
                    MetricsRegistry.labels("ring", ring.path().toString()));
            copy(ring, reader, skipped);
        }
        return ExitCodes.OK;
    }

    private void copy(RingFile ring, RingReader reader, Counter skipped) throws IOException, InterruptedException {
        FileChannel stdout = new FileOutputStream(FileDescriptor.out).getChannel();
        PcapWriter out = null;
        Packet p = new Packet();
        long n = 0;
        try {
            while (!stopping && (count < 0 || n < count)) {
                if (!reader.next(p)) {
                    if (out != null) {
                        out.flush();
                    }
                    if (LibC.peerClosed(1)) {
                        LOG.debug("cat: stdout closed after {} packets", n);
                        return;
                    }
                    reader.await(100_000_000L);
                    continue;
                }
                if (out == null) {
                    int snap = ring.snaplen() > 0 ? ring.snaplen() : 262_144;
                    out = new PcapWriter(stdout, p.linkType(), snap, TimestampPrecision.NANO);
                }
                if (p.linkType() != out.linkType()) {
                    skipped.increment();
                    continue;
                }
                out.write(p);
                n++;
            }
            if (out != null) {
                out.flush();
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("Broken pipe")) {
                throw e;
            }
            LOG.debug("cat: stdout closed after {} packets", n);
        }
        if (skipped.get() > 0) {
            LOG.warn("cat {}: left out {} packets of another link type than the first one", ring.path(), skipped.get());
        }
    }
}
