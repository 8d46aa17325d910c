package io.pushcap.service;

import java.util.Map;

/**
 * Something {@code pushcap serve} runs and supervises: a NIC capture, a tunnel receiver, a
 * re-transmitter, a recorder, a flow exporter, a push schedule.
 *
 * <p><b>Note:</b> {@link #run()} runs on the component's own thread (made by its
 * {@link SupervisedTask}) and blocks until {@link #stop()} was called (then it returns normally)
 * or the component fails (it throws, and the supervisor restarts it after a backoff).
 * {@link #stop()} and {@link #status()} are called from other threads and must be thread-safe;
 * {@link #stop()} only asks and returns at once.
 */
public interface Component {
    /** "capture", "schedule", ...: the kind as in the service config. */
    String kind();

    /** Unique within its kind. */
    String name();

    /** Runs until stopped (returns) or failed (throws). Called again after a failure. */
    void run() throws Exception;

    /** Asks {@link #run()} to return soon; safe from any thread, returns at once. */
    void stop();

    /** What /status shows about it besides the supervisor's own fields (state, restarts, last error). */
    default Map<String, Object> status() {
        return Map.of();
    }
}
