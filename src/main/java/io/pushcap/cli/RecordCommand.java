package io.pushcap.cli;

import io.pushcap.PushcapException;
import io.pushcap.ring.ByteSizes;
import io.pushcap.ring.RingFile;
import io.pushcap.ring.RingPaths;
import io.pushcap.store.CaptureRecorder;
import io.pushcap.store.RecordStart;
import io.pushcap.store.RetentionLimits;
import io.pushcap.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code pushcap record RING}: drains a ring into a named capture of the store until
 * SIGINT/SIGTERM, then seals the open chunk. Without {@code --name}, continues the capture of
 * this ring that a crash interrupted, or starts {@code <ring>_YYYYMMDD_HHMM}.
 */
@Command(name = "record", mixinStandardHelpOptions = true,
        description = "Record a ring into a named capture of the store (chunks of pcap + index), with retention.")
final class RecordCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RecordCommand.class);

    @Parameters(index = "0", paramLabel = "RING")
    String ringName;

    @Option(names = "--dir", paramLabel = "DIR", description = RingCommand.DIR_HELP)
    Path ringDir;

    @Option(names = "--store", paramLabel = "DIR", description = "capture store (default $PUSHCAP_STORE, else ./store)")
    Path storeDir;

    @Option(names = "--name", paramLabel = "NAME", description = "capture name (default <ring>_YYYYMMDD_HHMM at start;"
            + " an existing capture is continued)")
    String name;

    @Option(names = "--reader", paramLabel = "SLOT", defaultValue = "record",
            description = "ring reader slot name (default ${DEFAULT-VALUE})")
    String readerName;

    @Option(names = "--chunk-size", paramLabel = "SIZE", defaultValue = "256m",
            description = "seal a chunk before it exceeds SIZE (default ${DEFAULT-VALUE})")
    String chunkSize;

    @Option(names = "--chunk-time", paramLabel = "DURATION", defaultValue = "60s",
            description = "seal a chunk this long after its first packet (default ${DEFAULT-VALUE})")
    String chunkTime;

    @Option(names = "--flush-interval", paramLabel = "DURATION", defaultValue = "100ms",
            description = "longest a packet waits in memory before it is on disk and visible to readers"
                    + " (default ${DEFAULT-VALUE})")
    String flushInterval;

    @Option(names = "--max-bytes", paramLabel = "SIZE", description = "delete the oldest chunks to keep the store"
            + " at most SIZE")
    String maxBytes;

    @Option(names = "--min-free", paramLabel = "SIZE", description = "delete the oldest chunks to keep SIZE free"
            + " on the store's file system")
    String minFree;

    private volatile CaptureRecorder recorder;
    private volatile boolean stopping;

    @Override
    public Integer call() throws Exception {
        CaptureRecorder.Options options = options();
        Path ringPath = RingPaths.resolve(ringName, ringDir);
        try (StopOnSignal signal = StopOnSignal.install(this::stop); RingFile ring = RingFile.open(ringPath)) {
            Store store = Store.create(Store.resolve(storeDir));
            CaptureRecorder r = RecordStart.open(store, ring, ringPath, name, options, () -> stopping);
            if (r == null) {
                return ExitCodes.OK;
            }
            recorder = r;
            if (stopping) {
                r.stop();
            }
            LOG.info("record {} -> capture {} in {} (chunks of {} or {}, flushed every {})", ring.path(), r.capture().name(),
                    store.dir(), chunkSize, chunkTime, flushInterval);
            r.run();
        }
        return ExitCodes.OK;
    }

    private void stop() {
        stopping = true;
        CaptureRecorder r = recorder;
        if (r != null) {
            r.stop();
        }
    }

    private CaptureRecorder.Options options() {
        long size = ByteSizes.parse(chunkSize, "--chunk-size");
        long time = Durations.parseNanos(chunkTime, "--chunk-time");
        long flush = Durations.parseNanos(flushInterval, "--flush-interval");
        if (flush > time) {
            throw new PushcapException("--flush-interval " + flushInterval + " is longer than --chunk-time " + chunkTime);
        }
        long max = maxBytes == null ? 0 : ByteSizes.parse(maxBytes, "--max-bytes");
        long free = minFree == null ? 0 : ByteSizes.parse(minFree, "--min-free");
        if (size < (64 << 10) || size > (1L << 40)) {
            throw new PushcapException("--chunk-size '" + chunkSize + "' (expected 64k to 1t)");
        }
        if (max > 0 && max < 2 * size) {
            throw new PushcapException("--max-bytes '" + maxBytes + "' is less than two chunks of --chunk-size '" + chunkSize
                    + "' (retention deletes whole chunks and keeps the open one: lower --chunk-size)");
        }
        if (readerName.isBlank() || readerName.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 31) {
            throw new PushcapException("--reader '" + readerName + "' (expected 1 to 31 bytes)");
        }
        if (name != null) {
            Store.validateName(name);
        }
        LOG.debug("record options: chunk {} / {} ns, flush {} ns, max {} ({}), min free {}", size, time, flush, max,
                ByteSizes.format(Math.max(max, 1)), free);
        return new CaptureRecorder.Options(readerName, size, time, flush, new RetentionLimits(max, free), System::nanoTime);
    }
}
