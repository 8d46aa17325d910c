package io.pushcap.flow.control;

import io.pushcap.PushcapException;
import io.pushcap.flow.FlowAddress;
import io.pushcap.flow.FlowEntry;
import io.pushcap.flow.FlowFilter;

import java.util.ArrayList;
import java.util.List;

/**
 * The text protocol of a live meter's control socket (a UNIX stream socket): the client sends one
 * request line, the server answers with lines and closes.
 *
 * <pre>
 *   request  = "pushcap-flows 1 " command LF
 *   command  = "dump" | "status" | "flush all" | "flush" 1*(SP field "=" value)
 *   field    = "if" | "proto" | "src" | "sport" | "dst" | "dport"
 *   response = *("flow" SP flow-fields LF | status-line LF) ("ok" SP count | "error" SP message) LF
 *   status-line = "status" SP key SP value | "collector" SP label 4(SP number)   (see {@link MeterStatus})
 *   flow-fields = ifindex vlan inner-vlan proto src sport dst dport icmp-type-code
 *                 packets octets first-ns last-ns finished(0|1) tcp-flags   (space separated)
 * </pre>
 *
 * The version number lets a newer client refuse an older server (and the reverse) with a clear
 * message instead of misreading it.
 *
 * <p><b>Note:</b> stateless and thread-safe.
 */
public final class FlowControlProtocol {
    public static final String MAGIC = "pushcap-flows";
    public static final int VERSION = 1;
    /** A request line longer than this is refused. */
    public static final int MAX_REQUEST = 4096;

    private FlowControlProtocol() {
    }

    /** A parsed request: a dump, a status, or a flush with its filter (null for the others). */
    public record Request(boolean dump, FlowFilter filter, boolean status) {
        public Request(boolean dump, FlowFilter filter) {
            this(dump, filter, false);
        }
    }

    public static String statusRequest() {
        return MAGIC + " " + VERSION + " status";
    }

    public static String dumpRequest() {
        return MAGIC + " " + VERSION + " dump";
    }

    public static String flushRequest(FlowFilter f) {
        if (f.matchesAll()) {
            return MAGIC + " " + VERSION + " flush all";
        }
        StringBuilder s = new StringBuilder(MAGIC + " " + VERSION + " flush");
        if (f.ifIndex() >= 0) {
            s.append(" if=").append(f.ifIndex());
        }
        if (f.protocol() >= 0) {
            s.append(" proto=").append(f.protocol());
        }
        if (f.src() != null) {
            s.append(" src=").append(f.src());
        }
        if (f.srcPort() >= 0) {
            s.append(" sport=").append(f.srcPort());
        }
        if (f.dst() != null) {
            s.append(" dst=").append(f.dst());
        }
        if (f.dstPort() >= 0) {
            s.append(" dport=").append(f.dstPort());
        }
        return s.toString();
    }

    /** Parses a request line; errors name what was wrong. */
    public static Request parseRequest(String line) {
        String[] w = line.trim().split(" +");
        if (w.length < 3 || !w[0].equals(MAGIC)) {
            throw new PushcapException("not a pushcap flow control request: '" + line + "'");
        }
        if (!w[1].equals(String.valueOf(VERSION))) {
            throw new PushcapException("control protocol version " + w[1] + " (this meter speaks " + VERSION + ")");
        }
        if (w[2].equals("dump") && w.length == 3) {
            return new Request(true, null);
        }
        if (w[2].equals("status") && w.length == 3) {
            return new Request(false, null, true);
        }
        if (!w[2].equals("flush")) {
            throw new PushcapException("unknown control command '" + w[2] + "' (expected dump, status or flush)");
        }
        if (w.length == 4 && w[3].equals("all")) {
            return new Request(false, FlowFilter.ALL);
        }
        if (w.length == 3) {
            throw new PushcapException("flush needs 'all' or at least one field");
        }
        long ifIndex = -1;
        int proto = -1;
        int sport = -1;
        int dport = -1;
        FlowAddress src = null;
        FlowAddress dst = null;
        for (int i = 3; i < w.length; i++) {
            int eq = w[i].indexOf('=');
            if (eq <= 0) {
                throw new PushcapException("flush field '" + w[i] + "' (expected NAME=VALUE)");
            }
            String k = w[i].substring(0, eq);
            String v = w[i].substring(eq + 1);
            switch (k) {
                case "if" -> ifIndex = numberLong(v, "if", 0xffff_ffffL);
                case "proto" -> proto = number(v, "proto", 255);
                case "sport" -> sport = number(v, "sport", 65_535);
                case "dport" -> dport = number(v, "dport", 65_535);
                case "src" -> src = FlowAddress.parse(v, "src");
                case "dst" -> dst = FlowAddress.parse(v, "dst");
                default -> throw new PushcapException("flush field '" + k + "' (expected if, proto, src, sport, dst, dport)");
            }
        }
        return new Request(false, new FlowFilter(ifIndex, proto, src, sport, dst, dport));
    }

    private static int number(String v, String what, long max) {
        return (int) numberLong(v, what, max);
    }

    private static long numberLong(String v, String what, long max) {
        try {
            long n = Long.parseLong(v);
            if (n >= 0 && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new PushcapException(what + " '" + v + "' (expected 0.." + max + ")");
    }

    /** One flow as a response line. */
    public static String flowLine(FlowEntry e) {
        return "flow " + Integer.toUnsignedString(e.ifIndex()) + " " + e.outerVlan() + " " + e.innerVlan() + " "
                + e.protocol() + " " + e.src() + " " + e.srcPort() + " " + e.dst() + " " + e.dstPort() + " "
                + e.icmpTypeCode() + " " + e.packets() + " " + e.octets() + " " + e.firstNanos() + " " + e.lastNanos()
                + " " + (e.finished() ? 1 : 0) + " " + e.tcpFlags();
    }

    /** Parses a "flow ..." response line. */
    public static FlowEntry parseFlowLine(String line) {
        String[] w = line.split(" ");
        if (w.length != 16 || !w[0].equals("flow")) {
            throw new PushcapException("malformed flow line from the meter: '" + line + "'");
        }
        try {
            return new FlowEntry((int) Long.parseLong(w[1]), Integer.parseInt(w[2]), Integer.parseInt(w[3]),
                    Integer.parseInt(w[4]), FlowAddress.parse(w[5], "src"), Integer.parseInt(w[6]),
                    FlowAddress.parse(w[7], "dst"), Integer.parseInt(w[8]), Integer.parseInt(w[9]),
                    Long.parseLong(w[10]), Long.parseLong(w[11]), Long.parseLong(w[12]), Long.parseLong(w[13]),
                    Integer.parseInt(w[15]), w[14].equals("1"));
        } catch (NumberFormatException e) {
            throw new PushcapException("malformed flow line from the meter: '" + line + "'");
        }
    }

    /** Splits a response into its flow lines and final count; an "error" line becomes an exception. */
    public static List<FlowEntry> parseResponse(List<String> lines, long[] count) {
        List<FlowEntry> flows = new ArrayList<>();
        for (String l : lines) {
            if (l.startsWith("flow ")) {
                flows.add(parseFlowLine(l));
            } else if (l.startsWith("ok ")) {
                count[0] = Long.parseLong(l.substring(3).trim());
                return flows;
            } else if (l.startsWith("error ")) {
                throw new PushcapException(l.substring(6));
            } else {
                throw new PushcapException("unexpected line from the meter: '" + l + "'");
            }
        }
        throw new PushcapException("the meter closed the connection before answering");
    }
}
