package io.pushcap.sink.rclone;

import io.pushcap.internal.process.ExitStatus;
import io.pushcap.internal.process.StderrTail;
import io.pushcap.sink.SplitOutput;
import io.pushcap.sink.SplitStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One split flowing into {@code rclone rcat}; commit waits for rcat, then renames with
 * {@code rclone moveto}.
 *
 * <p><b>Note:</b> single-threaded. Abort kills rcat and deletes the pending object (best effort:
 * a later attempt at the same name overwrites it anyway).
 */
final class RcloneSplit implements SplitOutput {
    private static final Logger LOG = LoggerFactory.getLogger(RcloneSplit.class);

    private final RcloneSink sink;
    private final Process rcat;
    private final String location;
    private final String pending;
    private final StderrTail stderr;
    private final OutputStream stdin;
    private final SplitStream stream;

    RcloneSplit(RcloneSink sink, Process rcat, String location, String pending) {
        this.sink = sink;
        this.rcat = rcat;
        this.location = location;
        this.pending = pending;
        this.stderr = StderrTail.start(rcat.getErrorStream(), "rclone-stderr-" + rcat.pid(), 8);
        this.stdin = rcat.getOutputStream();
        this.stream = new SplitStream("rclone rcat " + pending, stdin::write, this::rcatFailed);
    }

    private IOException rcatFailed(IOException e) {
        try {
            if (rcat.waitFor(10, TimeUnit.SECONDS)) {
                stderr.await(1000);
                return new IOException("rclone rcat " + pending + " failed: " + ExitStatus.describe(rcat.exitValue())
                        + stderr.suffix(), e);
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
        return new IOException("rclone rcat " + pending + ": " + e.getMessage() + stderr.suffix(), e);
    }

    @Override
    public OutputStream stream() {
        return stream;
    }

    @Override
    public void commit() throws IOException {
        publish(location);
    }

    /** {@code rclone moveto} takes any name: a size split named by its end learns it only now. */
    @Override
    public void commitAs(String finalLocation) throws IOException {
        publish(finalLocation);
    }

    private void publish(String location) throws IOException {
        if (!stream.end()) {
            throw new IOException("rclone " + location + ": split already ended");
        }
        IOException closeError = null;
        try {
            stdin.close();
        } catch (IOException e) {
            closeError = e;
        }
        int rc;
        try {
            rc = rcat.waitFor();
        } catch (InterruptedException e) {
            rcat.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("rclone rcat " + pending + ": interrupted");
        }
        stderr.await(1000);
        if (rc != 0) {
            throw new IOException("rclone rcat " + pending + " failed: " + ExitStatus.describe(rc) + stderr.suffix());
        }
        if (closeError != null) {
            throw rcatFailed(closeError);
        }
        sink.run(List.of("moveto", pending, location), "rclone moveto " + pending + " " + location);
    }

    @Override
    public void abort() {
        if (stream.end()) {
            rcat.destroyForcibly();
            try {
                rcat.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            sink.run(List.of("deletefile", pending), "rclone deletefile " + pending);
        } catch (IOException | RuntimeException e) {
            LOG.debug("abort: {}", e.getMessage());
        }
    }

    @Override
    public long bytesWritten() {
        return stream.written();
    }

    @Override
    public String location() {
        return location;
    }
}
