package io.pushcap.sink.ftp;

import io.pushcap.PushcapException;
import io.pushcap.sink.Sink;
import io.pushcap.sink.SplitOutput;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPFile;
import io.pushcap.sink.StoredOutput;
import org.apache.commons.net.ftp.FTPReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;

/**
 * {@code Mode = "CURL"}, {@code Path = "ftp://[user[:pass]@]host[:port]/prefix"}: splits over
 * FTP with Apache Commons Net, passive mode, binary. A split is stored with a streaming STOR to
 * {@code <name>.pending} (replacing stale remains) and renamed with RNFR/RNTO on commit.
 *
 * <p><b>Atomicity:</b> on POSIX servers (vsftpd, proftpd, Apache FtpServer) RNTO replaces an
 * existing file in one rename, so the final name shows either nothing, an earlier complete copy,
 * or the new complete copy. Only when a server refuses to rename over an existing file (some
 * Windows servers) is the old final file deleted first and the rename retried: a short window in
 * which the name is absent, never partial.
 *
 * <p><b>Connection:</b> the control connection is kept between splits and checked with NOOP
 * before each one (a dead one is replaced); after any failure it is dropped, so a retry starts
 * on a fresh connection. Credentials come from the URL, else from {@code ~/.netrc} (or
 * {@code $NETRC}), else anonymous. Passwords never appear in messages or logs.
 *
 * <p><b>Note:</b> used by one target thread, one split at a time. Paths are relative to the
 * login directory as with curl ({@code ftp://host//abs} for absolute ones).
 */
