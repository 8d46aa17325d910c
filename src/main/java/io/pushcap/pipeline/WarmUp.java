package io.pushcap.pipeline;

import io.pushcap.pipeline.filter.BpfFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.Arena;
import java.util.concurrent.TimeUnit;

/**
 * Start-up work a push will need, done on a second thread while the config is evaluated in its
 * child JVM: loading libpcap and spinning its FFM downcall stubs (compiling one filter), and
 * loading zstd-jni's native library. Both are a few hundred milliseconds of a short push's wall
 * time that the main thread would otherwise spend after the child returns (docs/performance.md).
 *
 * <p><b>Note:</b> best effort: any failure (libpcap missing, say) is ignored here, and the real
 * use reports it with its own message. {@link #await()} returns once the work is done, or after
 * a bound; callers await before compiling filters themselves, so libpcap is never used from two
 * threads at once here.
 */
final class WarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);
    private static final long AWAIT_MILLIS = 5_000;

    private final Thread thread;

    private WarmUp(Thread thread) {
        this.thread = thread;
    }

    /** Starts the warm-up on a daemon thread. */
    static WarmUp start() {
        return new WarmUp(Thread.ofPlatform().daemon().name("warm-up").start(WarmUp::run));
    }

    private static void run() {
        try (BpfFilter f = BpfFilter.compile("tcp", 1, 65_535); Arena arena = Arena.ofConfined()) {
            // One match on native memory binds pcap_offline_filter's stub (bound on first use)
            // here rather than on the target's first packet.
            f.matches(arena.allocate(64), 0, 64, 64);
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("warm-up: libpcap: {}", e.toString());
        }
        try {
            com.github.luben.zstd.util.Native.load();
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("warm-up: zstd-jni: {}", e.toString());
        }
    }

    /** Waits (boundedly) for the warm-up to finish. */
    void await() throws InterruptedException {
        thread.join(TimeUnit.MILLISECONDS.toMillis(AWAIT_MILLIS));
    }
}
