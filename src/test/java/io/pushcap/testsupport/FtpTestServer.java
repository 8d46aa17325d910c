package io.pushcap.testsupport;

import org.apache.ftpserver.DataConnectionConfigurationFactory;
import org.apache.ftpserver.FtpServer;
import org.apache.ftpserver.FtpServerFactory;
import org.apache.ftpserver.ftplet.Authority;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.ftplet.UserManager;
import org.apache.ftpserver.impl.DefaultFtpServer;
import org.apache.ftpserver.listener.ListenerFactory;
import org.apache.ftpserver.usermanager.ClearTextPasswordEncryptor;
import org.apache.ftpserver.usermanager.PropertiesUserManagerFactory;
import org.apache.ftpserver.usermanager.impl.BaseUser;
import org.apache.ftpserver.usermanager.impl.WritePermission;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Apache FtpServer embedded on a loopback port, passive mode, one user with write access whose
 * home is a temp directory (so tests read uploads straight from disk). {@link #stop()} and
 * {@link #start()} simulate an outage on the same port.
 */
public final class FtpTestServer implements AutoCloseable {
    public static final String USER = "pushcap";
    public static final String PASSWORD = "p@ss:w/rd";

    private final Path home;
    private int port;
    private FtpServer server;

    private FtpTestServer(Path home) {
        this.home = home;
    }

    public static FtpTestServer start(Path home) throws IOException {
        FtpTestServer s = new FtpTestServer(home);
        s.port = S3ProxyServer.freePort();
        s.start();
        return s;
    }

    /** A server on a reserved port that is not listening until {@link #start()}. */
    public static FtpTestServer unstarted(Path home) throws IOException {
        FtpTestServer s = new FtpTestServer(home);
        s.port = S3ProxyServer.freePort();
        return s;
    }

    public void start() throws IOException {
        Files.createDirectories(home);
        FtpServerFactory sf = new FtpServerFactory();
        ListenerFactory lf = new ListenerFactory();
        lf.setServerAddress("127.0.0.1");
        lf.setPort(port);
        DataConnectionConfigurationFactory dc = new DataConnectionConfigurationFactory();
        dc.setPassiveAddress("127.0.0.1");
        dc.setPassivePorts("0");
        lf.setDataConnectionConfiguration(dc.createDataConnectionConfiguration());
        sf.addListener("default", lf.createListener());
        PropertiesUserManagerFactory umf = new PropertiesUserManagerFactory();
        umf.setPasswordEncryptor(new ClearTextPasswordEncryptor());
        UserManager um = umf.createUserManager();
        BaseUser u = new BaseUser();
        u.setName(USER);
        u.setPassword(PASSWORD);
        u.setHomeDirectory(home.toString());
        u.setAuthorities(List.<Authority>of(new WritePermission()));
        try {
            um.save(u);
            sf.setUserManager(um);
            server = sf.createServer();
            server.start();
        } catch (FtpException e) {
            throw new IOException(e);
        }
        port = ((DefaultFtpServer) server).getListener("default").getPort();
    }

    public void stop() {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    public int port() {
        return port;
    }

    public Path home() {
        return home;
    }

    /** ftp://USER:PASS@127.0.0.1:PORT (password URL-encoded). */
    public String url() {
        return "ftp://" + USER + ":" + java.net.URLEncoder.encode(PASSWORD, java.nio.charset.StandardCharsets.UTF_8)
                + "@127.0.0.1:" + port;
    }

    @Override
    public void close() {
        stop();
    }
}
