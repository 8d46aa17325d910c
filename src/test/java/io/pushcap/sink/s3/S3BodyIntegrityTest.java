package io.pushcap.sink.s3;

import io.pushcap.sink.SinkMetrics;
import io.pushcap.sink.SplitOutput;
import io.pushcap.testsupport.CorruptingProxy;
import io.pushcap.testsupport.S3Bucket;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The body checksum is what stands between an unsigned plain-http body and a silently damaged
 * split: through a relay that flips one bit of every request stream, after its headers, each
 * {@code BodyChecksum} makes S3Proxy refuse the body (the split fails, no object is published);
 * through the same relay without the flip, the split publishes byte-exact.
 */
class S3BodyIntegrityTest {
    private static final String BUCKET = "pushcap-integrity";
    /** Past the request line and headers of any request, inside the first body of a connection. */
    private static final long FLIP_AT = 100_000;

    @RegisterExtension
    static final S3Bucket S3 = new S3Bucket(BUCKET);

    @ParameterizedTest(name = "{0}, {1} bytes")
    @CsvSource({"MD5, 300000", "MD5, 7340032", "CRC32C, 300000", "CRC32C, 7340032"})
    void shouldRefuseTheSplitWhenOneBitOfABodyChangesOnTheWay(String checksum, int size) throws Exception {
        byte[] d = random(size);
        String key = "flip-" + checksum + "-" + size + ".pcap";
        try (CorruptingProxy proxy = CorruptingProxy.start("127.0.0.1", S3.server().port(), FLIP_AT);
             S3Sink sink = new S3Sink("s3://" + BUCKET + "/", settings(proxy, checksum), SinkMetrics.detached("flip"))) {
            SplitOutput out = sink.open("s3://" + BUCKET + "/" + key);
            IOException e = assertThrows(IOException.class, () -> {
                out.stream().write(d);
                out.commit();
            });
            out.abort();
            assertTrue(proxy.flipped() >= 1, "the relay changed a body");
            assertTrue(e.getMessage().contains("BadDigest") || e.getMessage().contains("400"),
                    "the server refused the body: " + e.getMessage());
        }
        assertEquals(List.of(), keys(key), "nothing published from a damaged body");
    }

    @ParameterizedTest(name = "{0}, {1} bytes")
    @CsvSource({"MD5, 300000", "MD5, 7340032", "CRC32C, 300000", "CRC32C, 7340032"})
    void shouldPublishByteExactWhenTheRelayChangesNothing(String checksum, int size) throws Exception {
        byte[] d = random(size);
        String key = "clean-" + checksum + "-" + size + ".pcap";
        try (CorruptingProxy proxy = CorruptingProxy.start("127.0.0.1", S3.server().port(), -1);
             S3Sink sink = new S3Sink("s3://" + BUCKET + "/", settings(proxy, checksum), SinkMetrics.detached("clean"))) {
            SplitOutput out = sink.open("s3://" + BUCKET + "/" + key);
            out.stream().write(d);
            out.commit();
        }
        assertArrayEquals(d, S3.judge().getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray());
    }

    private static S3Settings settings(CorruptingProxy proxy, String checksum) {
        return S3Settings.fromOptions(Map.of("Endpoint", "http://127.0.0.1:" + proxy.port(), "PartSizeMiB", "5",
                "PartsInFlight", "2", "BodyChecksum", checksum), Map.of()).withCredentials(S3.server().credentials());
    }

    private static List<String> keys(String key) {
        return S3.judge().listObjectsV2(b -> b.bucket(BUCKET).prefix(key)).contents().stream().map(S3Object::key).toList();
    }

    private static byte[] random(int size) {
        byte[] d = new byte[size];
        new Random(size).nextBytes(d);
        return d;
    }
}
