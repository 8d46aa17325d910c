package io.pushcap.cli;

import io.pushcap.testsupport.PushcapCli;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which AOT cache bin/lib/env.sh gives a command (pushcap_main_cache): a push whose config has an
 * S3 target gets target/pushcap-s3.aot, which holds the AWS SDK; a push with a KAFKA target or a
 * kafka:// source (config or command line) gets target/pushcap-kafka.aot; everything else, and a
 * push when its cache was not trained, gets target/pushcap.aot, whose JIT training data an offline
 * push and check do not replay (pushcap_replay_flags). Run in bash against a scratch home.
 */
class LauncherAotCacheChoiceTest {
    @TempDir
    Path home;

    private Path base;
    private Path s3;
    private Path kafka;

    @BeforeEach
    void trainedCaches() throws IOException {
        Files.createDirectories(home.resolve("target"));
        Files.createDirectories(home.resolve("etc"));
        base = Files.writeString(home.resolve("target/pushcap.aot"), "");
        s3 = Files.writeString(home.resolve("target/pushcap-s3.aot"), "");
        kafka = Files.writeString(home.resolve("target/pushcap-kafka.aot"), "");
    }

    private Path config(String name, String target) throws IOException {
        return Files.writeString(home.resolve(name), "local Config = {} Config.Target = {}\n"
                + "table.insert(Config.Target, { Desc = \"t\", " + target + ", Path = \"s3://b/p/\" })\nreturn Config\n");
    }

    private String cacheFor(String... args) throws Exception {
        return launcher("pushcap_main_cache \"$@\"; echo \"$PUSHCAP_MAIN_CACHE\"", args);
    }

    /** The flags for the chosen cache's JIT training data. */
    private String replayFlagsFor(String... args) throws Exception {
        return launcher("pushcap_main_cache \"$@\"; pushcap_replay_flags \"$@\"", args);
    }

    private String launcher(String script, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", ". \"$1\"; shift; " + script, "choose",
                PushcapCli.home().resolve("bin/lib/env.sh").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("PUSHCAP_HOME", home.toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        return new String(p.getInputStream().readAllBytes()).strip();
    }

    @Test
    void shouldGiveTheS3CacheWhenThePushConfigHasAnS3Target() throws Exception {
        assertThat(cacheFor("push", "--config", config("a.lua", "Mode = \"S3\"").toString(), "--offline", "x.pcap"))
                .isEqualTo(s3.toString());
        assertThat(cacheFor("push", "--config=" + config("b.lua", "Mode='s3'"))).isEqualTo(s3.toString());
        assertThat(cacheFor("push", "--config", config("c.lua", "Mode = [[S3]]").toString())).isEqualTo(s3.toString());
    }

    @Test
    void shouldGiveTheKafkaCacheWhenThePushHasAKafkaTargetOrSource() throws Exception {
        assertThat(cacheFor("push", "--config", config("k1.lua", "Mode = \"KAFKA\"").toString())).isEqualTo(kafka.toString());
        Path worker = Files.writeString(home.resolve("k2.lua"), "local Config = {} Config.Target = {}\n"
                + "table.insert(Config.Target, { Desc = \"w\", Path = \"/x/\", Source = \"kafka://b:9092/t\", Group = \"g\" })\n"
                + "return Config\n");
        assertThat(cacheFor("push", "--config", worker.toString())).isEqualTo(kafka.toString());
        Path file = config("k3.lua", "Mode = \"File\"");
        assertThat(cacheFor("push", "--config", file.toString(), "--force", "--offline", "kafka://b:9092/t"))
                .isEqualTo(kafka.toString());
        assertThat(cacheFor("push", "--config", file.toString(), "--offline=kafka://b:9092/t")).isEqualTo(kafka.toString());
        Files.delete(kafka);
        assertThat(cacheFor("push", "--config", config("k4.lua", "Mode = 'kafka'").toString())).isEqualTo(base.toString());
    }

    @Test
    void shouldReadTheDefaultConfigWhenPushNamesNone() throws Exception {
        Files.writeString(home.resolve("etc/push_pcap.lua"), Files.readString(config("d.lua", "Mode = \"S3\"")));
        assertThat(cacheFor("push", "--force", "--offline", "x.pcap")).isEqualTo(s3.toString());
    }

    @Test
    void shouldTurnOffTrainingReplayForShortCommandsOnTheMainCacheOnlyWhenChoosingFlags() throws Exception {
        String off = "-XX:+UnlockDiagnosticVMOptions -XX:-AOTReplayTraining";
        String file = config("r1.lua", "Mode = \"File\"").toString();
        assertThat(replayFlagsFor("push", "--config", file, "--force", "--offline", "x.pcap")).isEqualTo(off);
        assertThat(replayFlagsFor("push", "--config", file, "--offline=x.pcap")).isEqualTo(off);
        assertThat(replayFlagsFor("check", "x.lua")).isEqualTo(off);
        // Long-running commands keep the training data: a live push, serve, rx, record.
        assertThat(replayFlagsFor("push", "--config", file)).isEmpty();
        assertThat(replayFlagsFor("serve")).isEmpty();
        assertThat(replayFlagsFor("rx", "-i", "eth0", "ring")).isEmpty();
        assertThat(replayFlagsFor("record", "ring", "--store", "s")).isEmpty();
        // So do the S3 and Kafka caches, offline or not.
        assertThat(replayFlagsFor("push", "--config", config("r2.lua", "Mode = \"S3\"").toString(), "--offline", "x"))
                .isEmpty();
        assertThat(replayFlagsFor("push", "--config", config("r3.lua", "Mode = \"KAFKA\"").toString(), "--offline", "x"))
                .isEmpty();
    }

    @Test
    void shouldGiveTheMainCacheWhenThereIsNoS3Target() throws Exception {
        assertThat(cacheFor("push", "--config", config("f.lua", "Mode = \"File\"").toString())).isEqualTo(base.toString());
        assertThat(cacheFor("push", "--config", config("g.lua", "Mode = \"S3X\"").toString())).isEqualTo(base.toString());
        assertThat(cacheFor("push", "--config", home.resolve("missing.lua").toString())).isEqualTo(base.toString());
    }

    @Test
    void shouldGiveTheMainCacheWhenTheCommandIsNotPushOrTheS3CacheIsMissing() throws Exception {
        Path s3Config = config("h.lua", "Mode = \"S3\"");
        assertThat(cacheFor("check", s3Config.toString())).isEqualTo(base.toString());
        Files.delete(s3);
        assertThat(cacheFor("push", "--config", s3Config.toString())).isEqualTo(base.toString());
    }
}
