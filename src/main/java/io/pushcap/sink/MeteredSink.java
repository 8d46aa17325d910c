package io.pushcap.sink;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Counts what any sink does: bytes written, commits, commit failures, aborts and the time spent
 * committing. The factory wraps every sink in one, so sinks themselves count only what is theirs
 * alone (S3 parts).
 *
 * <p><b>Note:</b> used by the target's thread only, like the sink it wraps; adds one virtual
 * call per write and no buffering.
 */
public final class MeteredSink implements Sink {
    private final Sink delegate;
    private final SinkMetrics metrics;

    public MeteredSink(Sink delegate, SinkMetrics metrics) {
        this.delegate = delegate;
        this.metrics = metrics;
    }

    public Sink delegate() {
        return delegate;
    }

    @Override
    public String kind() {
        return delegate.kind();
    }

    @Override
    public SplitOutput open(String location) throws IOException {
        return new Metered(delegate.open(location));
    }

    @Override
    public SplitOutput openRenamable(String location) throws IOException {
        return new Metered(delegate.openRenamable(location));
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

    @Override
    public String toString() {
        return delegate.toString();
    }

    private final class Metered implements SplitOutput {
        private final SplitOutput split;
        private final OutputStream stream;

        Metered(SplitOutput split) {
            this.split = split;
            this.stream = new FilterOutputStream(split.stream()) {
                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                    metrics.bytes().increment();
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    metrics.bytes().add(len);
                }

                @Override
                public void close() {
                    // the sink closes its stream on commit or abort
                }
            };
        }

        @Override
        public OutputStream stream() {
            return stream;
        }

        @Override
        public void commit() throws IOException {
            publish(null);
        }

        /** Size splits named by their end are published under the name known only now. */
        @Override
        public void commitAs(String finalLocation) throws IOException {
            publish(finalLocation);
        }

        private void publish(String finalLocation) throws IOException {
            long t0 = System.nanoTime();
            try {
                if (finalLocation == null) {
                    split.commit();
                } else {
                    split.commitAs(finalLocation);
                }
                metrics.commits().increment();
            } catch (IOException | RuntimeException e) {
                metrics.commitFailures().increment();
                throw e;
            } finally {
                metrics.commitNanos().add(System.nanoTime() - t0);
            }
        }

        @Override
        public void abort() {
            metrics.aborts().increment();
            split.abort();
        }

        @Override
        public long bytesWritten() {
            return split.bytesWritten();
        }

        @Override
        public java.nio.file.Path directFile() {
            return split.directFile();
        }

        @Override
        public void wroteDirectly(long bytes) {
            split.wroteDirectly(bytes);
            metrics.bytes().add(bytes);
        }

        @Override
        public String location() {
            return split.location();
        }
    }
}
