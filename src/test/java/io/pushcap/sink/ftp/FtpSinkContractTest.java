package io.pushcap.sink.ftp;

import io.pushcap.sink.Sink;
import io.pushcap.sink.SinkContractTest;
import io.pushcap.testsupport.FtpTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** FtpSink against an embedded Apache FtpServer; uploads are read from the server's disk. */
class FtpSinkContractTest extends SinkContractTest {
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    @TempDir
    static Path dir;
    static FtpTestServer server;

    private String prefix;

    @BeforeAll
    static void startServer() throws Exception {
        server = FtpTestServer.start(dir.resolve("home"));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected Sink newSink() {
        prefix = "t" + PREFIXES.incrementAndGet();
        return new FtpSink(server.url() + "/" + prefix + "/", Netrc.empty());
    }

    @Override
    protected String location(String name) {
        return "ftp://127.0.0.1:" + server.port() + "/" + prefix + "/" + name;
    }

    private Path base() {
        return server.home().resolve(prefix);
    }

    @Override
    protected byte[] read(String name) throws Exception {
        Path p = base().resolve(name);
        return Files.exists(p) ? Files.readAllBytes(p) : null;
    }

    @Override
    protected List<String> names() throws Exception {
        if (!Files.exists(base())) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(base())) {
            return s.filter(Files::isRegularFile).map(p -> base().relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void shouldTakeCredentialsFromNetrcWhenUrlHasNone() throws Exception {
        Netrc netrc = Netrc.parse("machine 127.0.0.1 login " + FtpTestServer.USER + " password "
                + FtpTestServer.PASSWORD + "\n");
        try (FtpSink s = new FtpSink("ftp://127.0.0.1:" + server.port() + "/" + prefix + "/", netrc)) {
            var out = s.open(location("netrc.pcap"));
            out.stream().write(new byte[] {1, 2, 3});
            out.commit();
        }
        assertArrayEquals(new byte[] {1, 2, 3}, read("netrc.pcap"));
    }

    @Test
    void shouldUsePathsPasswordWhenLocationIsNamedWithoutIt() throws Exception {
        // The pipeline names splits from FtpLocation.withoutPassword(Path), so that logs, the
        // manifest and error messages never show the password; the sink must still log in.
        String path = server.url() + "/" + prefix + "/";
        String named = FtpLocation.withoutPassword(path) + "nopw.pcap";
        org.assertj.core.api.Assertions.assertThat(named).startsWith("ftp://" + FtpTestServer.USER + "@127.0.0.1:")
                .doesNotContain("rd@").doesNotContain(":p%40");
        try (FtpSink s = new FtpSink(path, Netrc.empty())) {
            var out = s.open(named);
            out.stream().write(new byte[] {4, 5, 6});
            out.commit();
        }
        assertArrayEquals(new byte[] {4, 5, 6}, read("nopw.pcap"));
    }

    @Test
    void shouldStorePendingNameWhenNotYetCommitted() throws Exception {
        var out = write("p.pcap", data(300_000, 1));
        out.stream().flush();
        assertEquals(List.of(), names().stream().filter(n -> n.equals("p.pcap")).toList());
        out.commit();
        assertEquals(List.of("p.pcap"), names());
    }
}
