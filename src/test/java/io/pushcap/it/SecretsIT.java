package io.pushcap.it;

import io.pushcap.testsupport.Await;
import io.pushcap.testsupport.FtpTestServer;
import io.pushcap.testsupport.PushcapCli;
import io.pushcap.testsupport.ServeProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Secrets in a configuration (issue 12.5) never reach an output: the FTP password in a CURL
 * {@code Path}, the password in an S3 {@code Endpoint}, a secret-named key. Every output is
 * searched for them: check's and push's stdout and stderr, every file under logs/ and var/ (the
 * manifest included), and serve's /status, log and output after a reload that names them.
 */
class SecretsIT {
    private static final String ENDPOINT_SECRET = "EndpointSecret42";
    private static final String KEY_SECRET = "KeySecret42";
    private static final String PATH_SECRET = "PathSecret42";

    @TempDir
    Path dir;
    private final List<String> outputs = new ArrayList<>();

    @Test
    void shouldPrintNoSecretWhenConfigCarriesThemInPathEndpointAndKeys() throws Exception {
        try (FtpTestServer ftp = FtpTestServer.start(dir.resolve("ftp"))) {
            Files.writeString(dir.resolve("ftp.lua"), config("ftp", "Mode = \"CURL\", Path = \"" + ftp.url() + "/out/\""));
            Files.writeString(dir.resolve("s3.lua"), config("s3", "Mode = \"S3\", Path = \"s3://bucket/p\","
                    + " Endpoint = \"http://minio:" + ENDPOINT_SECRET + "@127.0.0.1:1\""));
            Files.writeString(dir.resolve("keys.lua"), config("keys", "Mode = \"CURL\", Path = \"gopher://u:" + PATH_SECRET
                    + "@127.0.0.1:1/out/\", SecretKey = \"" + KEY_SECRET + "\""));
            keep(PushcapCli.run(dir, "gen", "-w", "in.pcap", "--packets", "3000", "--mix", "plain").ok());

            PushcapCli.Result check = keep(PushcapCli.run(dir, "check", "ftp.lua").ok());
            assertThat(check.stdout()).contains("ftp://pushcap:***@127.0.0.1:" + ftp.port() + "/out/");
            PushcapCli.Result push = keep(PushcapCli.run(dir, "push", "--config", "ftp.lua", "--offline", "in.pcap",
                    "--log-dir", "logs", "--state-dir", "var").ok());
            try (Stream<Path> files = Files.walk(ftp.home())) {
                assertThat(files.filter(Files::isRegularFile).count()).as("the push published over FTP; " + push.all())
                        .isPositive();
            }

            assertThat(keep(PushcapCli.run(dir, "check", "s3.lua").ok()).stdout()).contains("minio:***@");
            PushcapCli.Result s3 = keep(PushcapCli.run(dir, "push", "--config", "s3.lua", "--offline", "in.pcap",
                    "--log-dir", "logs", "--state-dir", "var"));
            assertThat(s3.exit()).as(s3.all()).isNotZero();
            assertThat(s3.stderr()).contains("Endpoint").contains("minio:***@");

            PushcapCli.Result keys = keep(PushcapCli.run(dir, "check", "keys.lua"));
            assertThat(keys.exit()).isEqualTo(2);
            assertThat(keys.stderr()).contains("SecretKey").contains("gopher://u:***@");

            serveReloadNaming("keys.lua");

            List<Path> files;
            try (Stream<Path> s = Stream.of("logs", "var").map(dir::resolve).filter(Files::isDirectory)
                    .flatMap(d -> walk(d))) {
                files = s.filter(Files::isRegularFile).toList();
            }
            assertThat(files).as("a manifest was written").anyMatch(f -> f.toString().contains("manifest"));
            for (Path f : files) {
                outputs.add(f + ":\n" + Files.readString(f, StandardCharsets.ISO_8859_1));
            }
            String password = URLEncoder.encode(FtpTestServer.PASSWORD, StandardCharsets.UTF_8);
            for (String out : outputs) {
                assertThat(out).doesNotContain(password).doesNotContain(FtpTestServer.PASSWORD)
                        .doesNotContain(ENDPOINT_SECRET).doesNotContain(KEY_SECRET).doesNotContain(PATH_SECRET);
            }
        }
    }

    /** serve refuses a reload naming keys.lua; /status, serve.log and serve's output show no secret. */
    private void serveReloadNaming(String pushConfig) throws Exception {
        Path home = dir.resolve("serve");
        Files.createDirectories(home.resolve("etc"));
        Files.copy(dir.resolve(pushConfig), home.resolve("etc/" + pushConfig));
        try (ServeProcess serve = new ServeProcess(home, 6)) {
            serve.start(serve.config("", ""), Map.of());
            Files.writeString(serve.configFile(), serve.config("", "Service.Schedule = {}\n"
                    + "table.insert(Service.Schedule, { Loader = \"push_pcap\", Config = \"etc/" + pushConfig
                    + "\", Window = \"always\" })\n"));
            serve.hangup();
            Await.until("the reload is refused", Duration.ofSeconds(30),
                    () -> ((Number) serve.service().get("reloads_refused")).longValue() == 1);
            String status = serve.get("/status");
            assertThat(status).contains("gopher://u:***@");
            outputs.add("/status:\n" + status);
            outputs.add("/metrics:\n" + serve.get("/metrics"));
            serve.stop();
            outputs.add("serve output:\n" + serve.output());
            outputs.add("serve.log:\n" + Files.readString(home.resolve("logs/serve.log")));
        }
    }

    private PushcapCli.Result keep(PushcapCli.Result r) {
        outputs.add(r.all());
        return r;
    }

    private static Stream<Path> walk(Path d) {
        try {
            return Files.walk(d);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String config(String desc, String target) {
        return "local Config = {}\nConfig.Target = {}\ntable.insert(Config.Target, { Desc = \"" + desc + "\", " + target
                + ", Split = \"--split-size 100000\", FileName = \"--filename-epoch-sec\" })\nreturn Config\n";
    }
}
