package io.pushcap.pipeline.compress;

/**
 * A compressor stream that holds resources beyond memory (a child process, worker threads) and
 * can be dropped without finishing it. The pipeline calls {@link #abort()} instead of
 * {@code close()} when it abandons a split (sink failure, shutdown): {@code close()} would wait
 * for a complete output that nobody wants.
 *
 * <p><b>Note:</b> {@link #abort()} may be called from the stream's own thread at any time, more
 * than once, and never throws.
 */
public interface Abortable {

    /** Releases everything now (kills a child process); the output is incomplete. */
    void abort();

    /** Aborts {@code stream} when it is {@link Abortable}; does nothing otherwise. */
    static void abortIfPossible(Object stream) {
        if (stream instanceof Abortable a) {
            a.abort();
        }
    }
}
