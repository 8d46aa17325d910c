package io.pushcap.sink;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Applies a target's bandwidth cap ({@code MaxMbps}) to any sink: every split's stream goes
 * through one shared {@link RateLimiter}, so the cap holds across splits and retries.
 *
 * <p><b>Note:</b> used by the target's thread only. The cap applies to the bytes handed to the
 * sink (after compression); protocol overhead (HTTP, FTP control) is not counted.
 */
public final class ThrottledSink implements Sink {
    private final Sink delegate;
    private final RateLimiter limiter;
    private final SinkMetrics metrics;

    public ThrottledSink(Sink delegate, RateLimiter limiter, SinkMetrics metrics) {
        this.delegate = delegate;
        this.limiter = limiter;
        this.metrics = metrics;
    }

    @Override
    public String kind() {
        return delegate.kind();
    }

    @Override
    public SplitOutput open(String location) throws IOException {
        return capped(delegate.open(location));
    }

    @Override
    public SplitOutput openRenamable(String location) throws IOException {
        return capped(delegate.openRenamable(location));
    }

    private SplitOutput capped(SplitOutput split) {
        OutputStream capped = new RateLimitedOutputStream(split.stream(), limiter, metrics.throttledNanos());
        return new SplitOutput() {
            @Override
            public OutputStream stream() {
                return capped;
            }

            @Override
            public void commit() throws IOException {
                split.commit();
            }

            @Override
            public void commitAs(String finalLocation) throws IOException {
                split.commitAs(finalLocation);
            }

            @Override
            public void abort() {
                split.abort();
            }

            @Override
            public long bytesWritten() {
                return split.bytesWritten();
            }

            @Override
            public String location() {
                return split.location();
            }
        };
    }

    @Override
    public java.util.List<StoredOutput> list(String directory) throws IOException {
        return delegate.list(directory);
    }

    @Override
    public boolean delete(String location) throws IOException {
        return delegate.delete(location);
    }

    @Override
    public void check() throws IOException {
        delegate.check();
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
