package io.pushcap.it;

import io.pushcap.testsupport.FtpTestServer;
import io.pushcap.testsupport.PcapRecords;
import io.pushcap.testsupport.PushcapCli;
import io.pushcap.testsupport.S3ProxyServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code check} and {@code push} agree on every file in examples/: what check calls valid, {@code
 * push --force --offline} runs to the end (exit 0, every target DONE, packets published), and what
 * check refuses, push refuses with the same message. The examples run as shipped, with their
 * remote ends made local: /tmp/pushcap-examples becomes a temporary directory, the FTP server and
 * the S3 endpoint are test servers, and the rclone remotes they name are alias remotes onto local
 * directories (an rclone.conf the test writes, given with the documented RcloneConfig key).
 *
 * <p>Disagreements this found: the rclone examples' seed form {@code REMOTE://path} and the
 * {@code RcloneConfig} key (check accepted, push refused, or the other way round); LXC rings
 * that did not exist (check accepted, push refused: push now creates them); a sink that could not
 * start was an "internal error".
 */
class ExamplesAgreeIT {
    private static final Pattern SUMMARY = Pattern.compile(
            "(?m)^(.*?)\\s{2,}(\\w+)\\s+files \\d+, packets read (\\d+) = published (\\d+) \\+ filtered (\\d+)");

    @Test
    void shouldPushEveryExampleThatCheckAcceptsAndRefuseWhatCheckRefuses(@TempDir Path tmp) throws Exception {
        Path plain = tmp.resolve("plain.pcap");
        PushcapCli.run(tmp, "gen", "-w", plain.toString(), "--packets", "2000", "--pps", "100", "--mix", "mixed").ok();
        Path input = tmp.resolve("in.pcap");
        PcapRecords.tagVlans(plain, input, 1, 0, 0);

        try (S3ProxyServer s3 = S3ProxyServer.start(tmp.resolve("s3"), false);
             FtpTestServer ftp = FtpTestServer.start(tmp.resolve("ftp"));
             S3Client client = s3.client()) {
            client.createBucket(b -> b.bucket("pcap"));
            Path rcloneConf = tmp.resolve("rclone.conf");
            Files.writeString(rcloneConf, "[s3-fmad]\ntype = alias\nremote = " + tmp.resolve("rclone-s3-fmad")
                    + "\n\n[pushcap-s3]\ntype = alias\nremote = " + tmp.resolve("rclone-pushcap-s3") + "\n");
            Map<String, String> env = Map.of("AWS_ACCESS_KEY_ID", S3ProxyServer.IDENTITY,
                    "AWS_SECRET_ACCESS_KEY", S3ProxyServer.CREDENTIAL, "AWS_REGION", "us-east-1");

            List<Path> examples;
            try (Stream<Path> s = Files.list(PushcapCli.home().resolve("examples"))) {
                examples = s.filter(p -> p.toString().endsWith(".lua")).sorted().toList();
            }
            assertThat(examples).hasSizeGreaterThanOrEqualTo(12);
            List<String> disagreements = new ArrayList<>();
            for (Path example : examples) {
                String text = Files.readString(example)
                        .replace("/tmp/pushcap-examples", tmp.resolve("ex").toString())
                        .replace("ftp://127.0.0.1:2121", ftp.url())
                        .replace("http://127.0.0.1:9000", s3.endpoint().toString());
                int ret = text.lastIndexOf("return Config");
                text = text.substring(0, ret) + "for _, t in ipairs(Config.Target) do\n"
                        + "  if string.lower(t.Mode or '') == 'rclone' then t.RcloneConfig = '" + rcloneConf + "' end\n"
                        + "end\n" + text.substring(ret);
                Path config = tmp.resolve(example.getFileName());
                Files.writeString(config, text);
                disagreements.addAll(agree(tmp, config, input, env));
            }

            // And a file check refuses: push refuses it with the same message.
            Path bad = tmp.resolve("bad.lua");
            Files.writeString(bad, "local Config = {}\nConfig.Target = {}\ntable.insert(Config.Target, { Desc = 'r',"
                    + " Mode = 'RCLONE', Path = 's3-fmad://pcap/x', Split = '--split-time 60e9', FileName ="
                    + " '--filename-epoch-sec', RcloneConfig = '" + tmp.resolve("missing.conf") + "' })\nreturn Config\n");
            disagreements.addAll(agree(tmp, bad, input, env));
            assertThat(PushcapCli.run(tmp, "check", bad.toString()).exit()).isNotZero();

            assertThat(disagreements).as("check and push disagree").isEmpty();
        }
    }

    /** Runs check then push on {@code config}; returns how they disagree (empty when they agree). */
    private static List<String> agree(Path tmp, Path config, Path input, Map<String, String> env) throws Exception {
        String name = config.getFileName().toString();
        PushcapCli.Result check = PushcapCli.run(tmp, Duration.ofSeconds(120), env, "check", config.toString());
        PushcapCli.Result push = PushcapCli.run(tmp, Duration.ofSeconds(300), env, "push", "--config", config.toString(),
                "--force", "--offline", input.toString(), "--log-dir", tmp.resolve("logs-" + name).toString(),
                "--state-dir", tmp.resolve("var-" + name).toString(), "--max-retries", "2");
        List<String> problems = new ArrayList<>();
        if (check.exit() == 0) {
            if (push.exit() != 0) {
                problems.add(name + ": check OK but push exited " + push.exit() + ":\n" + push.all());
                return problems;
            }
            Matcher m = SUMMARY.matcher(push.all());
            long published = 0;
            long unselected = 0;
            int targets = 0;
            while (m.find()) {
                targets++;
                published += Long.parseLong(m.group(4));
                unselected += Long.parseLong(m.group(5)) == Long.parseLong(m.group(3)) ? 0 : 1;
                if (!m.group(2).equals("DONE")) {
                    problems.add(name + ": target " + m.group(1) + " ended " + m.group(2) + ":\n" + push.all());
                }
            }
            // A filter may select nothing of the generated traffic (multicast port 10001): then every
            // packet must be counted as filtered, none lost.
            if (targets == 0 || (published == 0 && unselected > 0)) {
                problems.add(name + ": push published nothing (" + targets + " targets):\n" + push.all());
            }
        } else {
            if (push.exit() == 0) {
                problems.add(name + ": check refused but push ran:\n" + check.all());
            }
            for (String line : check.stderr().split("\n")) {
                int at = line.indexOf(": target '");
                String message = at < 0 ? null : line.substring(at + 2);
                if (message != null && !push.all().contains(message)) {
                    problems.add(name + ": push did not refuse with check's message '" + message + "':\n" + push.all());
                }
            }
        }
        return problems;
    }
}
