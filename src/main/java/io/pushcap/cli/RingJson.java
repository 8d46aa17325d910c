package io.pushcap.cli;

import io.pushcap.internal.Json;
import io.pushcap.ring.RingInfo;
import io.pushcap.ring.RingRates;

import java.util.List;

/** The JSON shapes of {@code ring info --json} and {@code io --json}; field names are the documented counter names. */
final class RingJson {
    private RingJson() {
    }

    static Json info(RingInfo i) {
        List<Object> readers = Json.list();
        for (RingInfo.Reader r : i.readers()) {
            readers.add(reader(i, r));
        }
        return new Json().put("ring", i.path().toString()).put("version", i.version()).put("file_size", i.fileSize())
                .put("capacity", i.capacity()).put("fs_type", i.storage().fsType())
                .put("fs_warning", i.storage().warning()).put("created_ns", i.createdNanos())
                .put("link_type", i.linkType()).put("snaplen", i.snaplen()).put("max_record", i.maxRecordLength())
                .put("writer_pid", i.writerPid()).put("writer_alive", i.writerAlive())
                .put("writer_source", i.writerSource()).put("writer_takeovers", i.writerTakeovers())
                .put("position", i.position()).put("tail", i.tail()).put("packets", i.packets())
                .put("bytes", i.bytes()).put("wire_bytes", i.wireBytes()).put("last_timestamp_ns", i.lastTimestamp())
                .put("packets_held", i.packetsHeld()).put("oldest_timestamp_ns", i.oldestTimestamp())
                .put("kernel_received", i.kernelReceived()).put("kernel_drops", i.kernelDrops())
                .put("interface_drops", i.interfaceDrops()).put("truncated", i.truncated())
                .put("source_restarts", i.sourceRestarts()).put("wakeups", i.wakeups()).put("readers", readers);
    }

    private static Json reader(RingInfo i, RingInfo.Reader r) {
        return new Json().put("slot", r.slot()).put("name", r.name()).put("pid", r.pid()).put("state", r.state())
                .put("position", r.position()).put("sequence", r.sequence()).put("packets", r.packets())
                .put("bytes", r.bytes()).put("lost", r.lost()).put("laps", r.laps())
                .put("last_timestamp_ns", r.lastTimestamp())
                .put("lag_packets", i.lagPackets(r) < 0 ? null : i.lagPackets(r))
                .put("lag_bytes", i.lagBytes(r));
    }

    static Json rates(RingRates rates) {
        RingInfo i = rates.info();
        List<Object> readers = Json.list();
        for (RingRates.ReaderRate rr : rates.readers()) {
            RingInfo.Reader r = rr.reader();
            readers.add(new Json().put("name", r.name()).put("pid", r.pid()).put("state", r.state())
                    .put("packets_per_second", rr.packetsPerSecond())
                    .put("lag_packets", rr.lagPackets() < 0 ? null : rr.lagPackets())
                    .put("lag_bytes", rr.lagBytes()).put("lag_seconds", rr.lagSeconds()).put("laps", r.laps())
                    .put("lost", r.lost()).put("seconds_to_overtake", rr.secondsToOvertake()).put("warning", rr.warn()));
        }
        return new Json().put("ring", i.path().toString()).put("interval_seconds", rates.seconds())
                .put("writer_pid", i.writerPid()).put("writer_alive", i.writerAlive())
                .put("packets_per_second", rates.packetsPerSecond()).put("mbit_per_second", rates.mbitPerSecond())
                .put("kernel_drops", i.kernelDrops()).put("kernel_drops_per_second", rates.kernelDropsPerSecond())
                .put("interface_drops", i.interfaceDrops()).put("packets", i.packets()).put("readers", readers);
    }
}
