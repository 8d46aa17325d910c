package io.pushcap.service;

import io.pushcap.config.ServiceConfig;
import io.pushcap.ring.RingFile;
import io.pushcap.store.CaptureRecorder;
import io.pushcap.store.RecordStart;
import io.pushcap.store.RetentionLimits;
import io.pushcap.store.Store;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A recorder ({@code Service.Recorder}), as {@code pushcap record RING --store DIR}: drains the ring
 * into a capture of the store in chunks of 256 MB or 60 s, with the configured retention. After a
 * failure or a restart it continues the capture a crash interrupted, from the exact ring position.
 *
 * <p><b>Note:</b> {@link #run()} on the component's thread, blocking until {@link #stop()}; the
 * recorder seals its open chunk and releases its ring slot on the way out.
 */
public final class RecorderComponent extends WorkerComponent<CaptureRecorder> {
    private static final long CHUNK_BYTES = 256L << 20;
    private static final long CHUNK_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final long FLUSH_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final ServiceConfig.Recorder spec;
    private final Path ring;

    public RecorderComponent(ServiceConfig.Recorder spec, Path ring) {
        super(spec);
        this.spec = spec;
        this.ring = ring;
    }



    @Override
    public void run() throws Exception {
        CaptureRecorder.Options options = new CaptureRecorder.Options(readerName("record", spec.name()), CHUNK_BYTES, CHUNK_NANOS, FLUSH_NANOS,
                new RetentionLimits(spec.maxBytes(), spec.minFreeBytes()), System::nanoTime);
        try (RingFile rf = RingFile.open(ring)) {
            Store store = Store.create(Store.resolve(spec.store()));
            CaptureRecorder r = RecordStart.open(store, rf, ring, spec.captureName(), options, this::stopping);
            if (r != null) {
                runWorker(r, CaptureRecorder::run);
            }
        }
    }

    @Override
    protected void stopWorker(CaptureRecorder r) {
        r.stop();
    }

    @Override
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ring", spec.ring());
        m.put("store", spec.store().toString());
        m.put("max_bytes", spec.maxBytes());
        m.put("min_free_bytes", spec.minFreeBytes());
        StoreUsage.of(spec.store()).into(m);
        CaptureRecorder r = worker();
        if (r != null) {
            m.put("capture", r.capture().name());
            m.put("packets", r.packetsRecorded());
        }
        return m;
    }
}
