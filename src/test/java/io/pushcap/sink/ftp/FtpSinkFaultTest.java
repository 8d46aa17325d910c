package io.pushcap.sink.ftp;

import io.pushcap.sink.SplitOutput;
import io.pushcap.testsupport.FtpTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The FTP server stops in the middle of a split: the split fails with an IOException and nothing
 * appears under the final name; once the server is back, the retried split is there exactly
 * once and no .pending remains.
 */
class FtpSinkFaultTest {
    @TempDir
    Path dir;

    @Test
    void shouldFailThenPublishExactlyOnceWhenServerStopsMidUploadAndRestarts() throws Exception {
        Path home = dir.resolve("home");
        FtpTestServer server = FtpTestServer.start(home);
        try (FtpSink sink = new FtpSink(server.url() + "/push/", Netrc.empty())) {
            byte[] data = new byte[4 << 20];
            new Random(3).nextBytes(data);
            String location = "ftp://127.0.0.1:" + server.port() + "/push/split.pcap";
            SplitOutput first = sink.open(location);
            OutputStream s = first.stream();
            s.write(data, 0, 1 << 20);
            server.stop();
            assertThrows(IOException.class, () -> {
                for (int i = 0; i < 64; i++) { // the socket buffers some: keep writing until it breaks
                    s.write(data, 0, 1 << 20);
                }
                first.commit();
            });
            first.abort();
            assertFalse(Files.exists(home.resolve("push/split.pcap")), "nothing under the final name");

            server.start();
            SplitOutput retry = sink.open(location);
            retry.stream().write(data);
            retry.commit();
            assertArrayEquals(data, Files.readAllBytes(home.resolve("push/split.pcap")));
            try (Stream<Path> files = Files.list(home.resolve("push"))) {
                assertEquals(List.of("split.pcap"), files.map(p -> p.getFileName().toString()).toList());
            }
        } finally {
            server.stop();
        }
    }
}
