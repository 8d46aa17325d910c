package io.pushcap.it;

import io.pushcap.synth.Mix;
import io.pushcap.synth.TrafficGenerator;
import io.pushcap.testing.Cmd;
import io.pushcap.testsupport.PushcapCli;
import io.pushcap.testsupport.S3ProxyServer;
import io.pushcap.testsupport.SelfSignedCert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An S3 push over HTTPS, through the real launcher, to S3Proxy's TLS endpoint with a self-signed
 * certificate: trusted through the JDK's trust-store properties in {@code PUSHCAP_JAVA_OPTS}, every
 * packet arrives (tcpdump judges the objects read back over plain HTTP); not trusted, the push
 * fails with the certificate problem and the endpoint in its log, and publishes nothing.
 */
class S3TlsPushIT {
    private static final String BUCKET = "tls";

    @Test
    void shouldPublishEveryPacketOverHttpsWhenTheCertificateIsTrustedAndNothingWhenNot(@TempDir Path dir)
            throws Exception {
        Path capture = dir.resolve("in.pcap");
        TrafficGenerator.builder().mix(Mix.MIXED).seed(21).packets(20_000).pps(8_000).flows(200)
                .startNanos(1_700_000_030_500_000_000L).write(capture);
        List<String> all = Cmd.tcpdump(capture, "--nano", "-tt", "-e", "-S");
        SelfSignedCert cert = SelfSignedCert.create(dir.resolve("tls"), "loopback", "ip:127.0.0.1");
        try (S3ProxyServer s3 = S3ProxyServer.startWithTls(dir.resolve("s3"), cert)) {
            s3.judge().createBucket(b -> b.bucket(BUCKET));
            String trust = "-Djavax.net.ssl.trustStore=" + cert.keyStore() + " -Djavax.net.ssl.trustStorePassword="
                    + cert.password() + " -Djavax.net.ssl.trustStoreType=PKCS12";

            PushcapCli.Result untrusted = push(dir.resolve("untrusted"), s3, capture, "");
            assertThat(untrusted.exit()).as(untrusted.all()).isNotZero();
            String log = Files.readString(dir.resolve("untrusted/logs/push_tls.cur"));
            assertThat(log).contains(s3.secureEndpoint().toString()).contains("PKIX");
            assertThat(keys(s3)).isEmpty();

            push(dir.resolve("trusted"), s3, capture, trust).ok();
            assertThat(keys(s3)).hasSizeGreaterThan(1);
            List<String> got = new ArrayList<>();
            for (String key : keys(s3)) {
                Path f = dir.resolve("got").resolve(key.replace('/', '_'));
                Files.createDirectories(f.getParent());
                s3.judge().getObject(b -> b.bucket(BUCKET).key(key), ResponseTransformer.toFile(f));
                got.addAll(Cmd.tcpdump(f, "--nano", "-tt", "-e", "-S"));
            }
            assertThat(got).isEqualTo(all);
        }
    }

    private static List<String> keys(S3ProxyServer s3) {
        return s3.judge().listObjectsV2Paginator(b -> b.bucket(BUCKET)).contents().stream().map(S3Object::key)
                .sorted().toList();
    }

    private static PushcapCli.Result push(Path dir, S3ProxyServer s3, Path capture, String javaOpts) throws Exception {
        Files.createDirectories(dir);
        Path cfg = dir.resolve("push_pcap.lua");
        Files.writeString(cfg, """
                local Config = {}
                Config.Target = {}
                table.insert(Config.Target, {
                    Desc = "tls", Mode = "S3", Path = "s3://%s/tls/", Split = "--split-time 1e9",
                    FileName = "--filename-epoch-sec-startend", Endpoint = "%s", PathStyle = true,
                    RetryFor = 2 })
                return Config
                """.formatted(BUCKET, s3.secureEndpoint()));
        Map<String, String> env = new HashMap<>(Map.of("AWS_ACCESS_KEY_ID", S3ProxyServer.IDENTITY,
                "AWS_SECRET_ACCESS_KEY", S3ProxyServer.CREDENTIAL, "AWS_REGION", "us-east-1",
                "PUSHCAP_STATUS_DIR", dir.resolve("status").toString()));
        env.put("PUSHCAP_JAVA_OPTS", javaOpts);
        return PushcapCli.run(dir, Duration.ofSeconds(180), env, "push", "--config", cfg.toString(), "--force",
                "--log-dir", dir.resolve("logs").toString(), "--state-dir", dir.resolve("var").toString(),
                "--no-progress", "--offline", capture.toString());
    }
}
