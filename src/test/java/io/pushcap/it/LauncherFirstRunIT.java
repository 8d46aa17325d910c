package io.pushcap.it;

import io.pushcap.testsupport.PushcapCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's first command on a fresh clone: the launcher builds the jar and must then run the
 * command it was given, on that first call (it used to exit 1 silently when Maven was quiet), and
 * train the AOT caches, which then hold picocli's classes.
 */
class LauncherFirstRunIT {

    @Test
    void shouldPrintVersionOnFirstRunWhenCloneHasNoJar(@TempDir Path tmp) throws Exception {
        Path clone = tmp.resolve("clone");
        Process git = new ProcessBuilder("git", "clone", "-q", PushcapCli.home().toString(), clone.toString())
                .inheritIO().start();
        assertThat(git.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(git.exitValue()).isZero();
        // The clone holds the committed tree; copy the working tree's launcher and sources over it
        // so that the test judges what is being built, committed or not.
        copyTree(PushcapCli.home().resolve("bin"), clone.resolve("bin"));
        copyTree(PushcapCli.home().resolve("src/main"), clone.resolve("src/main"));
        Files.copy(PushcapCli.home().resolve("pom.xml"), clone.resolve("pom.xml"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(clone.resolve("target")).doesNotExist();

        ProcessBuilder pb = new ProcessBuilder(clone.resolve("bin/pushcap").toString(), "--version")
                .directory(tmp.toFile());
        pb.environment().remove("PUSHCAP_NO_BUILD");
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        String stdout = Files.readString(out);
        assertThat(p.exitValue()).as("exit of the first run; stderr:\n%s", Files.readString(err)).isZero();
        assertThat(stdout).startsWith("pushcap ").contains("libpcap version");
        assertThat(clone.resolve("target/pushcap.aot")).as("AOT cache trained after the build").exists();
        // One training JVM (io.pushcap.cli.AotTraining) also writes the config child's cache; --version has its own.
        assertThat(clone.resolve("target/pushcap-eval.aot")).as("config evaluator's AOT cache trained").exists();
        assertThat(clone.resolve("target/pushcap-version.aot")).as("--version's AOT cache trained").exists();
        assertThat(clone.resolve("target/pushcap-s3.aot")).as("S3 pushes' AOT cache trained").exists();
        assertThat(clone.resolve("target/pushcap-kafka.aot")).as("Kafka pushes' AOT cache trained").exists();
        // The launcher's -DskipTests build writes the broker's classpath too: with it the Kafka
        // training pushes through a broker of its own (AotKafkaTrainingTest) for the JIT profiles.
        assertThat(clone.resolve("target/test-tools/kafka.classpath")).as("Kafka broker classpath for the training")
                .isNotEmptyFile();

        PushcapCli.Result second = PushcapCli.run(tmp, Duration.ofSeconds(60), Map.of(), "--version");
        assertThat(second.ok().stdout()).isEqualTo(stdout);

        // picocli is rewritten at class-file version 50 by the build, so the trained cache holds it
        // (it held none of its old-version classes before; src/main/build/Retarget.java).
        ProcessBuilder check = new ProcessBuilder(clone.resolve("bin/pushcap").toString(), "check",
                clone.resolve("examples/push_nfs_tcp_1min.lua").toString()).directory(tmp.toFile());
        check.environment().put("PUSHCAP_JAVA_OPTS", "-Xlog:class+load=info:file=" + tmp.resolve("classes.txt"));
        check.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile());
        Process c = check.start();
        assertThat(c.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(c.exitValue()).as("check; stderr:\n%s", Files.readString(err)).isZero();
        assertThat(Files.readString(tmp.resolve("classes.txt")))
                .contains("picocli.CommandLine source: shared objects file")
                .doesNotContain("picocli.CommandLine source: file:");

        // A push to S3 starts on the cache trained by an S3 push: the AWS SDK's client comes from it.
        Path s3Config = Files.writeString(tmp.resolve("s3.lua"), "local Config = {} Config.Target = {}\n"
                + "table.insert(Config.Target, { Desc = \"s3\", Mode = \"S3\", Path = \"s3://bucket/p/\" })\nreturn Config\n");
        assertThat(classesLoaded(clone, tmp, "s3-classes.txt", "push", "--config", s3Config.toString(), "--help"))
                .contains("software.amazon.awssdk.services.s3.DefaultS3Client source: shared objects file");
        assertThat(classesLoaded(clone, tmp, "file-classes.txt", "push", "--config",
                clone.resolve("examples/push_nfs_tcp_1min.lua").toString(), "--help"))
                .doesNotContain("software.amazon.awssdk.services.s3.DefaultS3Client");
        // And a push with a KAFKA target starts on the Kafka cache: the producer comes from it.
        Path kafkaConfig = Files.writeString(tmp.resolve("kafka.lua"), "local Config = {} Config.Target = {}\n"
                + "table.insert(Config.Target, { Desc = \"k\", Mode = \"KAFKA\", Path = \"kafka://127.0.0.1:9/t\" })\nreturn Config\n");
        assertThat(classesLoaded(clone, tmp, "kafka-classes.txt", "push", "--config", kafkaConfig.toString(), "--help"))
                .contains("org.apache.kafka.clients.producer.KafkaProducer source: shared objects file")
                .contains("io.pushcap.sink.kafka.KafkaPacketSink source: shared objects file");
    }

    /** The class-load log of one bin/pushcap command in the clone. */
    private static String classesLoaded(Path clone, Path tmp, String log, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(clone.resolve("bin/pushcap").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile());
        pb.environment().put("PUSHCAP_JAVA_OPTS", "-Xlog:class+load=info:file=" + tmp.resolve(log));
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as("%s", cmd).isZero();
        return Files.readString(tmp.resolve(log));
    }

        private static void copyTree(Path from, Path to) throws java.io.IOException {
        try (var s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path dst = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dst);
                } else {
                    Files.copy(p, dst, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                            java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
