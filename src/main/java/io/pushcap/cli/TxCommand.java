package io.pushcap.cli;

import io.pushcap.PushcapException;
import io.pushcap.internal.net.TunnelKey;
import io.pushcap.internal.net.TunnelSpec;
import io.pushcap.metrics.MetricsRegistry;
import io.pushcap.pcap.Packet;
import io.pushcap.ring.RingFile;
import io.pushcap.ring.RingPaths;
import io.pushcap.ring.RingReader;
import io.pushcap.sink.tap.TapCounters;
import io.pushcap.sink.tap.TapOptions;
import io.pushcap.sink.tap.TapSender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code pushcap tx -i IFACE RING} re-transmits a ring's packets out of a NIC byte for byte
 * (fluxcap {@code -tx -i eth2 cisco}); {@code -E gretap:IP|gre:IP|erspan:IP|erspan3:IP|vxlan:IP[:PORT]}
 * sends them through a tunnel instead, with {@code -K} as key, VNI or session ID. Each tx reads
 * the ring through its own reader slot, so several may replicate one ring, and several rings may
 * go out of one NIC. Runs until SIGINT/SIGTERM ({@code --once}: until the ring holds nothing
 * more), then prints a summary on stderr.
 */
@Command(name = "tx", versionProvider = VersionProvider.class,
        description = "Re-transmit a ring's packets out of a NIC (-i) or through a GRE/GRETAP/ERSPAN/VXLAN tunnel (-E)"
                + " (fluxcap -tx).")
final class TxCommand implements Callable<Integer> {
    /** -h/--help and --version: -V is fluxcap's VLAN option here, so not picocli's standard mixin. */
    @picocli.CommandLine.Mixin
    HelpOnly helpOnly;

    private static final Logger LOG = LoggerFactory.getLogger(TxCommand.class);
    private static final long IDLE_WAIT_NANOS = 100_000_000L;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @Option(names = {"-i", "--interface"}, paramLabel = "IFACE",
            description = "NIC to send out of; with a GRE-type -E, the only interface the tunnel may leave by")
    String iface;

    @Option(names = {"-E", "--encap"}, paramLabel = "MODE:IP",
            description = "tunnel: gretap:IP, gre:IP, erspan:IP (type II), erspan3:IP or vxlan:IP[:PORT] (default port 4789)")
    String encap;

    @Option(names = {"-K", "--key"}, paramLabel = "KEY",
            description = "GRE key, VXLAN VNI (24 bits) or ERSPAN session ID (0..1023): a number or a dotted quad")
    String key;

    @Option(names = {"-s", "--snaplen"}, paramLabel = "N",
            description = "send at most N bytes of each packet (the frame; for gre the IP packet), e.g. -s 1476")
    Integer snaplen;

    @Option(names = {"-V", "--vlan"}, paramLabel = "VLAN", description = "insert an 802.1Q tag with this VLAN ID (outermost)")
    Integer vlan;

    @Option(names = "--strip-vlan", description = "remove the outermost VLAN tag (before -V inserts one)")
    boolean stripVlan;

    @Option(names = "--max-mbps", paramLabel = "MBPS", description = "rate cap in Mbit/s; waits, never drops (default none)")
    double maxMbps;

