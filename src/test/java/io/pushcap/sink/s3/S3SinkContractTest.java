package io.pushcap.sink.s3;

import io.pushcap.sink.Sink;
import io.pushcap.sink.SinkContractTest;
import io.pushcap.sink.SinkMetrics;
import io.pushcap.testsupport.S3Bucket;
import io.pushcap.testsupport.S3ProxyServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** S3Sink against a real S3Proxy process: single PutObject and multipart splits read back. */
class S3SinkContractTest extends SinkContractTest {
    static final String BUCKET = "pushcap-test";
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    @RegisterExtension
    static final S3Bucket S3 = new S3Bucket(BUCKET);

    private String prefix;
    private SinkMetrics metrics;

    static S3Settings settings(S3ProxyServer s) {
        return S3Settings.fromOptions(Map.of("Endpoint", s.endpoint().toString(), "PartSizeMiB", "5",
                "PartsInFlight", "2"), Map.of()).withCredentials(s.credentials());
    }

    /** The sink's settings: MD5 bodies here (the default with an Endpoint); a subclass checks CRC32C. */
    S3Settings sinkSettings() {
        return settings(S3.server());
    }

    @Override
    protected Sink newSink() {
        prefix = "t" + PREFIXES.incrementAndGet() + "/";
        metrics = SinkMetrics.detached("s3-test");
        return new S3Sink("s3://" + BUCKET + "/" + prefix, sinkSettings(), metrics);
    }

    @Override
    protected String location(String name) {
        return "s3://" + BUCKET + "/" + prefix + name;
    }

    @Override
    protected int largeSize() {
        return 12 << 20; // 3 parts of 5 MiB, the last one short
    }

    /** The object key of a split name in this test's prefix. */
    String key(String name) {
        return prefix + name;
    }

    @Override
    protected byte[] read(String name) {
        try {
            return S3.judge().getObjectAsBytes(b -> b.bucket(BUCKET).key(prefix + name)).asByteArray();
        } catch (NoSuchKeyException e) {
            return null;
        }
    }

    @Override
    protected List<String> names() {
        return S3.judge().listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(prefix)).contents().stream()
                .map(S3Object::key).map(k -> k.substring(prefix.length())).sorted().toList();
    }

    @Test
    void shouldUploadPartsWhenSplitExceedsOnePart() throws Exception {
        byte[] d = data(11 << 20, 42);
        publish("mp.pcap", d);
        assertArrayEquals(d, read("mp.pcap"));
        assertEquals(3, metrics.parts().get(), "parts of 5+5+1 MiB");
        String etag = S3.judge().headObject(b -> b.bucket(BUCKET).key(prefix + "mp.pcap")).eTag();
        assertTrue(etag.contains("-3"), "multipart ETag ends in -<parts>: " + etag);
    }

    @Test
    void shouldPublishEachSplitByteExactWhenPartBuffersAreReusedAcrossSplits() throws Exception {
        // The sink hands part buffers from one split to the next: no split may carry another's bytes.
        byte[] a = data(16 << 20, 47);
        byte[] b = data(11 << 20, 48);
        byte[] c = data(3 << 20, 49);
        publish("r1.pcap", a);
        publish("r2.pcap", b);
        publish("r3.pcap", c);
        assertArrayEquals(a, read("r1.pcap"));
        assertArrayEquals(b, read("r2.pcap"));
        assertArrayEquals(c, read("r3.pcap"));
        assertEquals(4 + 3 + 1, metrics.parts().get());
    }

    @Test
    void shouldUsePutObjectWhenSplitIsSmallerThanOnePart() throws Exception {
        publish("small.pcap", data(1000, 43));
        assertEquals(1, metrics.parts().get());
        String etag = S3.judge().headObject(b -> b.bucket(BUCKET).key(prefix + "small.pcap")).eTag();
        assertTrue(!etag.contains("-"), "single-part ETag: " + etag);
    }

    @Test
    void shouldPublishByteExactWhenPayloadSigningIsOn() throws Exception {
        S3Settings signed = S3Settings.fromOptions(Map.of("Endpoint", S3.server().endpoint().toString(), "PartSizeMiB", "5",
                "PayloadSigning", "true"), Map.of()).withCredentials(S3.server().credentials());
        byte[] d = data(6 << 20, 45);
        try (S3Sink s = new S3Sink("s3://" + BUCKET + "/" + prefix, signed, metrics)) {
            var out = s.open(location("signed.pcap"));
            out.stream().write(d);
            out.commit();
        }
        assertArrayEquals(d, read("signed.pcap"));
    }

    @Test
    void shouldLeaveNoMultipartUploadWhenMultipartSplitIsAborted() throws Exception {
        write("ab.pcap", data(12 << 20, 44)).abort();
        assertEquals(List.of(), names());
        assertEquals(List.of(), S3.judge().listMultipartUploads(b -> b.bucket(BUCKET).prefix(prefix)).uploads());
    }

    /** Above S3's 5 GiB CopyObject limit the late name is reached by a multipart copy (limits scaled down). */
    @Test
    void shouldCopyInPartsWhenObjectExceedsTheSingleCopyLimit() throws Exception {
        byte[] d = data(11 << 20, 46);
        publish("src.pcap", d);
        S3Copy.copy(S3.judge(), new S3Location(BUCKET, prefix + "src.pcap"), new S3Location(BUCKET, prefix + "dst.pcap"),
                d.length, 1 << 20, 5 << 20);
        assertArrayEquals(d, read("dst.pcap"));
        String etag = S3.judge().headObject(b -> b.bucket(BUCKET).key(prefix + "dst.pcap")).eTag();
        assertTrue(etag.contains("-3"), "copied in 3 parts: " + etag);
    }
}
