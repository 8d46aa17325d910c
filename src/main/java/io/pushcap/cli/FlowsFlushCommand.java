package io.pushcap.cli;

import io.pushcap.PushcapException;
import io.pushcap.flow.FlowAddress;
import io.pushcap.flow.FlowFilter;
import io.pushcap.flow.control.FlowControlClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code pushcap flows flush --all | -i IFINDEX -p PROTO -s SRC -S SPORT -d DST -D DPORT}: ends the
 * matching flows of a live meter now (flowEndReason forced end); they are exported at once.
 */
@Command(name = "flush", mixinStandardHelpOptions = true, description = "End flows of a running meter now; they are exported.")
final class FlowsFlushCommand implements Callable<Integer> {
    @Option(names = "--all", description = "every flow")
    boolean all;

    @Option(names = "-i", paramLabel = "IFINDEX", description = "ingress interface")
    Long ifIndex;

    @Option(names = "-p", paramLabel = "PROTO", description = "IP protocol number")
    Integer protocol;

    @Option(names = "-s", paramLabel = "SRC", description = "source address")
    String src;

    @Option(names = "-S", paramLabel = "SPORT", description = "source port")
    Integer srcPort;

    @Option(names = "-d", paramLabel = "DST", description = "destination address")
    String dst;

    @Option(names = "-D", paramLabel = "DPORT", description = "destination port")
    Integer dstPort;

    @Option(names = "--control", paramLabel = "PATH", defaultValue = FlowsCommand.DEFAULT_CONTROL,
            description = "the meter's control socket (default ${DEFAULT-VALUE})")
    Path control;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        FlowFilter filter = filter();
        long n = new FlowControlClient(control).flush(filter);
        spec.commandLine().getOut().println("flushed " + n + " flows");
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }

    FlowFilter filter() {
        boolean any = ifIndex != null || protocol != null || src != null || srcPort != null || dst != null || dstPort != null;
        if (all == any) {
            throw new PushcapException(all ? "--all and -i/-p/-s/-S/-d/-D exclude each other"
                    : "say which flows: --all, or any of -i IFINDEX -p PROTO -s SRC -S SPORT -d DST -D DPORT");
        }
        if (all) {
            return FlowFilter.ALL;
        }
        check("-i", ifIndex, 0xffff_ffffL);
        check("-p", protocol == null ? null : (long) protocol, 255);
        check("-S", srcPort == null ? null : (long) srcPort, 65_535);
        check("-D", dstPort == null ? null : (long) dstPort, 65_535);
        return new FlowFilter(ifIndex == null ? -1 : ifIndex, protocol == null ? -1 : protocol,
                src == null ? null : FlowAddress.parse(src, "-s"), srcPort == null ? -1 : srcPort,
                dst == null ? null : FlowAddress.parse(dst, "-d"), dstPort == null ? -1 : dstPort);
    }

    private static void check(String option, Long v, long max) {
        if (v != null && (v < 0 || v > max)) {
            throw new PushcapException(option + " " + v + " (expected 0.." + max + ")");
        }
    }
}
