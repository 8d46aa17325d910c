package io.pushcap.service;

import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Stands in for a component whose module is not part of this build (say, the capture store
 * before it lands): it says so once, shows "unavailable" in /status with the reason, and waits
 * until stopped, so the rest of the service runs and its config section is still validated.
 *
 * <p><b>Note:</b> thread-safe.
 */
final class PendingComponent implements Component {
    private final String kind;
    private final String name;
    private final String reason;
    private final ServiceLog log;
    private final CountDownLatch stopped = new CountDownLatch(1);

    PendingComponent(String kind, String name, String reason, ServiceLog log) {
        this.kind = kind;
        this.name = name;
        this.reason = reason;
        this.log = log;
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void run() throws InterruptedException {
        log.warn(kind + " '" + name + "'", "not running: " + reason);
        stopped.await();
    }

    @Override
    public void stop() {
        stopped.countDown();
    }

    @Override
    public Map<String, Object> status() {
        return Map.of("unavailable", reason);
    }
}
