package io.pushcap.service;

import io.pushcap.internal.ffm.SdNotify;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Tells systemd how {@code pushcap serve} is doing (a {@code Type=notify} unit with
 * {@code WatchdogSec}): {@code READY=1} once the first capture reads its interface (or at once
 * when the config has none), {@code WATCHDOG=1} every half {@code WatchdogSec}, and
 * {@code STOPPING=1} when the service begins to stop.
 *
 * <p>Outside systemd ({@code $NOTIFY_SOCKET} unset) it does nothing. READY waits at most
 * {@link #READY_WAIT_SECONDS}; after that the service says READY anyway, with a STATUS naming the
 * capture that is not up, since serve keeps retrying it and a restart would not help.
 *
 * <p><b>Note:</b> one daemon thread; {@link #stopping()} is safe from any thread and ends it. A
 * notification that cannot be sent is logged once per kind and never stops the service.
 */
public final class ServiceNotifier {
    static final long READY_WAIT_SECONDS = 60;
    private static final long POLL_MILLIS = 50;

    private final SdNotify notify;
    private final ServiceLog log;
    private final long watchdogMillis;
    private volatile boolean stopping;
    private Thread thread;
    private boolean sendFailed;

    ServiceNotifier(SdNotify notify, ServiceLog log, long watchdogMillis) {
        this.notify = notify;
        this.log = log;
        this.watchdogMillis = watchdogMillis;
    }

    /**
     * The notifier for this process's environment ({@code NOTIFY_SOCKET}, {@code WATCHDOG_USEC},
     * {@code WATCHDOG_PID}), or one that does nothing.
     */
    public static ServiceNotifier fromEnvironment(ServiceLog log) {
        SdNotify n = SdNotify.fromEnvironment();
        return new ServiceNotifier(n, log, watchdogMillis(System.getenv("WATCHDOG_USEC"), System.getenv("WATCHDOG_PID"),
                ProcessHandle.current().pid()));
    }

    /** Half the watchdog period in ms, or 0 when there is no watchdog for this process. */
    static long watchdogMillis(String usec, String pid, long self) {
        if (usec == null || usec.isBlank()) {
            return 0;
        }
        if (pid != null && !pid.isBlank() && !pid.strip().equals(Long.toString(self))) {
            return 0; // the watchdog is meant for another process (e.g. our parent)
        }
        try {
            long us = Long.parseLong(usec.strip());
            return us <= 0 ? 0 : Math.max(1, us / 2000);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Starts the thread that sends READY=1 when {@code ready} holds, then the watchdog pings. */
    public synchronized void start(BooleanSupplier ready) {
        if (notify == null || thread != null) {
            return;
        }
        thread = Thread.ofPlatform().daemon().name("sd-notify").start(() -> run(ready));
    }

    private void run(BooleanSupplier ready) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_WAIT_SECONDS);
        long nextPing = System.nanoTime();
        boolean sentReady = false;
        while (!stopping) {
            long now = System.nanoTime();
            if (!sentReady && (ready.getAsBoolean() || now - deadline > 0)) {
                boolean up = ready.getAsBoolean();
                send("READY=1\nSTATUS=" + (up ? "capturing" : "started; no capture is up yet (see serve.log)")
                        + "\nMAINPID=" + ProcessHandle.current().pid());
                log.info("serve", "told systemd READY=1 (" + (up ? "capturing" : "no capture up after "
                        + READY_WAIT_SECONDS + " s") + ")");
                sentReady = true;
            }
            if (watchdogMillis > 0 && now - nextPing >= 0) {
                send("WATCHDOG=1");
                nextPing = now + TimeUnit.MILLISECONDS.toNanos(watchdogMillis);
            }
            long sleep = sentReady ? (watchdogMillis > 0 ? Math.min(watchdogMillis, 1000) : 1000) : POLL_MILLIS;
            synchronized (this) {
                if (stopping) {
                    break;
                }
                try {
                    wait(sleep);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Sends STOPPING=1 and ends the pings; call when the service begins to stop. */
    public void stopping() {
        synchronized (this) {
            stopping = true;
            notifyAll();
        }
        if (notify != null) {
            send("STOPPING=1\nSTATUS=stopping: publishing open splits, saving cursors");
        }
    }

    private void send(String state) {
        String problem = notify.send(state);
        if (problem != null && !sendFailed) {
            sendFailed = true;
            log.warn("serve", "sd_notify failed: " + problem);
        }
    }
}
