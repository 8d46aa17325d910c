package io.pushcap.flow;

import io.pushcap.PushcapException;
import io.pushcap.pcap.Packet;
import io.pushcap.pipeline.PacketSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Drives a live flow meter: reads a {@link PacketSource} in batches, meters each packet, advances
 * the meter's wall clock between batches so idle flows expire even without traffic, lets the
 * sink do its housekeeping, and runs requests from other threads (dump, flush) between batches.
 * On {@link #stop()} or when an offline source ends, it ends every flow (forced end) and closes
 * the sink, which sends what is pending.
 *
 * <p><b>Note:</b> {@link #run()} runs on the one meter thread and owns the meter and the sink;
 * {@link #submit} and {@link #stop} are safe from any thread. A request waits at most one batch
 * (at most 4096 packets or about 20 ms) or one {@link PacketSource#await} timeout (50 ms), plus
 * however long the source's {@code next()} blocks.
 */
public final class FlowMeterLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(FlowMeterLoop.class);
    private static final int BATCH = 4096;
    /** A batch also ends after this long, so a slow trickle of packets cannot hold requests and expiry back. */
    private static final long BATCH_NANOS = 20_000_000L;
    private static final long AWAIT_NANOS = 50_000_000L;

    private final PacketSource source;
    private final FlowMeter meter;
    private final FlowSink sink;
    private final LongSupplier wallNanos;
    private final Queue<Runnable> requests = new ConcurrentLinkedQueue<>();
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private volatile boolean stopping;

    public FlowMeterLoop(PacketSource source, FlowMeter meter, FlowSink sink, LongSupplier wallNanos) {
        this.source = source;
        this.meter = meter;
        this.sink = sink;
        this.wallNanos = wallNanos;
    }

    /** Runs {@code work} on the meter thread between batches; the future completes with its result. */
    public <T> CompletableFuture<T> submit(Function<FlowMeter, T> work) {
        CompletableFuture<T> f = new CompletableFuture<>();
        if (done.isDone()) {
            f.completeExceptionally(new PushcapException("the flow meter has stopped"));
            return f;
        }
        requests.add(() -> {
            try {
                f.complete(work.apply(meter));
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    /** Asks the loop to end: it flushes every flow, closes the sink and returns from {@link #run()}. */
    public void stop() {
        stopping = true;
    }

    /** Completes when {@link #run()} has returned (exceptionally if it failed). */
    public CompletableFuture<Void> done() {
        return done;
    }

    @Override
    public void run() {
        Packet p = new Packet();
        try {
            while (!stopping) {
                int n = 0;
                long batchStart = System.nanoTime();
                while (n < BATCH && source.next(p)) {
                    meter.meter(p);
                    n++;
                    if ((n & 63) == 0 && System.nanoTime() - batchStart > BATCH_NANOS) {
                        break;
                    }
                }
                meter.advanceTo(wallNanos.getAsLong());
                sink.tick();
                runRequests();
                if (n == 0) {
                    if (source.ended()) {
                        break;
                    }
                    source.await(AWAIT_NANOS);
                }
            }
            runRequests();
            int flushed = meter.flushAll();
            LOG.info("flow meter on {} stopped: {} flows flushed", source.describe(), flushed);
            sink.close();
            done.complete(null);
        } catch (IOException | RuntimeException e) {
            closeQuietly();
            done.completeExceptionally(e);
            throw e instanceof RuntimeException r ? r : new PushcapException(source.describe() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly();
            done.completeExceptionally(e);
        } finally {
            Runnable r;
            while ((r = requests.poll()) != null) {
                r.run(); // complete late requests rather than leave clients waiting
            }
        }
    }

    private void closeQuietly() {
        try {
            sink.close();
        } catch (RuntimeException e) {
            LOG.debug("closing the flow sink after a failure", e);
        }
    }

    private void runRequests() {
        Runnable r;
        while ((r = requests.poll()) != null) {
            r.run();
        }
    }
}