public final class FtpSink implements Sink {
    private static final Logger LOG = LoggerFactory.getLogger(FtpSink.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final FtpLocation prefix;
    private final Netrc netrc;
    private FTPClient client;
    private FtpLocation connectedTo;
    private String home;

    public FtpSink(String path, Netrc netrc) {
        this.prefix = FtpLocation.parse(path);
        this.netrc = netrc;
    }

    @Override
    public String kind() {
        return "ftp";
    }

    @Override
    public void check() throws IOException {
        connect(prefix);
    }

    @Override
    public SplitOutput open(String location) throws IOException {
        FtpLocation loc;
        try {
            loc = withCredentials(FtpLocation.parse(location));
        } catch (IllegalArgumentException e) {
            throw new PushcapException("FTP location '" + redact(location) + "' (" + e.getMessage() + "; expected "
                    + FtpLocation.SYNTAX + "NAME)");
        }
        if (loc.fileName().isEmpty()) {
            throw new PushcapException("FTP location '" + loc + "' names no file");
        }
        try {
            FTPClient c = connect(loc);
            String dir = absolute(loc.directory());
            mkdirs(c, dir);
            String pending = join(dir, loc.fileName() + ".pending");
            String target = join(dir, loc.fileName());
            c.deleteFile(pending); // stale remains of an earlier attempt; absent is fine
            OutputStream out = c.storeFileStream(pending);
            if (out == null) {
                throw fail("STOR " + pending, loc);
            }
            return new FtpSplit(this, c, loc, location, pending, target, out);
        } catch (IOException e) {
            disconnect();
            throw e instanceof FtpException ? e : new FtpException("FTP " + loc + ": " + e.getMessage(), e);
        }
    }

    /**
     * The files directly in {@code directory} ({@code ftp://[user@]host[:port]/dir/}), by MLSD
     * (machine-readable names and sizes); a server without MLSD (reply 500/502) is asked with
     * LIST. A directory that does not exist (550) is empty.
     */
    @Override
    public java.util.List<StoredOutput> list(String directory) throws IOException {
        FtpLocation loc = parseLocation(directory);
        try {
            FTPClient c = connect(loc);
            String dir = absolute(loc.directory());
            FTPFile[] files = c.mlistDir(dir);
            int reply = c.getReplyCode();
            if (!FTPReply.isPositiveCompletion(reply)) {
                if (reply == 500 || reply == 502) {
                    files = c.listFiles(dir);
                    reply = c.getReplyCode();
                }
                if (reply == 550) {
                    return java.util.List.of();
                }
                if (!FTPReply.isPositiveCompletion(reply)) {
                    throw fail("MLSD " + dir, loc, c);
                }
            }
            java.util.List<StoredOutput> out = new java.util.ArrayList<>();
            for (FTPFile f : files) {
                if (f != null && f.isFile()) {
                    String name = f.getName().substring(f.getName().lastIndexOf('/') + 1);
                    out.add(new StoredOutput(name, directory + name, f.getSize()));
                }
            }
            return out;
        } catch (IOException e) {
            disconnect();
            throw e instanceof FtpException ? e : new FtpException("FTP list " + loc + ": " + e.getMessage(), e);
        }
    }

    /** DELE; the server's refusal (550: absent or not allowed) is an error naming its reply. */
    @Override
    public boolean delete(String location) throws IOException {
        FtpLocation loc = parseLocation(location);
        try {
            FTPClient c = connect(loc);
            String path = join(absolute(loc.directory()), loc.fileName());
            if (!c.deleteFile(path)) {
                throw fail("DELE " + path, loc, c);
            }
            return true;
        } catch (IOException e) {
            if (!(e instanceof FtpException)) {
                disconnect();
            }
            throw e instanceof FtpException ? e : new FtpException("FTP delete " + loc + ": " + e.getMessage(), e);
        }
    }

    private FtpLocation parseLocation(String location) {
        try {
            return withCredentials(FtpLocation.parse(location));
        } catch (IllegalArgumentException e) {
            throw new PushcapException("FTP location '" + redact(location) + "' (" + e.getMessage() + "; expected "
                    + FtpLocation.SYNTAX + ")");
        }
    }

    private FtpLocation withCredentials(FtpLocation loc) {
        if (loc.user() != null && loc.password() == null && loc.user().equals(prefix.user())
                && prefix.password() != null && prefix.sameServerIgnoringUser(loc)) {
            // A location named without the password (FtpLocation.withoutPassword): the Path's own.
            return new FtpLocation(loc.user(), prefix.password(), loc.host(), loc.port(), loc.path());
        }
        if (loc.user() != null) {
            return loc;
        }
        if (prefix.user() != null && prefix.sameServerIgnoringUser(loc)) {
            return new FtpLocation(prefix.user(), prefix.password(), loc.host(), loc.port(), loc.path());
        }
        return netrc.find(loc.host())
                .map(e -> new FtpLocation(e.login(), e.password(), loc.host(), loc.port(), loc.path()))
                .orElse(new FtpLocation("anonymous", "pushcap@", loc.host(), loc.port(), loc.path()));
    }

    /** A logged-in client for {@code loc}'s server: the kept one if NOOP says it is alive. */
    FTPClient connect(FtpLocation loc) throws IOException {
        loc = withCredentials(loc);
        if (client != null && client.isConnected() && loc.sameServer(connectedTo)) {
            try {
                if (client.sendNoOp()) {
                    return client;
                }
            } catch (IOException e) {
                LOG.debug("FTP {}: kept connection is dead ({}), reconnecting", loc, e.getMessage());
            }
        }
        disconnect();
        FTPClient c = new FTPClient();
        c.setConnectTimeout((int) TIMEOUT.toMillis());
        c.setDefaultTimeout((int) TIMEOUT.toMillis());
        c.setDataTimeout(TIMEOUT);
        c.setBufferSize(256 * 1024);
        try {
            c.connect(loc.host(), loc.port());
            if (!FTPReply.isPositiveCompletion(c.getReplyCode())) {
                throw new FtpException("FTP " + loc + ": server refused connection: " + c.getReplyString().trim());
            }
            c.setSoTimeout((int) TIMEOUT.toMillis());
            if (!c.login(loc.user(), loc.password() == null ? "" : loc.password())) {
                throw new FtpException("FTP " + loc + ": login as '" + loc.user() + "' refused: "
                        + c.getReplyString().trim());
            }
            if (!c.setFileType(FTP.BINARY_FILE_TYPE)) {
                throw fail("TYPE I", loc, c);
            }
            c.enterLocalPassiveMode();
            home = c.printWorkingDirectory();
            if (home == null) {
                home = "/";
            }
        } catch (IOException e) {
            try {
                c.disconnect();
            } catch (IOException ignored) {
                // already failing
            }
            throw e instanceof FtpException ? e : new FtpException("FTP " + loc + ": connect: " + e.getMessage(), e);
        }
        client = c;
        connectedTo = loc;
        return c;
    }

    private String absolute(String dir) {
        if (dir.startsWith("/")) {
            return dir;
        }
        return dir.isEmpty() ? home : join(home, dir);
    }

    private static String join(String dir, String name) {
        return dir.endsWith("/") ? dir + name : dir + "/" + name;
    }

    private static void mkdirs(FTPClient c, String dir) throws IOException {
        if (dir.isEmpty() || dir.equals("/") || c.changeWorkingDirectory(dir)) {
            return;
        }
        int slash = dir.lastIndexOf('/');
        if (slash > 0) {
            mkdirs(c, dir.substring(0, slash));
        }
        if (!c.makeDirectory(dir) && !c.changeWorkingDirectory(dir)) {
            throw new FtpException("FTP MKD " + dir + ": " + c.getReplyString().trim());
        }
    }

    void disconnect() {
        FTPClient c = client;
        client = null;
        connectedTo = null;
        if (c != null && c.isConnected()) {
            try {
                c.disconnect();
            } catch (IOException e) {
                // dropping it anyway
            }
        }
    }

    private FtpException fail(String op, FtpLocation loc) {
        return fail(op, loc, client);
    }

    static FtpException fail(String op, FtpLocation loc, FTPClient c) {
        String reply = c == null || c.getReplyString() == null ? "no reply" : c.getReplyString().trim();
        return new FtpException("FTP " + op + " (" + loc + "): " + reply);
    }

    static String redact(String location) {
        return location.replaceFirst("^(ftp://[^/:@]*):[^/@]*@", "$1:***@");
    }

    @Override
    public void close() {
        FTPClient c = client;
        if (c != null && c.isConnected()) {
            try {
                c.logout();
            } catch (IOException e) {
                // closing anyway
            }
        }
        disconnect();
    }

    @Override
    public String toString() {
        return "ftp:" + prefix;
    }

    /** An FTP failure whose message is already complete and free of secrets. */
    static final class FtpException extends IOException {
        FtpException(String message) {
            super(message);
        }

        FtpException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
