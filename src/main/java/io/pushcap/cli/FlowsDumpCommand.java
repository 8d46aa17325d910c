package io.pushcap.cli;

import io.pushcap.flow.FlowAddress;
import io.pushcap.flow.FlowEntry;
import io.pushcap.flow.control.FlowControlClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code pushcap flows dump [-o normal|wide|json]}: prints a live meter's flow cache, one flow a
 * line as {@code IFINDEX PROTO SRC DST PKTS BYTES} (wide adds START END FINISHED).
 */
@Command(name = "dump", mixinStandardHelpOptions = true, description = "Print a running meter's flow cache.")
final class FlowsDumpCommand implements Callable<Integer> {
    enum Format { normal, wide, json }

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "normal",
            description = "normal, wide (adds start, end, finished) or json")
    Format format;

    @Option(names = "--control", paramLabel = "PATH", defaultValue = FlowsCommand.DEFAULT_CONTROL,
            description = "the meter's control socket (default ${DEFAULT-VALUE})")
    Path control;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        List<FlowEntry> flows = new FlowControlClient(control).dump();
        PrintWriter out = spec.commandLine().getOut();
        if (format == Format.json) {
            out.print(json(flows));
        } else {
            out.println(format == Format.wide ? "IFINDEX PROTO SRC DST PKTS BYTES START END FINISHED"
                    : "IFINDEX PROTO SRC DST PKTS BYTES");
            for (FlowEntry e : flows) {
                StringBuilder s = new StringBuilder();
                s.append(Integer.toUnsignedString(e.ifIndex())).append(' ').append(e.protocol()).append(' ')
                        .append(endpoint(e.src(), e.srcPort())).append(' ').append(endpoint(e.dst(), e.dstPort()))
                        .append(' ').append(e.packets()).append(' ').append(e.octets());
                if (format == Format.wide) {
                    s.append(' ').append(Instant.ofEpochSecond(0, e.firstNanos())).append(' ')
                            .append(Instant.ofEpochSecond(0, e.lastNanos())).append(' ').append(e.finished() ? "yes" : "no");
                }
                out.println(s);
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    static String endpoint(FlowAddress a, int port) {
        return a.version() == 6 ? "[" + a + "]:" + port : a + ":" + port;
    }

    static String json(List<FlowEntry> flows) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < flows.size(); i++) {
            FlowEntry e = flows.get(i);
            s.append(i == 0 ? "\n" : ",\n").append("  {\"ifindex\": ").append(Integer.toUnsignedString(e.ifIndex()))
                    .append(", \"vlan\": ").append(e.outerVlan()).append(", \"inner_vlan\": ").append(e.innerVlan())
                    .append(", \"ip_version\": ").append(e.ipVersion()).append(", \"proto\": ").append(e.protocol())
                    .append(", \"src\": \"").append(e.src()).append("\", \"sport\": ").append(e.srcPort())
                    .append(", \"dst\": \"").append(e.dst()).append("\", \"dport\": ").append(e.dstPort())
                    .append(", \"icmp_type\": ").append(e.icmpTypeCode() >>> 8).append(", \"icmp_code\": ")
                    .append(e.icmpTypeCode() & 0xff).append(", \"packets\": ").append(e.packets())
                    .append(", \"bytes\": ").append(e.octets()).append(", \"start\": \"")
                    .append(Instant.ofEpochSecond(0, e.firstNanos())).append("\", \"end\": \"")
                    .append(Instant.ofEpochSecond(0, e.lastNanos())).append("\", \"start_ns\": ").append(e.firstNanos())
                    .append(", \"end_ns\": ").append(e.lastNanos()).append(", \"tcp_flags\": ").append(e.tcpFlags())
                    .append(", \"finished\": ").append(e.finished()).append('}');
        }
        return s.append(flows.isEmpty() ? "]\n" : "\n]\n").toString();
    }
}
