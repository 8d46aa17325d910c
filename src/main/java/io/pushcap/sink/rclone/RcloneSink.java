package io.pushcap.sink.rclone;

import io.pushcap.PushcapException;
import io.pushcap.internal.process.ExitStatus;
import io.pushcap.internal.process.StderrTail;
import io.pushcap.sink.Sink;
import io.pushcap.sink.SplitOutput;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code Mode = "RCLONE"}, {@code Path = "remote:path/prefix"}: any rclone remote (S3, SFTP, FTP,
 * Google Drive, local...). A split is streamed into {@code rclone rcat remote:path/name.pending}
 * and, on commit, renamed with {@code rclone moveto ... .pending remote:path/name}, as the
 * appliance does. Atomicity is the remote's: a server-side rename where the backend has one
 * (local, SFTP, FTP), copy-then-delete otherwise (S3: the final object appears complete or not at
 * all, since an S3 copy is atomic).
 *
 * <p>rclone runs with {@code --config} (default {@code $PUSHCAP_HOME/etc/rclone.conf}) and
 * without {@code AWS_CA_BUNDLE} in its environment: rclone 1.60 refuses plain-http S3 endpoints
 * while that variable is set. A missing rclone binary is a {@link PushcapException} telling how
 * to install it; every other failure is an {@link IOException} with rclone's exit status and the
 * tail of its stderr.
 *
 * <p><b>Note:</b> used by one target thread; one rclone process per split (plus one per
 * rename). Remotes' credentials live in the config file (obscured passwords), never on the
 * command line or in our messages.
 */
public final class RcloneSink implements Sink {
    static final String INSTALL_HINT = "rclone not found: apt-get install -y rclone";
    private static final long COMMAND_TIMEOUT_SECONDS = 300;

    private final String prefix;
    private final Path config;
    private final String binary;

    /**
     * @param prefix the target's Path ({@code remote:path/prefix}, or a local path)
     * @param config the rclone config file
     * @param binary the rclone program ("rclone" on PATH)
     */
    public RcloneSink(String prefix, Path config, String binary) {
        this.prefix = prefix;
        this.config = config;
        this.binary = binary;
    }

    /** The default config file: {@code $PUSHCAP_HOME/etc/rclone.conf}. */
    public static Path defaultConfig() {
        String home = System.getProperty("pushcap.home", System.getenv("PUSHCAP_HOME"));
        return Path.of(home == null ? "." : home, "etc", "rclone.conf");
    }

    @Override
    public String kind() {
        return "rclone";
    }

    /**
     * rclone is installed and, when the Path names a remote, rclone knows that remote (from the
     * config file or {@code RCLONE_CONFIG_<NAME>_TYPE} variables): a missing remote is a
     * configuration error, found here rather than by every split failing until the retry budget
     * is spent.
     */
    @Override
    public void check() throws IOException {
        if (!namesRemote(prefix)) {
            run(List.of("version"), "rclone version");
            return;
        }
        // listremotes also proves rclone runs (a missing program is the same INSTALL_HINT): no `version` first.
        String remote = prefix.substring(0, prefix.indexOf(':'));
        String listed = output(List.of("listremotes"), "rclone listremotes");
        List<String> remotes = listed == null ? List.of()
                : listed.lines().map(String::strip).filter(l -> l.endsWith(":"))
                        .map(l -> l.substring(0, l.length() - 1)).toList();
        if (remotes.contains(remote)) {
            return;
        }
        if (!Files.isReadable(config)) {
            throw new PushcapException("rclone config " + config + " not found or unreadable (Path '" + prefix
                    + "' names the remote '" + remote + "'; see etc/rclone.conf for examples)");
        }
        throw new PushcapException("rclone remote '" + remote + "' (Path '" + prefix + "') is not defined in " + config
                + (remotes.isEmpty() ? ", which defines none" : " (it defines " + String.join(", ", remotes) + ")")
                + "; add it with `rclone config --config " + config + "` or see etc/rclone.conf for examples");
    }

    static boolean namesRemote(String path) {
        int colon = path.indexOf(':');
        int slash = path.indexOf('/');
        return colon > 0 && (slash < 0 || colon < slash);
    }

    @Override
    public SplitOutput open(String location) throws IOException {
        String pending = location + ".pending";
        Process p = start(List.of("rcat", pending));
        return new RcloneSplit(this, p, location, pending);
    }

