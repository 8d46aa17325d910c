package io.pushcap.sink;

import io.pushcap.PushcapException;
import io.pushcap.config.Mode;
import io.pushcap.config.TargetConfig;
import io.pushcap.metrics.MetricsRegistry;
import io.pushcap.sink.ftp.FtpSink;
import io.pushcap.sink.rclone.RcloneSink;
import io.pushcap.sink.s3.S3Sink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.pushcap.testsupport.Targets.target;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SinkFactoryTest {
    @TempDir
    Path dir;

    private final MetricsRegistry registry = new MetricsRegistry();
    private final SinkFactory factory = SinkFactory.standard(new SinkContext(registry, Path.of("/opt/pushcap"),
            Map.of("NETRC", "/nonexistent")));

    private String error(TargetConfig t) {
        return assertThrows(PushcapException.class, () -> factory.create(t)).getMessage();
    }

    @Test
    void shouldNameTargetAndSyntaxWhenS3PathIsMalformed() {
        assertEquals("target 'x': Path: 's3:/bucket' (does not start with s3://; expected s3://BUCKET/PREFIX)",
                error(target("x", Mode.S3, "s3:/bucket")));
        assertTrue(error(target("x", Mode.S3, "s3://Bad_Bucket/p")).contains("not a valid bucket name"));
    }

    @Test
    void shouldHideFtpPasswordWhenFtpPathIsMalformed() {
        String m = error(target("f", Mode.CURL, "ftps://u:secret@host/x"));
        assertTrue(m.startsWith("target 'f': Path: '"), m);
        assertTrue(m.contains("expected ftp://[USER[:PASS]@]HOST[:PORT]/PREFIX"), m);
        String m2 = error(target("f", Mode.CURL, "ftp://u:secret@/x"));
        assertTrue(!m2.contains("secret"), m2);
    }

    @Test
    void shouldRefuseUrlWhenFileModeGetsOne() {
        assertTrue(error(target("n", Mode.FILE, "s3://b/x")).startsWith("target 'n': Path: 's3://b/x'"));
    }

    @Test
    void shouldSayWhichModuleProvidesModeWhenModeHasNoProvider() {
        String m = error(target("lxc-all", Mode.LXC, "/opt/queue/lxc_ring0"));
        assertTrue(m.startsWith("target 'lxc-all': Mode: 'LXC' is provided by the ring module"), m);
        assertTrue(error(target("t", Mode.TAP, "eth0")).contains("tap module"));
    }

    @Test
    void shouldUseRegisteredProviderWhenAModuleAddsOne() throws Exception {
        factory.register(new SinkProvider() {
            @Override
            public Mode mode() {
                return Mode.LXC;
            }

            @Override
            public Sink create(TargetConfig t, SinkContext c) {
                return new io.pushcap.sink.file.FileSink(dir + "/");
            }
        });
        try (Sink s = factory.create(target("lxc", Mode.LXC, "/r"))) {
            assertEquals("file", s.kind());
        }
    }

    @Test
    void shouldRefuseUnknownOptionWhenModeDoesNotTakeIt() {
        String m = error(target("s", Mode.S3, "s3://bkt/p", Map.of("Endpoint", "http://127.0.0.1:9", "Regoin", "x"), 0));
        assertTrue(m.contains("unknown option 'Regoin' for Mode S3 (expected BodyChecksum, Checksum, Endpoint, PartSizeMiB,"
                + " PartsInFlight, PathStyle, PayloadSigning, Region)"), m);
        assertTrue(error(target("s", Mode.S3, "s3://bkt/p", Map.of("PartSizeMiB", "4"), 0))
                .contains("PartSizeMiB: 4 (expected 5..512)"));
        assertTrue(error(target("s", Mode.S3, "s3://bkt/p", Map.of("Endpoint", "ftp://x"), 0))
                .contains("Endpoint: 'ftp://x'"));
    }

    @Test
    void shouldBuildEachBuiltInModeWhenPathIsValid() throws Exception {
        try (Sink s = factory.create(target("s", Mode.S3, "s3://bkt/p/", Map.of("Endpoint", "http://127.0.0.1:9"), 0))) {
            assertInstanceOf(S3Sink.class, ((MeteredSink) s).delegate());
        }
        try (Sink s = factory.create(target("f", Mode.CURL, "ftp://u:p@127.0.0.1:2121/x"))) {
            assertInstanceOf(FtpSink.class, ((MeteredSink) s).delegate());
        }
        try (Sink s = factory.create(target("r", Mode.RCLONE, "remote:bucket/x"))) {
            assertInstanceOf(RcloneSink.class, ((MeteredSink) s).delegate());
            assertTrue(((MeteredSink) s).delegate().toString().contains("/opt/pushcap/etc/rclone.conf"));
        }
    }

    @Test
    void shouldCountBytesCommitsAbortsAndThrottleWhenFileSinkIsUsed() throws IOException {
        Sink s = factory.create(target("nfs-tcp", Mode.FILE, dir + "/", Map.of(), 1000));
        assertInstanceOf(ThrottledSink.class, ((MeteredSink) s).delegate());
        SplitOutput a = s.open(dir.resolve("a.pcap").toString());
        a.stream().write(new byte[1000]);
        a.commit();
        SplitOutput b = s.open(dir.resolve("b.pcap").toString());
        b.stream().write(new byte[10]);
        b.abort();
        Map<String, Long> m = registry.snapshot();
        String l = "{target=\"nfs-tcp\"}";
        assertEquals(1010L, m.get("pushcap_sink_bytes_total" + l));
        assertEquals(1L, m.get("pushcap_sink_commits_total" + l));
        assertEquals(1L, m.get("pushcap_sink_aborts_total" + l));
        assertEquals(0L, m.get("pushcap_sink_commit_failures_total" + l));
        assertTrue(m.get("pushcap_sink_commit_seconds_total" + l) > 0);
        assertTrue(m.containsKey("pushcap_sink_throttled_seconds_total" + l));
        assertEquals(1000, Files.size(dir.resolve("a.pcap")));
    }
}
