package io.pushcap.pipeline.compress;

import io.pushcap.PushcapException;
import io.pushcap.internal.process.CommandWords;
import io.pushcap.internal.process.ExitStatus;
import io.pushcap.internal.process.StderrTail;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code PipeCmd}: runs any stdin-to-stdout program per split (e.g. {@code zstd -c -T8},
 * {@code gzip -1 -c}, {@code xz -T2 -c}) and streams the pcap bytes through it into the sink.
 *
 * <p>The command is split into words like a shell would ({@link CommandWords}: quotes and
 * backslashes, no expansion) and started directly, without {@code /bin/sh}. That keeps the
 * semantics obvious and leaves nothing for a shell to interpret; a user who really wants a
 * pipeline writes {@code sh -c '...'} and owns that choice. The program must be found at
 * construction (on PATH or as a path), so a typo fails config validation, not the first split.
 *
 * <p>Per split: the caller's thread writes into the child's stdin; a pump thread copies the
 * child's stdout into the sink, so a full stdout pipe can never deadlock the writer; a second
 * thread keeps the tail of its stderr. When the sink's split is a local file
 * ({@link #openToFile}), the child's stdout is that file and there is no pump: the bytes cross
 * one pipe, as in a shell pipeline, instead of two and a copy through this JVM.
 * {@code close()} ends stdin, waits for the child and the pump, and throws an {@link IOException}
 * naming the command, its exit status and its last stderr lines when it exited non-zero or died
 * by a signal: that split must not be published.
 * If the sink throws, the child is killed and the caller's next write or close throws.
 *
 * <p><b>Timeout:</b> a child that neither takes input nor gives output for {@code PipeTimeout}
 * (60 s by default; time the sink itself spends on a write does not count) is killed by a watchdog, and the blocked write or close then throws a
 * {@link PipeTimeoutException}: a hung PipeCmd fails its split instead of stalling the target.
 *
 * <p><b>Note:</b> immutable and thread-safe; each stream is for one thread. The JDK reaps every
 * child (no zombies); {@link Abortable#abort()} kills the child and its descendants at once.
 * The child inherits the calling thread's CPU affinity (a pinned target pins its PipeCmd).
 */
public final class PipeCommandCompressor implements Compressor {
    private static final int STDERR_LINES = 8;

    /** Checks every stream's progress; one daemon thread for every PipeCmd of the process. */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r ->
            Thread.ofPlatform().daemon().name("pipecmd-watchdog").unstarted(r));

    private final String command;
    private final List<String> argv;
    private final long timeoutMillis;

    /** @throws PushcapException when the command is malformed or its program is not found */
    public PipeCommandCompressor(String command) {
        this(command, 60_000);
    }

    /**
     * @param timeoutMillis kill the child when it neither reads input nor writes output this long
     * @throws PushcapException when the command is malformed or its program is not found
     */
    public PipeCommandCompressor(String command, long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
        this.command = command.trim();
        this.argv = List.copyOf(CommandWords.split(command));
        requireProgram(argv.getFirst(), command);
    }

    private static void requireProgram(String program, String command) {
        if (program.contains("/")) {
            if (!Files.isExecutable(Path.of(program))) {
                throw new PushcapException("'" + command + "' (" + program + " is not an executable file)");
            }
            return;
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return;
            }
        }
        throw new PushcapException("'" + command + "' (program '" + program + "' not found on PATH " + path + ")");
    }

    public List<String> argv() {
        return argv;
    }

    @Override
    public String name() {
        return "pipe:" + command;
    }

    /** The customary suffix of the program's output, when the program is a known compressor. */
    @Override
    public String defaultSuffix() {
        String p = Path.of(argv.getFirst()).getFileName().toString().toLowerCase(Locale.ROOT);
        return switch (p) {
            case "gzip", "pigz" -> ".gz";
            case "zstd", "pzstd", "zstdmt" -> ".zst";
            case "lz4" -> ".lz4";
            case "xz", "pixz" -> ".xz";
            case "bzip2", "pbzip2", "lbzip2" -> ".bz2";
            default -> "";
        };
    }

    @Override
    public OutputStream open(OutputStream sink) throws IOException {
        return new PipeStream(command, start(ProcessBuilder.Redirect.PIPE), sink, null, timeoutMillis);
    }

    /**
     * The child writes its stdout into {@code file} itself, as {@code tcpdump | zstd > file}
     * does: no second pipe and no pump thread copying its output through this JVM.
     */
    @Override
    public OutputStream openToFile(Path file) throws IOException {
        return new PipeStream(command, start(ProcessBuilder.Redirect.to(file.toFile())), null, file, timeoutMillis);
    }

    private Process start(ProcessBuilder.Redirect stdout) throws IOException {
        try {
            return new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.PIPE).redirectOutput(stdout).start();
        } catch (IOException e) {
            throw new IOException("PipeCmd '" + command + "': cannot start: " + e.getMessage(), e);
        }
    }

    /** A PipeCmd that made no progress for PipeTimeout and was killed. */
    public static final class PipeTimeoutException extends IOException {
        PipeTimeoutException(String message) {
            super(message);
        }
    }

    @Override
    public String toString() {
        return name();
    }

    /** One split's trip through the child process. */
    static final class PipeStream extends OutputStream implements Abortable {
        private final String command;
        private final Process process;
        private final OutputStream stdin;
        private final StderrTail stderr;
        private final Thread pump;
        /** The file the child writes itself (no pump), or null. */
        private final Path direct;
        private long directSize;
        private volatile IOException sinkError;
        private volatile long progressNanos = System.nanoTime();
        private volatile boolean timedOut;
        private volatile boolean sinkBusy;
        private final long timeoutMillis;
        private final ScheduledFuture<?> watch;
        private boolean closed;

        PipeStream(String command, Process process, OutputStream sink) {
            this(command, process, sink, null, 60_000);
        }

        PipeStream(String command, Process process, OutputStream sink, Path direct, long timeoutMillis) {
            this.command = command;
            this.process = process;
            this.direct = direct;
            this.timeoutMillis = timeoutMillis;
            long period = Math.max(50, Math.min(1000, timeoutMillis / 4));
            this.watch = WATCHDOG.scheduleWithFixedDelay(this::checkProgress, period, period, TimeUnit.MILLISECONDS);
            this.stdin = process.getOutputStream();
            this.stderr = StderrTail.start(process.getErrorStream(), "pipecmd-stderr-" + process.pid(), STDERR_LINES);
            this.pump = direct != null ? null : Thread.ofPlatform().daemon().name("pipecmd-pump-" + process.pid())
                    .start(() -> pump(process.getInputStream(), sink));
        }

        private void joinPump(long millis) throws InterruptedException {
            if (pump != null) {
                pump.join(millis);
            }
        }

        private void pump(InputStream stdout, OutputStream sink) {
            byte[] buf = new byte[256 * 1024];
            try (stdout) {
                int n;
                while ((n = stdout.read(buf)) > 0) {
                    progressNanos = System.nanoTime();
                    try {
                        // A slow or throttled sink (MaxMbps) is not the child's fault: no timeout
                        // while the pump is writing.
                        sinkBusy = true;
                        sink.write(buf, 0, n);
                        sinkBusy = false;
                        progressNanos = System.nanoTime();
                    } catch (IOException | RuntimeException e) {
                        sinkError = e instanceof IOException io ? io : new IOException(e);
                        killTree();
                        return;
                    }
                }
            } catch (IOException e) {
                // stdout closed under us: only after abort or the child's death, reported by close().
            }
        }

        /** The watchdog: a child silent on both pipes for the timeout is killed. */
        private void checkProgress() {
            if (!process.isAlive()) {
                watch.cancel(false);
                return;
            }
            if (direct != null) {
                // Output the child writes itself is progress too (zstd finishing its last frames).
                try {
                    long size = Files.size(direct);
                    if (size != directSize) {
                        directSize = size;
                        progressNanos = System.nanoTime();
                    }
                } catch (IOException e) {
                    // the split was aborted and its file deleted: the child is being killed
                }
            }
            if (!sinkBusy && System.nanoTime() - progressNanos > TimeUnit.MILLISECONDS.toNanos(timeoutMillis)) {
                timedOut = true;
                watch.cancel(false);
                killTree();
            }
        }

        private PipeTimeoutException timeout() {
            return new PipeTimeoutException("PipeCmd '" + command + "' made no progress for "
                    + io.pushcap.config.RetryBudget.human(timeoutMillis) + " (PipeTimeout): killed" + stderr.suffix());
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("PipeCmd '" + command + "': stream closed");
            }
            checkSink();
            try {
                stdin.write(b, off, len);
                progressNanos = System.nanoTime();
            } catch (IOException e) {
                throw failure(e);
            }
        }

        @Override
        public void flush() throws IOException {
            checkSink();
            try {
                stdin.flush();
            } catch (IOException e) {
                throw failure(e);
            }
        }

        private void checkSink() throws IOException {
            IOException e = sinkError;
            if (e != null) {
                throw new IOException("PipeCmd '" + command + "': writing its output failed: " + e.getMessage(), e);
            }
        }

        /** A broken stdin means the child is gone: report why it went, not the broken pipe. */
        private IOException failure(IOException writeError) {
            if (timedOut) {
                abort();
                PipeTimeoutException t = timeout();
                t.addSuppressed(writeError);
                return t;
            }
            try {
                if (process.waitFor(5, TimeUnit.SECONDS)) {
                    joinPump(5000);
                    stderr.await(1000);
                    IOException sink = sinkError;
                    if (sink != null) {
                        abort();
                        IOException e = new IOException("PipeCmd '" + command + "': writing its output failed: "
                                + sink.getMessage(), sink);
                        e.addSuppressed(writeError);
                        return e;
                    }
                    int rc = process.exitValue();
                    IOException e = new IOException("PipeCmd '" + command + "' stopped reading its input: "
                            + ExitStatus.describe(rc) + stderr.suffix(), writeError);
                    abort();
                    return e;
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            abort();
            return new IOException("PipeCmd '" + command + "': writing its input failed: " + writeError.getMessage()
                    + stderr.suffix(), writeError);
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            IOException stdinError = null;
            try {
                stdin.close();
            } catch (IOException e) {
                stdinError = e; // the child is gone early: its exit status says why
            }
            int rc;
            try {
                rc = process.waitFor();
                joinPump(0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                abort();
                throw new InterruptedIOException("PipeCmd '" + command + "': interrupted while waiting for it");
            }
            watch.cancel(false);
            stderr.await(1000);
            checkSink();
            if (timedOut) {
                throw timeout();
            }
            if (rc != 0) {
                IOException e = new IOException("PipeCmd '" + command + "' failed: " + ExitStatus.describe(rc)
                        + stderr.suffix());
                if (stdinError != null) {
                    e.addSuppressed(stdinError);
                }
                throw e;
            }
            if (stdinError != null) {
                throw new IOException("PipeCmd '" + command + "': closing its input failed: " + stdinError.getMessage(),
                        stdinError);
            }
        }

        @Override
        public void abort() {
            closed = true;
            watch.cancel(false);
            killTree();
            try {
                stdin.close();
            } catch (IOException e) {
                // the child is being killed; its pipe may already be broken
            }
            try {
                process.waitFor(5, TimeUnit.SECONDS);
                joinPump(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void killTree() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }

        long pid() {
            return process.pid();
        }
    }
}