    /**
     * {@code rclone lsjson --files-only DIR}: the files directly in {@code directory}
     * ({@code remote:path/}), not in its subdirectories. A directory that does not exist is
     * empty (rclone's exit status 3).
     */
    @Override
    public List<io.pushcap.sink.StoredOutput> list(String directory) throws IOException {
        String json = output(List.of("lsjson", "--files-only", "--no-modtime", "--no-mimetype", directory),
                "rclone lsjson " + directory);
        if (json == null) {
            return List.of();
        }
        List<io.pushcap.sink.StoredOutput> out = new ArrayList<>();
        java.util.regex.Matcher m = LSJSON_ENTRY.matcher(json);
        while (m.find()) {
            String name = unescape(m.group(1));
            out.add(new io.pushcap.sink.StoredOutput(name, directory + name, Long.parseLong(m.group(2))));
        }
        return out;
    }

    /** {@code rclone deletefile LOCATION}. */
    @Override
    public boolean delete(String location) throws IOException {
        run(List.of("deletefile", location), "rclone deletefile " + location);
        return true;
    }

    /** One object of {@code rclone lsjson}: {@code {"Path":"a","Name":"a","Size":1,...}}, Name before Size as rclone writes. */
    private static final java.util.regex.Pattern LSJSON_ENTRY =
            java.util.regex.Pattern.compile("\"Name\":\"((?:[^\"\\\\]|\\\\.)*)\",\"Size\":(\\d+)");

    private static String unescape(String s) {
        return s.replace("\\\"", "\"").replace("\\/", "/").replace("\\\\", "\\");
    }

    /**
     * Runs rclone to completion and returns its stdout; null when rclone says the directory is
     * not found (exit status 3); an IOException with its status and stderr tail otherwise.
     */
    private String output(List<String> args, String what) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command(args)).redirectOutput(ProcessBuilder.Redirect.PIPE);
        pb.environment().remove("AWS_CA_BUNDLE");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            if (!Files.isExecutable(Path.of(binary)) && !onPath(binary)) {
                throw new PushcapException(INSTALL_HINT);
            }
            throw new IOException(what + ": cannot start: " + e.getMessage(), e);
        }
        p.getOutputStream().close();
        StderrTail err = StderrTail.start(p.getErrorStream(), "rclone-stderr-" + p.pid(), 8);
        java.util.concurrent.CompletableFuture<byte[]> stdout = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return p.getInputStream().readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        }, Thread::startVirtualThread);
        try {
            if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(what + ": no answer within " + COMMAND_TIMEOUT_SECONDS + " s" + err.suffix());
            }
            err.await(1000);
            if (p.exitValue() == 3) {
                return null;
            }
            if (p.exitValue() != 0) {
                throw new IOException(what + " failed: " + ExitStatus.describe(p.exitValue()) + err.suffix());
            }
            return new String(stdout.get(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS), java.nio.charset.StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(what + ": interrupted");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException(what + ": cannot read its output: " + e, e);
        }
    }

    List<String> command(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary);
        cmd.add("--config");
        cmd.add(config.toString());
        // Fail fast: the pipeline retries whole splits with its own backoff.
        cmd.add("--contimeout");
        cmd.add("15s");
        cmd.add("--low-level-retries");
        cmd.add("2");
        cmd.add("--retries");
        cmd.add("1");
        cmd.addAll(args);
        return cmd;
    }

    Process start(List<String> args) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command(args)).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().remove("AWS_CA_BUNDLE");
        try {
            return pb.start();
        } catch (IOException e) {
            if (!Files.isExecutable(Path.of(binary)) && !onPath(binary)) {
                throw new PushcapException(INSTALL_HINT);
            }
            throw new IOException("rclone " + String.join(" ", args) + ": cannot start: " + e.getMessage(), e);
        }
    }

    private static boolean onPath(String program) {
        if (program.contains("/")) {
            return false;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /** Runs rclone to completion; an IOException with its status and stderr tail on failure. */
    void run(List<String> args, String what) throws IOException {
        Process p = start(args);
        p.getOutputStream().close();
        StderrTail err = StderrTail.start(p.getErrorStream(), "rclone-stderr-" + p.pid(), 8);
        try {
            if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(what + ": no answer within " + COMMAND_TIMEOUT_SECONDS + " s" + err.suffix());
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(what + ": interrupted");
        }
        err.await(1000);
        if (p.exitValue() != 0) {
            throw new IOException(what + " failed: " + ExitStatus.describe(p.exitValue()) + err.suffix());
        }
    }

    @Override
    public String toString() {
        return "rclone:" + prefix + " (config " + config + ")";
    }
}
