package io.pushcap.cli;

import io.pushcap.PushcapException;
import io.pushcap.capture.FileReplayer;
import io.pushcap.capture.InterfaceReceiver;
import io.pushcap.capture.tunnel.TunnelCounters;
import io.pushcap.capture.tunnel.TunnelReceiver;
import io.pushcap.internal.net.NativeSocket;
import io.pushcap.internal.net.TunnelKey;
import io.pushcap.internal.net.TunnelSpec;
import io.pushcap.ring.ByteSizes;
import io.pushcap.ring.RingFile;
import io.pushcap.ring.RingInfo;
import io.pushcap.ring.RingPaths;
import io.pushcap.ring.RingWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code pushcap rx -i IFACE RING} captures a NIC into a ring (fluxcap {@code -rx -i eth1 cisco});
 * {@code pushcap rx -r FILE RING} loads a capture file into one; {@code pushcap rx -E
 * gretap[:IP]|gre[:IP]|erspan[:IP]|vxlan[:IP][:PORT] [-i IFACE] [-K KEY] RING} receives a tap sent
 * through a tunnel and stores the inner frames. Runs until SIGINT/SIGTERM (or the file's end), then
 * releases the ring's writer slot and prints a summary on stderr.
 */
@Command(name = "rx", description = "Capture an interface (-i), load a capture file (-r) or receive a tunnelled tap (-E)"
        + " into a ring (fluxcap -rx).", versionProvider = VersionProvider.class)
final class RxCommand implements Callable<Integer> {
    /** -h/--help and --version: -V is fluxcap's VLAN option here, so not picocli's standard mixin. */
    @picocli.CommandLine.Mixin
    HelpOnly helpOnly;

    private static final Logger LOG = LoggerFactory.getLogger(RxCommand.class);

    @Option(names = {"-i", "--interface"}, paramLabel = "IFACE",
            description = "network interface to capture; with -E, receive the tunnel on this interface only")
    String iface;

    @Option(names = {"-E", "--encap"}, paramLabel = "MODE[:IP]",
            description = "receive a tunnel: gretap[:IP], gre[:IP], erspan[:IP] or vxlan[:IP][:PORT] (IP: a local address)")
    String encap;

    @Option(names = {"-K", "--key"}, paramLabel = "KEY",
            description = "with -E: keep only this GRE key, VXLAN VNI or ERSPAN session ID (a number or a dotted quad)")
    String key;

    @Option(names = {"-r", "--read"}, paramLabel = "FILE", description = "pcap or pcapng file to load instead")
    Path file;

    @Option(names = "--topspeed", description = "with -r: as fast as possible instead of at the recorded pace")
    boolean topspeed;

    @Option(names = {"-V", "--vlan"}, paramLabel = "VLAN", description = "insert an 802.1Q tag with this id (outermost)")
    Integer vlan;

    @Option(names = {"-s", "--snaplen"}, paramLabel = "SNAPLEN", description = "keep at most this many bytes per packet")
    Integer snaplen;

    @Option(names = {"-f", "--filter"}, paramLabel = "BPF", description = "tcpdump filter expression")
    String filter;

    @Option(names = {"-B", "--buffer"}, paramLabel = "BUFSIZE", defaultValue = "32m",
            description = "kernel capture buffer, k/m/g suffixes (default 32m)")
    String buffer;

    @Option(names = "--timeout", paramLabel = "MS", defaultValue = "10",
            description = "longest a captured packet waits in the kernel before delivery (default 10 ms)")
    int timeoutMillis;

    @Option(names = "--dir", paramLabel = "DIR", description = RingCommand.DIR_HELP)
    Path dir;

    @Parameters(index = "0", paramLabel = "RING")
    String ring;

    private volatile boolean stopRequested;
    private volatile Runnable stopper;

    @Override
    public Integer call() throws Exception {
        validate();
        // Outermost: the JVM may halt once this is closed, so the ring's writer slot is released first.
        try (StopOnSignal signal = StopOnSignal.install(this::stop)) {
            receive();
        }
        return ExitCodes.OK;
    }

    private void stop() {
        stopRequested = true;
        Runnable s = stopper;
        if (s != null) {
            s.run();
        }
    }

    private void receive() throws Exception {
        int v = vlan == null ? -1 : vlan;
        int s = snaplen == null ? 0 : snaplen;
        if (encap != null) {
            receiveTunnel(v, s);
            return;
        }
        try (RingFile rf = RingFile.open(RingPaths.resolve(ring, dir));
             RingWriter writer = rf.writer(iface != null ? iface : file.getFileName().toString())) {
            if (iface != null) {
                long buf = ByteSizes.parse(buffer, "-B");
                InterfaceReceiver rx = new InterfaceReceiver(new InterfaceReceiver.Options(iface, v, s, filter,
                        (int) Math.min(Integer.MAX_VALUE, buf), timeoutMillis), writer);
                stopper = rx::stop;
                if (!stopRequested) {
                    LOG.info("rx {}: capturing into ring {}", iface, rf.path());
                    rx.run();
                }
            } else {
                FileReplayer rx = new FileReplayer(new FileReplayer.Options(file, v, s, filter, topspeed), writer);
                stopper = rx::stop;
                if (!stopRequested) {
                    rx.run();
                }
            }
            RingInfo i = rf.info();
            LOG.info("rx {} -> ring {}: {} packets, {} bytes in the ring; kernel drops {}, interface drops {},"
                            + " restarts {}", iface != null ? iface : file, rf.path(), i.packets(), i.bytes(),
                    i.kernelDrops(), i.interfaceDrops(), i.sourceRestarts());
        }
    }

    private void receiveTunnel(int v, int s) {
        TunnelSpec spec = TunnelSpec.parse("-E", encap, true);
        long k = key == null ? -1 : TunnelKey.parse("-K", key, spec.type());
        long buf = ByteSizes.parse(buffer, "-B");
        if (iface != null && NativeSocket.ifIndex(iface) <= 0) {
            throw new PushcapException("rx -i " + iface + ": no such interface (see `ip link`)");
        }
        try (RingFile rf = RingFile.open(RingPaths.resolve(ring, dir));
             RingWriter writer = rf.writer("-E " + encap);
             TunnelReceiver rx = new TunnelReceiver(new TunnelReceiver.Options(spec, k, iface, v, s, filter,
                     (int) Math.min(Integer.MAX_VALUE, buf)), writer)) {
            stopper = rx::stop;
            if (!stopRequested) {
                rx.run();
            }
            TunnelCounters c = rx.counters();
            LOG.info("rx -E {} -> ring {}: received {}, accepted {}, filtered {}; dropped {}", encap, rf.path(),
                    c.received.get(), c.accepted.get(), c.filtered.get(), c.drops());
        }
    }

    private void validate() {
        if (encap != null) {
            if (file != null || topspeed) {
                throw new PushcapException("rx: -E receives a tunnel; it cannot be combined with " + (file != null
                        ? "-r FILE" : "--topspeed"));
            }
        } else if (key != null) {
            throw new PushcapException("rx: -K " + key + " needs -E (the key of a GRE, ERSPAN or VXLAN tunnel)");
        } else if ((iface == null) == (file == null)) {
            throw new PushcapException("rx: give exactly one of -i IFACE (capture) or -r FILE (load a file), or -E MODE to receive a tunnel");
        }
        if (topspeed && file == null) {
            throw new PushcapException("rx: --topspeed applies to -r FILE only");
        }
        if (vlan != null && (vlan < 0 || vlan > 4095)) {
            throw new PushcapException("rx: -V " + vlan + " (expected a VLAN id 0..4095)");
        }
        if (snaplen != null && snaplen <= 0) {
            throw new PushcapException("rx: -s " + snaplen + " (expected a snapshot length > 0)");
        }
        if (timeoutMillis <= 0) {
            throw new PushcapException("rx: --timeout " + timeoutMillis + " (expected milliseconds > 0)");
        }
    }
}
