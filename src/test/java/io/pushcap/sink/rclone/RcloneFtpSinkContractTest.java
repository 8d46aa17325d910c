package io.pushcap.sink.rclone;

import io.pushcap.sink.Sink;
import io.pushcap.sink.SinkContractTest;
import io.pushcap.testsupport.Exec;
import io.pushcap.testsupport.FtpTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/** RcloneSink through rclone's ftp backend to the embedded FTP server (obscured password). */
class RcloneFtpSinkContractTest extends SinkContractTest {
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    @TempDir
    static Path dir;
    static FtpTestServer server;
    static Path conf;

    private String prefix;

    @BeforeAll
    static void startServer() throws Exception {
        server = FtpTestServer.start(dir.resolve("home"));
        String obscured = Exec.ok(Duration.ofSeconds(30), "rclone", "obscure", FtpTestServer.PASSWORD).stdout().trim();
        conf = dir.resolve("rclone.conf");
        Files.writeString(conf, String.join("\n", "[ftptest]", "type = ftp", "host = 127.0.0.1",
                "port = " + server.port(), "user = " + FtpTestServer.USER, "pass = " + obscured, ""));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected Sink newSink() {
        prefix = "r" + PREFIXES.incrementAndGet();
        return new RcloneSink("ftptest:" + prefix + "/", conf, "rclone");
    }

    @Override
    protected String location(String name) {
        return "ftptest:" + prefix + "/" + name;
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
}