    @Option(names = "--dont-fragment", description = "drop (and count) tunnel packets larger than the path MTU instead of"
            + " sending IP fragments")
    boolean dontFragment;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "64", description = "packets per system call (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--qdisc-bypass", description = "NIC: skip the interface's queueing discipline (PACKET_QDISC_BYPASS)")
    boolean qdiscBypass;

    @Option(names = "--from-start", description = "start at the oldest packet still in the ring (default: new packets only)")
    boolean fromStart;

    @Option(names = "--once", description = "exit when the ring holds nothing more to send (with --from-start: send the"
            + " ring's contents once)")
    boolean once;

    @Option(names = {"-c", "--count"}, paramLabel = "N", description = "exit after N packets")
    long count = -1;

    @Option(names = "--name", paramLabel = "READER", description = "reader slot name (default tx-PID)")
    String readerName;

    @Option(names = "--dir", paramLabel = "DIR", description = RingCommand.DIR_HELP)
    Path dir;

    @Parameters(index = "0", paramLabel = "RING")
    String ring;

    private volatile boolean stopping;

    @Override
    public Integer call() throws Exception {
        String name = readerName != null ? readerName : "tx-" + ProcessHandle.current().pid();
        TapOptions options = options(name);
        RingReader.Start start = fromStart ? RingReader.Start.OLDEST : RingReader.Start.LATEST;
        // The sender first: a missing interface or route is reported before the ring is touched.
        try (StopOnSignal signal = StopOnSignal.install(() -> stopping = true);
             TapSender sender = TapSender.open(options, MetricsRegistry.global(), false);
             RingFile rf = RingFile.open(RingPaths.resolve(ring, dir));
             RingReader reader = rf.reader(new RingReader.Options(name, start))) {
            LOG.info("tx ring {} -> {}", rf.path(), options.destination());
            transmit(reader, sender, rf);
        }
        return ExitCodes.OK;
    }

    private TapOptions options(String name) {
        TunnelSpec spec = encap == null ? null : TunnelSpec.parse("-E", encap, false);
        long k = -1;
        if (key != null) {
            if (spec == null) {
                throw new PushcapException("tx: -K " + key + " needs a tunnel (-E): a NIC re-transmits frames unchanged");
            }
            k = TunnelKey.parse("-K", key, spec.type());
        }
        if (count == 0 || count < -1) {
            throw new PushcapException("tx: -c " + count + " (expected a packet count > 0)");
        }
        if (maxMbps < 0) {
            throw new PushcapException("tx: --max-mbps " + maxMbps + " (expected Mbit/s > 0)");
        }
        return new TapOptions("tx " + name, spec, k, iface, snaplen == null ? 0 : snaplen, vlan == null ? -1 : vlan,
                stripVlan, maxMbps, dontFragment, batch, qdiscBypass)
                .validate("tx: ", "-E", "-K", "-i", "-s", "-V", "--strip-vlan");
    }

    private void transmit(RingReader reader, TapSender sender, RingFile rf) throws Exception {
        Packet p = new Packet();
        long read = 0;
        long first = 0;
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        try {
            while (!stopping && (count < 0 || read < count)) {
                if (reader.nextView(p)) {
                    if (read++ == 0) {
                        first = System.nanoTime();
                    }
                    sender.send(p);
                    if (!reader.stillValid()) {
                        // Overwritten while we copied it: the ring counts it lost; do not send garbage.
                        sender.cancelLast();
                    }
                    continue;
                }
                sender.flush();
                if (once) {
                    break;
                }
                reader.await(IDLE_WAIT_NANOS);
            }
            sender.flush();
        } finally {
            summary(sender, reader, rf, first == 0 ? 0 : System.nanoTime() - first,
                    THREADS.getCurrentThreadCpuTime() - cpu0);
        }
    }

    private static void summary(TapSender s, RingReader reader, RingFile rf, long nanos, long cpuNanos) {
        TapCounters c = s.counters();
        double secs = nanos / 1e9;
        long packets = s.sent();
        double pps = secs > 0 ? packets / secs : 0;
        double gbps = secs > 0 ? c.sentBytes.get() * 8 / secs / 1e9 : 0;
        // CPU time of the sending thread (user + system, the kernel's send path included): a figure
        // that other load on the machine disturbs less than the packet rate.
        LOG.info(String.format(Locale.ROOT, "tx ring %s -> %s: sent %d packets, %d bytes in %.3f s (%.0f pps, %.3f Gbit/s;"
                        + " cpu %.3f s, %.2f us/packet); dropped %s; truncated %d, fragmented %d, retries %d,"
                        + " throttled %.1f ms; ring losses %d",
                rf.path(), s.destination(), packets, c.sentBytes.get(), secs, pps, gbps, cpuNanos / 1e9,
                packets > 0 ? cpuNanos / 1e3 / packets : 0, c.drops(), c.truncated.get(), c.fragmented.get(),
                c.retries.get(), c.throttledNanos.get() / 1e6, reader.lostPackets()));
    }
}
