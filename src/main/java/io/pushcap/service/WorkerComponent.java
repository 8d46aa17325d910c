package io.pushcap.service;

import io.pushcap.config.ServiceConfig;

import java.nio.charset.StandardCharsets;

/**
 * The shape every service component that drives one worker shares (a capture's
 * {@code InterfaceReceiver}, a recorder, a tunnel receiver, a flow meter loop, a transmitter):
 * {@link #run()} makes the worker and runs it until it returns; {@link #stop()} asks the worker
 * that is running, or the one about to run, to return.
 *
 * <p><b>Note:</b> {@link #stop()} is safe from any thread and returns at once; a stop that comes
 * before the worker exists is remembered, so the worker never starts.
 *
 * @param <W> the worker type
 */
abstract class WorkerComponent<W> implements Component {

    /** The worker's own run loop. */
    @FunctionalInterface
    interface Body<W> {
        void run(W worker) throws Exception;
    }

    private final ServiceConfig.Component spec;
    private volatile W worker;
    private volatile boolean stopping;

    protected WorkerComponent(ServiceConfig.Component spec) {
        this.spec = spec;
    }

    @Override
    public final String kind() {
        return spec.kind();
    }

    @Override
    public final String name() {
        return spec.name();
    }

    /** Runs {@code body} with {@code w} as the worker {@link #stop()} reaches, unless a stop came first. */
    protected final void runWorker(W w, Body<W> body) throws Exception {
        worker = w;
        try {
            if (!stopping) {
                body.run(w);
            }
        } finally {
            worker = null;
        }
    }

    /** The running worker, or null. */
    protected final W worker() {
        return worker;
    }

    protected final boolean stopping() {
        return stopping;
    }

    @Override
    public final void stop() {
        stopping = true;
        W w = worker;
        if (w != null) {
            stopWorker(w);
        }
    }

    /** Asks a running worker to return soon. */
    protected abstract void stopWorker(W w);

    /** A ring reader slot name, {@code prefix:name} cut to the 31 bytes a slot holds. */
    static String readerName(String prefix, String name) {
        String n = prefix + ":" + name;
        byte[] b = n.getBytes(StandardCharsets.UTF_8);
        return b.length <= 31 ? n : new String(b, 0, 31, StandardCharsets.UTF_8).replace("\uFFFD", "");
    }
}
