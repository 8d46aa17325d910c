package io.pushcap.cli;

import io.pushcap.config.ChildEvaluator;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The training run of the JDK 25 AOT caches, started by {@code bin/lib/env.sh} after each build:
 * {@code java -XX:AOTCacheOutput=target/pushcap.aot -cp target/pushcap.jar io.pushcap.cli.AotTraining
 * HOME WORKDIR}. A JVM writes one cache from one run, so this run does the commands that are
 * worth starting fast, one after another: {@code --version}, {@code check} of an example and an
 * offline {@code push} of {@code examples/data/sample.pcap}. It first writes the config
 * evaluator's own cache ({@code target/pushcap-eval.aot}, see {@link ChildEvaluator#train}).
 *
 * <p>With a third argument {@code s3} it trains the S3 cache ({@code target/pushcap-s3.aot}) the
 * launcher gives pushes whose config has an S3 target: the same steps, then a push of a generated
 * 12 MB capture to two S3 targets (Content-MD5 and CRC32C bodies, multipart and single-object
 * splits) on a loopback {@link AotS3Endpoint}. The AWS SDK's classes stay out of the main cache:
 * every cached class is loaded at start, which costs each File push more than it saves
 * (docs/performance.md, Start-up). With {@code kafka} it trains the cache of Kafka pushes
 * ({@code target/pushcap-kafka.aot}) the same way: {@link AotKafkaClasses} loads the classes of
 * Kafka pushes, then, when the build left the Kafka broker's classpath, a sensor push of a
 * generated capture into a throw-away broker ({@link AotKafkaBroker}) and a worker push back out
 * of it give the cache the JIT profiles of the client's hot paths.
 *
 * <p><b>Note:</b> not a user command; everything it prints is discarded. It exits 0 only when
 * every step succeeded, so the launcher can drop a cache trained on a failing run.
 */
public final class AotTraining {
    private AotTraining() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        Path work = Path.of(args[1]);
        Path example = home.resolve("examples/push_port80_zstd.lua");
        String kind = args.length > 2 ? args[2] : "";
        // The evaluator's cache is the same for every run: the first writes it.
        boolean ok = !kind.isEmpty() || ChildEvaluator.train(home.resolve("target/pushcap-eval.aot"), example);
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        System.setOut(quiet);
        System.setErr(quiet);
        // The --version path of Main.main, without its System.exit.
        ok &= VersionProvider.lines().length == 3;
        String[] check = {"check", example.toString()};
        ok &= run(check);
        String[] push = {"push", "--force", "--no-progress",
                "--log-dir", work.resolve("logs").toString(), "--state-dir", work.resolve("var").toString(),
                "--offline", home.resolve("examples/data/sample.pcap").toString()};
        ok &= run(push);
        if (kind.equals("s3")) {
            ok &= s3Push(work);
        } else if (kind.equals("kafka")) {
            ok &= AotKafkaClasses.load() > 0;
            kafkaPushes(home, work);
        }
        System.exit(ok ? 0 : 1);
    }

    /**
     * A sensor push into a training broker and a worker push back out of it, for the JIT profiles
     * of the Kafka client's hot paths. Without a broker (no Kafka classpath, a broker that does
     * not start, a push that fails) the cache keeps the classes alone: slower pushes, never a
     * failed build.
     *
     * @return true when both pushes ran
     */
    static boolean kafkaPushes(Path home, Path work) {
        try (AotKafkaBroker broker = AotKafkaBroker.start(home, work.resolve("broker"))) {
            broker.createTopic("training", 4);
            Path pcap = work.resolve("kafka-training.pcap");
            String[] gen = {"gen", "-w", pcap.toString(), "--packets", "60000", "--mix", "mixed"};
            String url = "kafka://" + broker.bootstrap() + "/training";
            Path sensor = work.resolve("kafka-sensor.lua");
            Files.writeString(sensor, "local Config = {} Config.Target = {}\n"
                    + "table.insert(Config.Target, { Desc = \"sensor\", Mode = \"KAFKA\", Path = \"" + url + "\" })\n"
                    + "return Config\n");
            Path worker = work.resolve("kafka-worker.lua");
            Files.writeString(worker, "local Config = {} Config.Target = {}\n"
                    + "table.insert(Config.Target, { Desc = \"worker\", Path = \"" + work.resolve("splits") + "/\", "
                    + "Split = \"--split-time 60e9\", FileName = \"--filename-epoch-sec-startend\", "
                    + "Compress = \"zstd:1:1\", FileSuffix = \".pcap.zst\" })\n"
                    + "return Config\n");
            return run(gen)
                    && run(offlinePush(sensor, work, "var-sensor", pcap.toString()))
                    && run(offlinePush(worker, work, "var-worker", url));
        } catch (IOException | InterruptedException | RuntimeException e) {
            // trained without a broker: the classes are in the cache, their profiles are not
            return false;
        }
    }

    private static boolean run(String... args) {
        return Main.commandLineFor(args).execute(args) == ExitCodes.OK;
    }

    /** {@code push --offline SOURCE} of {@code config}, with its logs and state under {@code work}. */
    private static String[] offlinePush(Path config, Path work, String stateDir, String source) {
        return new String[] {"push", "--config", config.toString(), "--force", "--no-progress",
                "--log-dir", work.resolve("logs-" + stateDir).toString(), "--state-dir", work.resolve(stateDir).toString(),
                "--offline", source};
    }

    private static boolean s3Push(Path work) throws Exception {
        Path pcap = work.resolve("s3-training.pcap");
        String[] gen = {"gen", "-w", pcap.toString(), "--size", "12m", "--mix", "mixed"};
        if (!run(gen)) {
            return false;
        }
        System.setProperty("aws.accessKeyId", "pushcap-training");
        System.setProperty("aws.secretAccessKey", "pushcap-training-secret");
        try (AotS3Endpoint endpoint = AotS3Endpoint.start()) {
            Path config = work.resolve("s3-training.lua");
            // Both compress as most S3 targets do: the cache's profiles then match such a push.
            String common = "Split = \"--split-time 60e9\", FileName = \"--filename-epoch-sec-startend\", Endpoint = \""
                    + endpoint.uri() + "\", PartSizeMiB = 5";
            Files.writeString(config, "local Config = {} Config.Target = {}\n"
                    + "table.insert(Config.Target, { Desc = \"md5\", Mode = \"S3\", Path = \"s3://training/md5/\", "
                    + common + ", Compress = \"zstd:1:1\", FileSuffix = \".pcap.zst\" })\n"
                    + "table.insert(Config.Target, { Desc = \"crc\", Mode = \"S3\", Path = \"s3://training/crc/\", "
                    + common + ", Compress = \"zstd:1:1\", FileSuffix = \".pcap.zst\", BodyChecksum = \"CRC32C\" })\n"
                    + "return Config\n");
            return run(offlinePush(config, work, "var-s3", pcap.toString()));
        }
    }
}
