package io.pushcap.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Clean stops for long-running commands (rx, cat, io): on SIGINT or SIGTERM the JVM runs a
 * shutdown hook that asks the command to stop and then waits (up to 10 s) until the command has
 * released its ring slots and flushed its output.
 *
 * <p><b>Note:</b> create with {@link #install(Runnable)} on the command's thread; the stop action
 * runs on the hook thread, so it must be thread-safe. {@link #close()} marks the command done.
 */
final class StopOnSignal implements AutoCloseable {
    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread hook;
    private volatile boolean signalled;

    private StopOnSignal(Runnable stop) {
        this.hook = new Thread(() -> {
            signalled = true;
            stop.run();
            try {
                done.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "pushcap-stop");
    }

    static StopOnSignal install(Runnable stop) {
        StopOnSignal s = new StopOnSignal(stop);
        Runtime.getRuntime().addShutdownHook(s.hook);
        return s;
    }

    /** True once a signal asked us to stop. */
    boolean signalled() {
        return signalled;
    }

    @Override
    public void close() {
        done.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down already: the hook is running and now sees done
        }
    }
}
