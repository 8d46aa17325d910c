package io.pushcap.service.http;

import io.pushcap.config.ServiceConfig;
import io.pushcap.internal.Json;
import io.pushcap.pipeline.JobReport;
import io.pushcap.ring.RingInfo;
import io.pushcap.ring.RingRates;
import io.pushcap.ring.RingStorage;
import io.pushcap.service.LoaderComponent;
import io.pushcap.service.Service;
import io.pushcap.service.ServiceLog;
import io.pushcap.service.StatusHistory;
import io.pushcap.service.SupervisedTask;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code /status} document: the service, its rings (rates, fill, kernel drops, each reader's
 * lag), captures, other components, schedules (state, next fire times, last exit), each push
 * target (state, files, lag, last file, last error, from the push's own report) and the last
 * warnings and errors, and the 15-minute history of each ring and target ({@code StatusHistory}) that
 * the status page graphs. Field meanings are in docs/operations.md and docs/service.md (status page).
 *
 * <p><b>Note:</b> stateless; builds a fresh document per request from thread-safe getters.
 */
final class StatusJson {
    private StatusJson() {
    }

    static String of(Service s) {
        Json doc = new Json();
        Map<String, RingRates> rates = s.ringRates();
        doc.put("service", service(s));
        doc.put("rings", rings(s, rates));
        List<Object> captures = new ArrayList<>();
        List<Object> others = new ArrayList<>();
        List<Object> schedules = new ArrayList<>();
        for (SupervisedTask t : s.tasks()) {
            Json m = task(t);
            switch (t.component().kind()) {
                case "capture" -> captures.add(m);
                case "schedule" -> schedules.add(m);
                default -> others.add(m);
            }
        }
        doc.put("captures", captures);
        doc.put("components", others);
        doc.put("schedules", schedules);
        doc.put("targets", targets(s, rates));
        doc.put("problems", problems(s.log()));
        return doc.toString();
    }

    private static Json service(Service s) {
        ServiceConfig c = s.config();
        Json m = new Json();
        long now = System.currentTimeMillis();
        m.put("pid", ProcessHandle.current().pid());
        m.put("config", s.configFile().toString());
        m.put("now_ms", now);
        m.put("started_ms", s.startedMillis());
        m.put("uptime_s", (now - s.startedMillis()) / 1000);
        m.put("http", s.httpAddress());
        Path dir = s.rings().dir();
        m.put("ring_dir", dir.toString());
        m.put("ring_fs", RingStorage.of(dir).fsType());
        m.put("ring_dir_note", s.rings().note());
        m.put("state_dir", c.stateDir().toAbsolutePath().toString());
        m.put("log_dir", c.logDir().toAbsolutePath().toString());
        m.put("stop_timeout_s", c.stopTimeoutSeconds());
        m.put("reloads_applied", s.reloadsApplied());
        m.put("reloads_refused", s.reloadsRefused());
        m.put("last_reload_ms", s.lastReloadMillis() == 0 ? null : s.lastReloadMillis());
        m.put("last_reload_error", s.lastReloadError());
        return m;
    }

    private static List<Object> rings(Service s, Map<String, RingRates> rates) {
        List<Object> out = new ArrayList<>();
        for (ServiceConfig.Ring r : s.config().rings()) {
            Json m = new Json();
            m.put("name", r.name());
            Path p = s.rings().path(r);
            m.put("path", p.toString());
            RingRates x = rates.get(r.name());
            if (x == null) {
                m.put("readable", false);
                out.add(m);
                continue;
            }
            RingInfo i = x.info();
            m.put("readable", true);
            m.put("fs", i.storage().fsType());
            m.put("file_size", i.fileSize());
            m.put("capacity", i.capacity());
            m.put("held_bytes", i.bytesHeld());
            m.put("fill", i.capacity() == 0 ? 0.0 : (double) i.bytesHeld() / i.capacity());
            m.put("packets", i.packets());
            m.put("bytes", i.bytes());
            m.put("wire_bytes", i.wireBytes());
            m.put("pps", x.packetsPerSecond());
            m.put("mbps", x.mbitPerSecond());
            m.put("kernel_drops", i.kernelDrops());
            m.put("interface_drops", i.interfaceDrops());
            m.put("truncated", i.truncated());
            m.put("source_restarts", i.sourceRestarts());
            m.put("last_packet_ns", i.lastTimestamp());
            m.put("oldest_packet_ns", i.oldestTimestamp() == 0 ? null : i.oldestTimestamp());
            // How many seconds of traffic the ring holds: a full ring is normal, its depth in time is what matters.
            m.put("held_seconds", i.oldestTimestamp() == 0 || i.lastTimestamp() < i.oldestTimestamp() ? 0.0
                    : (i.lastTimestamp() - i.oldestTimestamp()) / 1e9);
            m.put("history", history(s.history(), Service.historyKey(true, r.name())));
            Json w = new Json();
            w.put("pid", i.writerPid());
            w.put("alive", i.writerAlive());
            w.put("source", i.writerSource());
            m.put("writer", w);
            List<Object> readers = new ArrayList<>();
            for (RingRates.ReaderRate rr : x.readers()) {
                Json rm = new Json();
                RingInfo.Reader rd = rr.reader();
                rm.put("name", rd.name());
                rm.put("pid", rd.pid());
                rm.put("state", rd.state());
                rm.put("packets", rd.packets());
                rm.put("lost", rd.lost());
                rm.put("laps", rd.laps());
                rm.put("lag_packets", rr.lagPackets());
                rm.put("lag_bytes", rr.lagBytes());
                rm.put("lag_seconds", rr.lagSeconds());
                rm.put("pps", rr.packetsPerSecond());
                rm.put("seconds_to_overtake", Double.isInfinite(rr.secondsToOvertake()) ? null : rr.secondsToOvertake());
                rm.put("warn", rr.warn());
                readers.add(rm);
            }
            m.put("readers", readers);
            out.add(m);
        }
        return out;
    }

    private static Json task(SupervisedTask t) {
        Json m = new Json();
        m.put("kind", t.component().kind());
        m.put("name", t.component().name());
        m.put("state", t.state().name().toLowerCase());
        m.put("task_restarts", t.restarts());
        m.put("task_error", t.lastError());
        m.put("task_error_ms", t.lastErrorMillis() == 0 ? null : t.lastErrorMillis());
        t.component().status().forEach(m::put);
        return m;
    }

    private static List<Object> targets(Service s, Map<String, RingRates> rates) {
        List<Object> out = new ArrayList<>();
        for (LoaderComponent l : s.loaders()) {
            JobReport.Snapshot snap = l.report();
            if (snap == null) {
                continue;
            }
            Object pid = l.status().get("pid");
            boolean current = pid instanceof Number n && n.longValue() == snap.pid();
            for (JobReport.Target t : snap.targets()) {
                Json m = new Json();
                m.put("schedule", l.name());
                m.put("desc", t.desc());
                String last = t.state().toLowerCase();
                m.put("state", current ? last : pid != null ? "starting (last run: " + last + ")" : "not running (last: " + last + ")");
                m.put("files", t.files());
                m.put("read", t.read());
                m.put("published", t.published());
                m.put("filtered", t.filtered());
                m.put("lost", t.lost());
                m.put("pending", t.pending());
                m.put("failures", t.failures());
                m.put("retries", t.retries());
                m.put("bytes_out", t.bytesOut());
                m.put("bytes_in", t.bytesIn());
                m.put("compression_ratio", t.bytesOut() <= 0 ? null : (double) t.bytesIn() / t.bytesOut());
                m.put("retention_deleted_files", t.retentionDeletedFiles());
                m.put("retention_deleted_bytes", t.retentionDeletedBytes());
                m.put("kafka_lag", kafkaLag(t.kafkaLag()));
                List<StatusHistory.Sample> h = s.history().samples(Service.historyKey(false, t.desc()));
                m.put("mbps", h.isEmpty() ? null : h.getLast().mbitPerSecond());
                m.put("history", history(s.history(), Service.historyKey(false, t.desc())));
                m.put("stuck", t.stuck());
                m.put("last_file", t.lastFile());
                m.put("last_error", t.lastError());
                m.put("report_age_ms", System.currentTimeMillis() - snap.updatedMillis());
                RingRates.ReaderRate rr = reader(rates, "push:" + t.desc());
                m.put("lag_packets", rr == null ? null : rr.lagPackets());
                m.put("lag_seconds", rr == null ? null : rr.lagSeconds());
                out.add(m);
            }
        }
        return out;
    }

    /** A series as parallel arrays (compact): times, packets/s, Mbit/s, drops/s, lag seconds. */
    private static Json history(StatusHistory history, String key) {
        List<Object> t = new ArrayList<>();
        List<Object> pps = new ArrayList<>();
        List<Object> mbps = new ArrayList<>();
        List<Object> drops = new ArrayList<>();
        List<Object> lag = new ArrayList<>();
        for (StatusHistory.Sample x : history.samples(key)) {
            t.add(x.timeMillis());
            pps.add(round(x.packetsPerSecond()));
            mbps.add(round(x.mbitPerSecond()));
            drops.add(round(x.dropsPerSecond()));
            lag.add(Double.isNaN(x.lagSeconds()) ? null : round(x.lagSeconds()));
        }
        Json m = new Json();
        m.put("interval_s", history.intervalMillis() / 1000.0);
        m.put("t_ms", t);
        m.put("pps", pps);
        m.put("mbps", mbps);
        m.put("drops_per_s", drops);
        m.put("lag_s", lag);
        return m;
    }

    /** {"0": 12, "1": 0}: records not read yet per partition of a Kafka source, or null. */
    private static Json kafkaLag(java.util.SortedMap<Integer, Long> lag) {
        if (lag.isEmpty()) {
            return null;
        }
        Json j = new Json();
        lag.forEach((part, n) -> j.put(Integer.toString(part), n));
        return j;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static RingRates.ReaderRate reader(Map<String, RingRates> rates, String name) {
        for (RingRates r : rates.values()) {
            for (RingRates.ReaderRate rr : r.readers()) {
                if (rr.reader().name().equals(name)) {
                    return rr;
                }
            }
        }
        return null;
    }

    private static List<Object> problems(ServiceLog log) {
        List<Object> out = new ArrayList<>();
        for (ServiceLog.Event e : log.recentProblems()) {
            Json m = new Json();
            m.put("time_ms", e.epochMillis());
            m.put("level", e.level());
            m.put("source", e.source());
            m.put("message", e.message());
            out.add(m);
        }
        return out;
    }
}
