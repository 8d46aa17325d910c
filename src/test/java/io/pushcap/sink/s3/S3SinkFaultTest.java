package io.pushcap.sink.s3;

import io.pushcap.sink.SinkMetrics;
import io.pushcap.sink.SplitOutput;
import io.pushcap.testsupport.S3ProxyServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The S3 server dies in the middle of a multipart split: the split fails with an IOException
 * (no object), and after the server is back (filesystem store, same port) the retried split
 * ends up present exactly once, byte for byte, with no multipart upload left open.
 */
class S3SinkFaultTest {
    private static final String BUCKET = "pushcap-fault";

    @TempDir
    Path dir;

    @Test
    void shouldFailThenPublishExactlyOnceWhenServerIsKilledMidUploadAndRestarted() throws Exception {
        try (S3ProxyServer server = S3ProxyServer.start(dir, true)) {
            try (S3Client judge = server.client()) {
                judge.createBucket(b -> b.bucket(BUCKET));
            }
            byte[] data = new byte[17 << 20];
            new Random(7).nextBytes(data);
            String key = "sensor1/20250101/split_000100.pcap.zst";
            String location = "s3://" + BUCKET + "/" + key;
            SinkMetrics metrics = SinkMetrics.detached("fault");
            try (S3Sink sink = new S3Sink("s3://" + BUCKET + "/sensor1/", S3ContractSettings.of(server), metrics)) {
                SplitOutput first = sink.open(location);
                OutputStream s = first.stream();
                s.write(data, 0, 11 << 20); // two 5 MiB parts on their way
                server.kill();
                IOException e = assertThrows(IOException.class, () -> {
                    s.write(data, 11 << 20, data.length - (11 << 20));
                    first.commit();
                });
                assertTrue(e.getMessage().contains(BUCKET) && e.getMessage().contains(key), e.getMessage());
                assertFalse(e.getMessage().contains(S3ProxyServer.CREDENTIAL), "no secret in: " + e.getMessage());
                first.abort();

                server.start();
                try (S3Client judge = server.client()) {
                    assertEquals(List.of(), keys(judge), "nothing published by the failed attempt");
                    SplitOutput retry = sink.open(location);
                    retry.stream().write(data);
                    retry.commit();
                    assertEquals(List.of(key), keys(judge));
                    assertArrayEquals(data, judge.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray());
                    assertEquals(List.of(), judge.listMultipartUploads(b -> b.bucket(BUCKET)).uploads(),
                            "no multipart upload left open");
                    assertEquals(1, metrics.staleUploadsAborted().get(),
                            "the killed attempt's upload (its abort failed while the server was down) is aborted on retry");
                }
            }
        }
    }

    private static List<String> keys(S3Client judge) {
        return judge.listObjectsV2Paginator(b -> b.bucket(BUCKET)).contents().stream().map(S3Object::key).toList();
    }
}
