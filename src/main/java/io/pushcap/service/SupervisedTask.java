package io.pushcap.service;

import io.pushcap.PushcapException;
import io.pushcap.metrics.Counter;
import io.pushcap.metrics.MetricsRegistry;

import java.util.concurrent.TimeUnit;

/**
 * One component on its own platform thread, restarted when it fails: {@link Component#run()}
 * again after a {@link Backoff}, each restart logged and counted in
 * {@code pushcap_service_task_restarts_total{kind,name}}. A stop request ends the loop: the
 * component returns, or is abandoned at the deadline.
 *
 * <p><b>Note:</b> thread-safe: {@link #start()}, {@link #requestStop()}, {@link #awaitStopped}
 * and the getters may be called from any thread; the component runs on the task's thread only.
 * Components run in-process: a failure that is a Java exception is contained and retried; a
 * crash of the JVM itself (native code) ends the whole service, which systemd restarts
 * ({@code Restart=on-failure}) and which resumes from saved cursors.
 */
public final class SupervisedTask {
    /** RUNNING: in run(); BACKOFF: waiting to restart after a failure. */
    public enum State { NEW, RUNNING, BACKOFF, STOPPING, STOPPED }

    private final Component component;
    private final ServiceLog log;
    private final Counter restarts;
    private final String label;
    private final Object wake = new Object();
    private volatile Thread thread;
    private volatile boolean stopping;
    private volatile State state = State.NEW;
    private volatile String lastError = "";
    private volatile long startedMillis;
    private volatile long lastErrorMillis;

    public SupervisedTask(Component component, ServiceLog log, MetricsRegistry metrics) {
        this.component = component;
        this.log = log;
        this.label = component.kind() + " '" + component.name() + "'";
        String l = MetricsRegistry.labels("kind", component.kind(), "name", component.name());
        this.restarts = metrics.counter("pushcap_service_task_restarts_total",
                "Times a supervised component failed and was started again", l);
        metrics.gauge("pushcap_service_task_up", "1 while the component runs, 0 while it waits to restart or is stopped",
                l, () -> state == State.RUNNING ? 1 : 0);
    }

    public void start() {
        thread = Thread.ofPlatform().name(component.kind() + "-" + component.name()).start(this::loop);
    }

    private void loop() {
        Backoff backoff = Backoff.standard();
        while (!stopping) {
            state = State.RUNNING;
            long started = System.currentTimeMillis();
            startedMillis = started;
            try {
                component.run();
                if (stopping) {
                    break;
                }
                failed("stopped by itself");
            } catch (PushcapException e) {
                failed(e.getMessage());
            } catch (Exception | Error e) {
                if (e instanceof VirtualMachineError vme) {
                    throw vme;
                }
                failed(e.toString());
            }
            if (stopping) {
                break;
            }
            restarts.increment();
            long delay = backoff.delayAfter(System.currentTimeMillis() - started);
            log.warn(label, "restarting in " + delay / 1000.0 + " s (restart " + restarts.get() + ")");
            state = State.BACKOFF;
            waitUnlessStopped(delay);
        }
        state = State.STOPPED;
    }

    private void failed(String message) {
        if (stopping) {
            return;
        }
        lastError = message;
        lastErrorMillis = System.currentTimeMillis();
        log.error(label, message);
    }

    private void waitUnlessStopped(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (wake) {
            while (!stopping) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return;
                }
                try {
                    wake.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Asks the component to stop; returns at once. */
    public void requestStop() {
        stopping = true;
        if (state != State.STOPPED) {
            state = State.STOPPING;
        }
        component.stop();
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    /** Waits until the task's thread has ended or the deadline ({@link System#nanoTime()}) passed; true when ended. */
    public boolean awaitStopped(long deadlineNanos) {
        Thread t = thread;
        if (t == null) {
            return true;
        }
        try {
            long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            if (left > 0) {
                t.join(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !t.isAlive();
    }

    public Component component() {
        return component;
    }

    public State state() {
        return state;
    }

    public long restarts() {
        return restarts.get();
    }

    public String lastError() {
        return lastError;
    }

    public long lastErrorMillis() {
        return lastErrorMillis;
    }

    public long startedMillis() {
        return startedMillis;
    }
}
