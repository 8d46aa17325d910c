package io.pushcap.sink.ftp;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * An {@code ftp://[user[:pass]@]host[:port]/path} location. As with curl, the path is relative
 * to the login directory; a path starting with {@code //} is absolute.
 *
 * <p><b>Note:</b> immutable. {@link #toString()} never shows the password.
 */
public record FtpLocation(String user, String password, String host, int port, String path) {
    public static final String SYNTAX = "ftp://[USER[:PASS]@]HOST[:PORT]/PREFIX";

    /**
     * @throws IllegalArgumentException with the reason ("no host", "not ftp://")
     */
    public static FtpLocation parse(String s) {
        if (!s.startsWith("ftp://")) {
            throw new IllegalArgumentException("does not start with ftp://");
        }
        int slash = s.indexOf('/', 6);
        String authority = slash < 0 ? s.substring(6) : s.substring(6, slash);
        String path = slash < 0 ? "" : s.substring(slash + 1);
        int at = authority.lastIndexOf('@');
        String user = null;
        String password = null;
        if (at >= 0) {
            String info = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? null : decode(info.substring(colon + 1));
        }
        URI hp;
        try {
            hp = new URI("ftp://" + authority);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("host '" + authority + "' is malformed");
        }
        if (hp.getHost() == null || hp.getHost().isEmpty()) {
            throw new IllegalArgumentException("no host");
        }
        return new FtpLocation(user, password, hp.getHost(), hp.getPort() < 0 ? 21 : hp.getPort(), decode(path));
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** The directory part of the path ("" for the login directory). */
    public String directory() {
        int i = path.lastIndexOf('/');
        return i < 0 ? "" : path.substring(0, i);
    }

    public String fileName() {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** Same server and account (so a control connection can be reused). */
    public boolean sameServer(FtpLocation o) {
        return o != null && host.equalsIgnoreCase(o.host) && port == o.port
                && java.util.Objects.equals(user, o.user);
    }

    /**
     * {@code url} without the password of its user part ({@code ftp://user:pw@host/p} becomes
     * {@code ftp://user@host/p}); anything not an FTP URL is returned unchanged. The pipeline names
     * splits with this, so that locations, which go to logs, the manifest and error messages, never
     * carry the secret; {@link FtpSink} adds the password of its Path back when it connects.
     */
    public static String withoutPassword(String url) {
        return url.replaceFirst("^(?i)(ftps?://[^/:@]*):[^/@]*@", "$1@");
    }

    public boolean sameServerIgnoringUser(FtpLocation o) {
        return o != null && host.equalsIgnoreCase(o.host) && port == o.port;
    }

    @Override
    public String toString() {
        return "ftp://" + (user == null ? "" : user + "@") + host + (port == 21 ? "" : ":" + port) + "/" + path;
    }
}
