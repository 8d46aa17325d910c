package io.pushcap.service;

import io.pushcap.metrics.MetricsRegistry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The running components of a service, each a {@link SupervisedTask}, by {@code kind:name}.
 * Components start in the order they are added; {@link #stop} stops a group of them at once and
 * waits for all of them up to one deadline, so a slow one cannot make the others late.
 *
 * <p><b>Note:</b> thread-safe (synchronized); stopping waits outside the lock.
 */
public final class Supervisor {
    private final ServiceLog log;
    private final MetricsRegistry metrics;
    private final Map<String, SupervisedTask> tasks = new LinkedHashMap<>();

    public Supervisor(ServiceLog log, MetricsRegistry metrics) {
        this.log = log;
        this.metrics = metrics;
    }

    public static String key(String kind, String name) {
        return kind + ":" + name;
    }

    public synchronized SupervisedTask start(Component c) {
        String key = key(c.kind(), c.name());
        if (tasks.containsKey(key)) {
            throw new IllegalStateException(key + " is already running");
        }
        SupervisedTask t = new SupervisedTask(c, log, metrics);
        tasks.put(key, t);
        t.start();
        return t;
    }

    public synchronized SupervisedTask get(String key) {
        return tasks.get(key);
    }

    public synchronized List<SupervisedTask> tasks() {
        return List.copyOf(tasks.values());
    }

    /**
     * Asks every task of {@code keys} to stop, then waits for all until {@code deadlineNanos}.
     *
     * @return the keys of tasks still running at the deadline (abandoned)
     */
    public List<String> stop(List<String> keys, long deadlineNanos) {
        List<SupervisedTask> stopping = new ArrayList<>();
        synchronized (this) {
            for (String k : keys) {
                SupervisedTask t = tasks.remove(k);
                if (t != null) {
                    stopping.add(t);
                }
            }
        }
        stopping.forEach(SupervisedTask::requestStop);
        List<String> late = new ArrayList<>();
        for (SupervisedTask t : stopping) {
            if (!t.awaitStopped(deadlineNanos)) {
                late.add(key(t.component().kind(), t.component().name()));
            }
        }
        return late;
    }

    /** The keys of running tasks of one kind, in start order. */
    public synchronized List<String> keysOf(String kind) {
        return tasks.keySet().stream().filter(k -> k.startsWith(kind + ":")).toList();
    }
}
