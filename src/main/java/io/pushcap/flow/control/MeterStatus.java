package io.pushcap.flow.control;

import io.pushcap.PushcapException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code flows status} reports about a running meter (the seed's {@code flowctl meter
 * status}): its source, the cache size and how many flows it holds, what was metered, exported
 * and dropped, and the same per collector.
 *
 * <p>On the control socket each field is a line {@code status KEY VALUE} and each collector a line
 * {@code collector LABEL MESSAGES RECORDS DROPPED ERRORS}; unknown keys are skipped so that a
 * newer meter can add some.
 *
 * <p><b>Note:</b> immutable and thread-safe.
 *
 * @param source          what is metered ("interface eth1 in netns ns0 (ifindex 3)")
 * @param cacheSize       flows the cache can hold ({@code --max-flows})
 * @param flows           flows in the cache now
 * @param packets         packets metered into a flow
 * @param notMetered      packets read but not metered (not IP, or a malformed IP header)
 * @param captureDropped  packets the capture lost before the meter saw them (kernel drops)
 * @param created         flows created since the start
 * @param exported        flows ended and encoded as IPFIX data records
 * @param dropped         data records not delivered, summed over the collectors
 * @param collectors      one entry per collector
 */
public record MeterStatus(String source, int cacheSize, int flows, long packets, long notMetered, long captureDropped,
                          long created, long exported, long dropped, List<Collector> collectors) {

    /**
     * One collector's share.
     *
     * @param label    "host:port/udp"
     * @param messages IPFIX messages sent
     * @param records  data records sent
     * @param dropped  data records not delivered (send error, TCP down or backlogged)
     * @param errors   sends that failed
     */
    public record Collector(String label, long messages, long records, long dropped, long errors) {
    }

    public MeterStatus {
        collectors = List.copyOf(collectors);
    }

    /** The status as control-socket lines (without the final "ok"). */
    public List<String> lines() {
        List<String> l = new ArrayList<>();
        l.add("status source " + source.replace('\n', ' '));
        l.add("status cache_size " + cacheSize);
        l.add("status flows " + flows);
        l.add("status packets " + packets);
        l.add("status not_metered " + notMetered);
        l.add("status capture_dropped " + captureDropped);
        l.add("status created " + created);
        l.add("status exported " + exported);
        l.add("status dropped " + dropped);
        for (Collector c : collectors) {
            l.add("collector " + c.label() + " " + c.messages() + " " + c.records() + " " + c.dropped() + " " + c.errors());
        }
        return l;
    }

    /** Parses a status response; an "error" line becomes an exception. */
    public static MeterStatus parse(List<String> lines) {
        Map<String, String> kv = new LinkedHashMap<>();
        List<Collector> cs = new ArrayList<>();
        for (String l : lines) {
            if (l.startsWith("status ")) {
                String rest = l.substring(7);
                int sp = rest.indexOf(' ');
                kv.put(sp < 0 ? rest : rest.substring(0, sp), sp < 0 ? "" : rest.substring(sp + 1));
            } else if (l.startsWith("collector ")) {
                String[] w = l.split(" ");
                if (w.length != 6) {
                    throw new PushcapException("malformed collector line from the meter: '" + l + "'");
                }
                cs.add(new Collector(w[1], num(w[2], l), num(w[3], l), num(w[4], l), num(w[5], l)));
            } else if (l.startsWith("ok ")) {
                return new MeterStatus(kv.getOrDefault("source", "?"), (int) num(kv, "cache_size"),
                        (int) num(kv, "flows"), num(kv, "packets"), num(kv, "not_metered"), num(kv, "capture_dropped"),
                        num(kv, "created"), num(kv, "exported"), num(kv, "dropped"), cs);
            } else if (l.startsWith("error ")) {
                throw new PushcapException(l.substring(6));
            } else {
                throw new PushcapException("unexpected line from the meter: '" + l + "'");
            }
        }
        throw new PushcapException("the meter closed the connection before answering");
    }

    private static long num(Map<String, String> kv, String key) {
        String v = kv.get(key);
        return v == null ? 0 : num(v, "status " + key + " " + v);
    }

    private static long num(String v, String line) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new PushcapException("malformed status line from the meter: '" + line + "'");
        }
    }
}
