package io.pushcap.sink;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The stream a {@link SplitOutput} hands out: it passes bytes to the medium (a file channel, an FTP
 * data connection, an rclone child's stdin), counts them, refuses writes once the split has ended
 * (committed or aborted), and turns the medium's errors into messages that name the sink.
 *
 * <p><b>Note:</b> single-threaded, like the split it belongs to. {@link #close()} does nothing:
 * ending the split is commit's or abort's business, not the writer's.
 */
public final class SplitStream extends OutputStream {

    /** Writes bytes to the medium. */
    @FunctionalInterface
    public interface Medium {
        void write(byte[] b, int off, int len) throws IOException;
    }

    /** Turns a failed write into the error the split reports. */
    @FunctionalInterface
    public interface Failure {
        IOException describe(IOException e);
    }

    private final Medium medium;
    private final Failure failure;
    private final String what;
    private long written;
    private boolean ended;

    /** @param what names the split in the "already ended" error, e.g. "FTP ftp://host/x" */
    public SplitStream(String what, Medium medium, Failure failure) {
        this.what = what;
        this.medium = medium;
        this.failure = failure;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (ended) {
            throw new IOException(what + ": split already ended");
        }
        try {
            medium.write(b, off, len);
        } catch (IOException e) {
            throw failure.describe(e);
        }
        written += len;
    }

    /** Refuses further writes; returns true the first time (the split was still open). */
    public boolean end() {
        boolean wasOpen = !ended;
        ended = true;
        return wasOpen;
    }

    public boolean ended() {
        return ended;
    }

    /** Bytes the medium took. */
    public long written() {
        return written;
    }

    @Override
    public void close() {
        // Ending the split is commit's or abort's business.
    }
}
