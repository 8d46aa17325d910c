package io.pushcap.pipeline;

import io.pushcap.PushcapException;
import io.pushcap.config.SplitRule;
import io.pushcap.config.TargetConfig;
import io.pushcap.internal.ffm.LibC;
import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.Packet;
import io.pushcap.pcap.PcapDescriptor;
import io.pushcap.pipeline.compress.PipeCommandCompressor;
import io.pushcap.sink.SplitOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs one push target on its own thread: reads its source, filters, splits, compresses and
 * publishes, until the source ends (offline) or it is stopped (live).
 *
 * <p>The runner works in <em>regions</em> of its source. A region starts at the saved cursor and
 * ends where a file is published; only then are its outcomes (published, filtered, dropped)
 * counted and the cursor moved. When a sink fails, the open split is aborted, the source is
 * rewound to the region's start and the same split is produced again under the same name after a
 * backoff: a published split is never lost and never appears twice.
 *
 * <p>Retries are bounded offline by the target's {@link io.pushcap.config.RetryBudget}
 * ({@code RetryMax}/{@code RetryFor}, two minutes by default): a failure that keeps coming back
 * ends this target as FAILED, naming the budget and the last error, so that an offline push always
 * ends; the other targets are not affected. Live, retries never end; after
 * {@code stuckAfterMillis} the target logs {@code STUCK} and sets {@code pushcap_target_stuck}.
 *
 * <p><b>Note:</b> {@link #run()} runs on the target's thread; {@link #stop()} and the status
 * getters are safe from any thread. Configuration errors ({@link PushcapException}) end the
 * target as failed without retry; I/O errors are retried per the plan's {@link RetryPolicy}
 * (backoff) within the budget.
 */
public final class TargetRunner implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(TargetRunner.class);
    private static final long IDLE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Live time splits close this long after their boundary, for packets still in capture buffers. */
    private static final long BOUNDARY_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** With no split open, an all-filtered region is committed at least this often. */
    private static final long EMPTY_REGION_COMMIT_PACKETS = 1 << 20;

    /** Packet modes (LXC, TAP) save their cursor at least this often. */
    private static final long PACKET_COMMIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long PACKET_COMMIT_PACKETS = 1 << 16;

    /**
     * EXITED: {@code StreamCat = "--ring-timeout-exit "} made the target give up its position
     * because it fell more than {@code TimeoutRing} behind; a restart begins at the current time.
     */
    public enum State { STARTING, RUNNING, RETRYING, DONE, FAILED, STOPPED, EXITED }

    /** Thrown inside the runner when --ring-timeout-exit applies. */
    private static final class RingTimeoutExit extends Exception {
        RingTimeoutExit(String message) {
            super(message, null, false, false);
        }
    }

    private final TargetPlan plan;
    private final TargetConfig cfg;
    private final PacketSource source;
    private final TargetCounters counters;
    private final Packet packet = new Packet();
    private final ScriptRunner scripts;

    private volatile boolean stopRequested;
    private volatile State state = State.STARTING;
    private volatile String lastError = "";
    private volatile String lastFile = "";
    private volatile long retryingSinceMillis;
    private volatile boolean stuckReported;

    private SourcePosition regionStart;
    private long regionRead;
    private long regionFiltered;
    private long regionDropped;
    private final Map<Integer, Long> regionDroppedByType = new TreeMap<>();
    /** Committed packets no output could hold, by link type; read by the summary after the run. */
    private final Map<Integer, Long> droppedByType = new ConcurrentSkipListMap<>();
    private final Set<Integer> warnedLinkTypes = new HashSet<>();
    private long lostAtRegionStart;
    private long readSeq;
    private long countedSeq;
    private long totalBytesRead;

    private long regionPackets;
    private long lastPacketCommitNanos = System.nanoTime();

    private SplitWriter open;
    private String nameBeforeOpen;
    private long lastPacketWallNanos = System.nanoTime();
    private long lastPacketNanos;
    private int attempt;

    public TargetRunner(TargetPlan plan) {
        this.plan = plan;
        this.cfg = plan.config();
        this.source = plan.source();
        this.counters = plan.counters();
        this.scripts = cfg.scriptNew() == null ? null : new ScriptRunner(cfg, plan.log(), counters, plan.scriptDir());
    }

    @Override
    public void run() {
        try {
            if (cfg.cpu() >= 0) {
                LibC.pinCurrentThread(cfg.cpu());
            }
            start();
            state = State.RUNNING;
            loop();
            closeAtEnd();
            state = stopRequested && !source.ended() ? State.STOPPED : State.DONE;
            reportDamage();
        } catch (RingTimeoutExit e) {
            exitBehind(e.getMessage());
        } catch (PushcapException e) {
            fail(e.getMessage(), e);
        } catch (InterruptedException e) {
            abortOpen();
            state = State.STOPPED;
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            fail(e.toString(), e);
        } catch (LinkageError | VirtualMachineError e) {
            // A broken install (a class missing from a jar) or a JVM limit: the target fails with
            // its name and the cause, like any other failure, instead of a bare stack trace on a
            // thread that dies while the target still reads RUNNING.
            fail("internal error: " + e + " (PUSHCAP_LOG_LEVEL=DEBUG shows the stack trace)", e);
        } finally {
            // Done with the source, whatever the outcome: a shared read no longer waits for this target.
            source.detach();
            if (scripts != null) {
                scripts.close();
            }
            plan.log().line(String.format("push %s: %s (files %d, packets published %d, filtered %d, lost %d)",
                    cfg.desc(), state, counters.files.get(), counters.published.get(), counters.filtered.get(),
                    counters.lost.get()));
        }
    }

    /**
     * Names each damaged input in the log once the packets before the damage are published:
     * the push then exits with {@code ExitCodes.DAMAGED}.
     */
    private void reportDamage() {
        for (String d : source.damage()) {
            counters.damagedInputs.increment();
            String msg = "DAMAGED input " + d + "; every whole packet before the damage was pushed, the rest of"
                    + " that file was not read (repair it, e.g. editcap, and push that file again)";
            plan.log().line(msg);
            LOG.error("{}: {}", cfg.label(), msg);
        }
    }

    /** Damaged inputs met (file, offset, problem), for the summary. */
    public List<String> damage() {
        return source.damage();
    }

    private void exitBehind(String message) {
        abortOpen();
        lastError = message;
        state = State.EXITED;
        plan.log().line("ring-timeout-exit: " + message + "; exiting so that a restart begins at the current time");
        LOG.warn("{}: ring-timeout-exit: {}", cfg.label(), message);
        if (plan.cursors() != null) {
            try {
                plan.cursors().delete();
            } catch (IOException e) {
                LOG.warn("{}: cannot delete cursor {}: {}", cfg.label(), plan.cursors().file(), e.getMessage());
            }
        }
    }

    private void fail(String message, Throwable e) {
        abortOpen();
        lastError = message;
        state = State.FAILED;
        plan.log().line("ERROR " + message);
        LOG.error("{}: {}", cfg.label(), message);
        LOG.debug("{} failed", cfg.label(), e);
    }

    private void start() throws IOException {
        if (plan.cursors() != null) {
            Cursor saved = plan.cursors().load();
            if (saved != null && !saved.source().equals(source.describe())) {
                plan.log().line("cursor " + plan.cursors().file() + " is for " + saved.source() + ", not "
                        + source.describe() + "; ignoring it and following FollowStart");
                saved = null;
            }
            if (saved != null) {
                source.seek(saved.position());
                if (plan.names() != null) {
                    plan.names().resumeAfter(saved.lastName());
                }
                plan.log().line("resume at " + saved.position() + " after " + saved.lastName());
            }
        }
        if (plan.packetSink() != null) {
            SourcePosition committed = committedBySink();
            if (committed != null) {
                source.seek(committed);
                plan.log().line("resume at " + committed + ", the position " + cfg.mode() + " output committed last");
            }
        }
        regionStart = source.position();
        lostAtRegionStart = source.lostPackets();
    }

    /**
     * Where a transactional packet sink (KAFKA) committed this source last, or null when it keeps
     * no position or its position is for another source (then the target starts as usual).
     */
    private SourcePosition committedBySink() throws IOException {
        io.pushcap.sink.SourceMark m = plan.packetSink().committedMark();
        if (m == null) {
            return null;
        }
        if (!m.source().equals(source.describe())) {
            plan.log().line("the position " + cfg.mode() + " output committed last is for " + m.source() + ", not "
                    + source.describe() + "; starting as for a new source");
            return null;
        }
        return new SourcePosition(m.major(), m.minor(), m.timestampNanos());
    }

    private void loop() throws IOException, InterruptedException, RingTimeoutExit {
        while (!stopRequested) {
            boolean got;
            try {
                got = source.next(packet);
            } catch (RegionLost e) {
                retryAfter(e);
                continue;
            }
            if (!got) {
                if (source.ended()) {
                    return;
                }
                onIdle();
                source.await(IDLE_WAIT_NANOS);
                continue;
            }
            try {
                onPacket();
            } catch (IOException e) {
                retryAfter(e);
            }
        }
    }

    private void onPacket() throws IOException, InterruptedException, RingTimeoutExit {
        readSeq++;
        if (readSeq > countedSeq) {
            countedSeq = readSeq;
            counters.read.increment();
        }
        regionRead++;
        totalBytesRead += PcapDescriptor.RECORD_HEADER_LENGTH + packet.caplen();
        lastPacketWallNanos = System.nanoTime();
        lastPacketNanos = packet.timestampNanos();
        if (!plan.stage().accept(packet)) {
            regionFiltered++;
            if (open == null && regionFiltered % EMPTY_REGION_COMMIT_PACKETS == 0) {
                commitRegion(source.position(), null);
            }
            return;
        }
        Packet out = plan.stage().output(packet);
        if (out.linkType() != source.linkType() && !(plan.packetSink() == null && cfg.pcapngOutput())) {
            unwritable(out);
            return;
        }
        if (cfg.ringTimeoutExit() && plan.live() && (readSeq & 1023) == 0) {
            checkBehind(out.timestampNanos());
        }
        if (plan.packetSink() != null) {
            plan.packetSink().write(out);
            regionPackets++;
            if (regionPackets >= PACKET_COMMIT_PACKETS || System.nanoTime() - lastPacketCommitNanos >= PACKET_COMMIT_NANOS) {
                commitPackets(source.position());
            }
            return;
        }
        long record = PcapDescriptor.RECORD_HEADER_LENGTH + (long) out.caplen();
        if (open != null && plan.splitter().startsNewSplit(out.timestampNanos(), record, open.bytesIn(), open.packets())) {
            publish(source.positionOfLast());
            // This packet opens the next region.
            regionRead = 1;
        }
        if (open == null) {
            openSplit(out.timestampNanos());
        }
        open.write(out);
        counters.pending.set(open.packets());
        plan.log().progress(open.output().location(), totalBytesRead, false);
    }

    /**
     * A packet the output cannot hold: a pcap file (or a packet sink) carries one link type. It
     * is counted as dropped (cause linktype), named in the log the first time per link type, and
     * makes the push INCOMPLETE; pcapng output would hold it.
     */
    private void unwritable(Packet out) {
        regionDropped++;
        regionDroppedByType.merge(out.linkType(), 1L, Long::sum);
        if (warnedLinkTypes.add(out.linkType())) {
            String where = open != null ? open.output().location() : plan.packetSink() != null ? cfg.mode() + " output"
                    : "the pcap split";
            String msg = String.format("packet %d of %s has link type %s (%d), but %s holds %s (%d) only: not written;"
                            + " use pcapng output (Format = \"pcapng\" or FileSuffix = \".pcapng\") to keep it",
                    readSeq, source.describe(), LinkType.name(out.linkType()), out.linkType(), where,
                    LinkType.name(source.linkType()), source.linkType());
            plan.log().line("ERROR " + msg);
            LOG.error("{}: {}", cfg.label(), msg);
        }
    }

    /** "66 of link type RAW (101) in FILE, whose output holds EN10MB (1) only", for the summary. */
    public String unwritableSummary() {
        StringBuilder b = new StringBuilder();
        droppedByType.forEach((type, n) -> b.append(b.isEmpty() ? "" : ", ").append(n).append(" of link type ")
                .append(LinkType.name(type)).append(" (").append(type).append(")"));
        return b + " in " + source.describe() + ", whose output holds " + LinkType.name(source.linkType())
                + " (" + source.linkType() + ") only";
    }

    private void openSplit(long ts) throws IOException {
        plan.splitter().open(ts);
        nameBeforeOpen = plan.names().lastName();
        long end = plan.splitter().intervalEnd() == Long.MAX_VALUE ? ts : plan.splitter().intervalEnd();
        String location = plan.names().name(plan.splitter().intervalStart(), end);
        // A size split named by its end is renamed when it closes (publish: commitAs).
        SplitOutput out = renamedAtEnd() ? plan.sink().openRenamable(location) : plan.sink().open(location);
        try {
            open = new SplitWriter(out, plan.compressor(), source.linkType(), source.snaplen(), cfg.pcapngOutput(),
                    cfg.digest());
        } catch (IOException | RuntimeException e) {
            out.abort();
            throw e;
        }
        plan.log().progress(location, totalBytesRead, true);
    }

    private boolean renamedAtEnd() {
        return cfg.split().kind() == SplitRule.Kind.BYTES && plan.names().namesEnd();
    }

    private void checkBehind(long packetNanos) throws RingTimeoutExit {
        long behind = System.currentTimeMillis() * 1_000_000L - packetNanos;
        if (cfg.timeoutRingNanos() > 0 && behind > cfg.timeoutRingNanos()) {
            throw new RingTimeoutExit(String.format("%.1f s behind the capture (TimeoutRing %.1f s)", behind / 1e9,
                    cfg.timeoutRingNanos() / 1e9));
        }
    }

    /** Packet modes: makes what was written visible, then commits the region. */
    private void commitPackets(SourcePosition boundary) throws IOException {
        plan.packetSink().flush(new io.pushcap.sink.SourceMark(source.describe(), boundary.major(), boundary.minor(),
                boundary.timestampNanos()));
        counters.published.add(regionPackets);
        regionPackets = 0;
        lastPacketCommitNanos = System.nanoTime();
        commitRegion(boundary, null);
    }

    /** Publishes the open split and commits the region up to {@code boundary}. */
    private void publish(SourcePosition boundary) throws IOException, InterruptedException {
        SplitWriter w = open;
        w.finish();
        String location = w.output().location();
        if (renamedAtEnd()) {
            location = plan.names().rename(nameBeforeOpen, w.firstNanos(), w.lastNanos());
        }
        w.output().commitAs(location);
        open = null;
        counters.pending.set(0);
        ManifestEntry entry = new ManifestEntry(location, w.firstNanos(), w.lastNanos(), w.packets(), w.bytesIn(),
                w.bytesOut(), regionFiltered, source.lostPackets() - lostAtRegionStart, w.sha256(),
                System.currentTimeMillis() * 1_000_000L);
        plan.manifest().append(entry);
        commitRegion(boundary, entry);
        lastFile = location;
        if (scripts != null) {
            scripts.submit(entry);
        }
        if (plan.retention() != null) {
            // After the commit: a failed listing or deletion is counted and logged, never retried
            // as a split. ScriptNew may still be reading a file retention deletes when KeepFiles is tiny.
            plan.retention().enforce();
        }
    }

    /** Counts the region's outcomes and saves the cursor at {@code boundary}. */
    private void commitRegion(SourcePosition boundary, ManifestEntry published) throws IOException {
        // The source's own commit first: a restart begins where the source committed (a Kafka
        // group's offsets), and a cursor saved ahead of that commit would name the split produced
        // again after its first copy, publishing its packets twice (found by KafkaPushIT's kills).
        boolean sourceCommitted = source.committed(boundary);
        if (plan.cursors() != null && sourceCommitted) {
            plan.cursors().save(new Cursor(source.describe(), boundary,
                    plan.names() == null ? "" : plan.names().lastName()));
        }
        if (published != null) {
            counters.published.add(published.packets());
            counters.bytesIn.add(published.bytesIn());
            counters.bytesOut.add(published.bytesOut());
            counters.files.increment();
        }
        counters.filtered.add(regionFiltered);
        counters.droppedLinkType.add(regionDropped);
        regionDroppedByType.forEach((type, n) -> droppedByType.merge(type, n, Long::sum));
        regionDroppedByType.clear();
        long lost = source.lostPackets();
        counters.lost.add(lost - lostAtRegionStart);
        lostAtRegionStart = lost;
        regionStart = boundary;
        nameBeforeOpen = null;
        regionRead = 0;
        regionFiltered = 0;
        regionDropped = 0;
        attempt = 0;
        if (state == State.RETRYING) {
            plan.log().line("recovered: " + (published == null ? "region committed" : published.name()));
            state = State.RUNNING;
            stuckReported = false;
            counters.stuck.set(0);
        }
    }

    /** A live time split closes at its boundary, and any split after TimeoutRing without packets. */
    private void onIdle() throws IOException, InterruptedException, RingTimeoutExit {
        if (plan.packetSink() != null) {
            if (regionPackets > 0 || regionFiltered > 0 || regionDropped > 0) {
                try {
                    commitPackets(source.position());
                } catch (IOException e) {
                    retryAfter(e);
                }
            }
            return;
        }
        if (open == null) {
            if (regionFiltered > 0 || regionDropped > 0) {
                commitRegion(source.position(), null);
            }
            return;
        }
        // The source's clock: the last packet's time plus the wall time since it arrived. For live
        // traffic this is the wall clock; for a replay or a target catching up it keeps the offset,
        // so a split is not cut short because its packets are older than now.
        long sourceNow = lastPacketNanos + (System.nanoTime() - lastPacketWallNanos);
        boolean boundaryPassed = cfg.split().kind() == SplitRule.Kind.TIME
                && sourceNow >= plan.splitter().intervalEnd() + BOUNDARY_GRACE_NANOS;
        boolean timedOut = cfg.timeoutRingNanos() > 0
                && System.nanoTime() - lastPacketWallNanos >= cfg.timeoutRingNanos();
        if (boundaryPassed || timedOut) {
            try {
                publish(source.position());
            } catch (IOException e) {
                retryAfter(e);
            }
        }
    }

    /** Aborts the open split, waits, and rewinds the source to produce the region again. */
    private void retryAfter(IOException e) throws IOException, InterruptedException, RingTimeoutExit {
        abortOpen();
        // The backoff may be long and the region is read again from its start: other targets sharing the read go on.
        source.detach();
        counters.failures.increment();
        lastError = e.getMessage();
        if (state != State.RETRYING) {
            state = State.RETRYING;
            retryingSinceMillis = System.currentTimeMillis();
        }
        attempt++;
        if (hasCause(e, PipeCommandCompressor.PipeTimeoutException.class)) {
            counters.pipeTimeouts.increment();
        }
        if (cfg.ringTimeoutExit() && plan.live() && cfg.timeoutRingNanos() > 0
                && (System.currentTimeMillis() - retryingSinceMillis) * 1_000_000L > cfg.timeoutRingNanos()) {
            throw new RingTimeoutExit("the sink has failed for longer than TimeoutRing: " + e.getMessage());
        }
        long elapsed = System.currentTimeMillis() - retryingSinceMillis;
        if (plan.retry().exhausted(attempt)) {
            giveUp("--max-retries " + plan.retry().maxAttempts(), elapsed, e);
        }
        // Offline, the target's budget bounds a failure that keeps coming back (a dead server, a
        // full disk): the push must end. Live, the service retries for ever and says so (STUCK).
        if (!plan.live() && cfg.retry().spent(attempt, elapsed)) {
            giveUp(cfg.retry().describe(), elapsed, e);
        }
        long delay = plan.retry().delayMillis(attempt - 1);
        if (!plan.live()) {
            delay = Math.min(delay, cfg.retry().leftMillis(elapsed));
        }
        plan.log().line(String.format("split failed (attempt %d): %s; retrying in %d ms from %s", attempt,
                e.getMessage(), delay, regionStart));
        LOG.warn("{}: split failed (attempt {}): {}; retrying in {} ms", cfg.label(), attempt, e.getMessage(), delay);
        reportIfStuck();
        long waitStart = System.nanoTime();
        sleepUnlessStopped(delay);
        counters.retryWaitMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - waitStart));
        counters.retries.increment();
        readSeq -= regionRead;
        regionRead = 0;
        regionPackets = 0;
        regionFiltered = 0;
        regionDropped = 0;
        regionDroppedByType.clear();
        if (plan.names() != null && nameBeforeOpen != null) {
            plan.names().resumeAfter(nameBeforeOpen);
        }
        SourcePosition resume = regionStart;
        if (plan.packetSink() != null) {
            // A commit whose answer was lost may have succeeded: resume where the sink says.
            SourcePosition committed;
            try {
                committed = committedBySink();
            } catch (IOException again) {
                retryAfter(again);
                return;
            }
            if (committed != null) {
                resume = committed;
                regionStart = committed;
            }
            // Says which position the retry takes: the one the destination committed, or the region's start.
            plan.log().line("retry resumes at " + resume + (committed != null ? ", the position " + cfg.mode()
                    + " output committed last" : " (" + cfg.mode() + " output holds no position for this source)"));
        }
        source.seek(resume);
    }

    /** The retry budget is spent: the target fails, naming the budget and the last error. */
    private void giveUp(String budget, long elapsedMillis, IOException last) {
        counters.budgetSpent.increment();
        throw new PushcapException(String.format("gave up after %d failed attempt%s in %.1f s (retry budget %s spent): %s",
                attempt, attempt == 1 ? "" : "s", elapsedMillis / 1000.0, budget, last.getMessage()), last);
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
            for (Throwable s : c.getSuppressed()) {
                if (type.isInstance(s)) {
                    return true;
                }
            }
        }
        return false;
    }

    private void reportIfStuck() {
        long since = System.currentTimeMillis() - retryingSinceMillis;
        if (!stuckReported && since >= plan.stuckAfterMillis()) {
            stuckReported = true;
            counters.stuck.set(1);
            String msg = String.format("STUCK for %d s: %s", since / 1000, lastError);
            plan.log().line(msg);
            LOG.error("{}: {}", cfg.label(), msg);
        }
    }

    private void sleepUnlessStopped(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!stopRequested) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            TimeUnit.NANOSECONDS.sleep(Math.min(left, 50_000_000L));
        }
    }

    private void abortOpen() {
        if (plan.packetSink() != null) {
            plan.packetSink().abort();
        }
        if (open != null) {
            open.abort();
            open = null;
            counters.pending.set(0);
        }
    }

    /** End of input or stop: publish what is open (with retries unless stopping), commit the rest. */
    private void closeAtEnd() throws IOException, InterruptedException, RingTimeoutExit {
        while (true) {
            try {
                if (plan.packetSink() != null) {
                    commitPackets(source.position());
                } else if (open != null) {
                    publish(source.position());
                } else if (regionRead > 0 || regionFiltered > 0 || regionDropped > 0) {
                    commitRegion(source.position(), null);
                }
                return;
            } catch (IOException e) {
                if (stopRequested) {
                    abortOpen();
                    plan.log().line("stopped with the open split unpublished: " + e.getMessage());
                    return;
                }
                retryAfter(e);
                loop();
            }
        }
    }

    /** Asks the target to publish what it has and stop; returns at once. */
    public void stop() {
        stopRequested = true;
    }

    public State state() {
        return state;
    }

    public String lastError() {
        return lastError;
    }

    public String lastFile() {
        return lastFile;
    }

    public boolean stuck() {
        return stuckReported;
    }

    public TargetConfig config() {
        return cfg;
    }

    /** A Kafka group source's records not read yet, per partition; empty for other sources. */
    public java.util.SortedMap<Integer, Long> partitionLag() {
        return source.partitionLag();
    }

    /** Files KeepFiles/KeepBytes deleted in this run; 0 without a limit. */
    public long retentionDeletedFiles() {
        return plan.retention() == null ? 0 : plan.retention().deletedFiles();
    }

    /** Bytes of the files KeepFiles/KeepBytes deleted in this run; 0 without a limit. */
    public long retentionDeletedBytes() {
        return plan.retention() == null ? 0 : plan.retention().deletedBytes();
    }

    public TargetCounters counters() {
        return counters;
    }

    /** Source bytes consumed, for progress (may be approximate while retrying). */
    public long bytesConsumed() {
        return source.bytesConsumed();
    }
}
