package io.pushcap.pipeline;

import io.pushcap.capture.JavaProcess;
import io.pushcap.ring.RingFile;
import io.pushcap.synth.Mix;
import io.pushcap.synth.TrafficGenerator;
import io.pushcap.testing.Cmd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A live push is killed with SIGKILL ten times at random moments while a ring is being fed, restarted each
 * time, and finally stopped with SIGTERM: the union of the published files must hold every packet
 * of the ring exactly once, in order (judged by tcpdump), and every file must have exactly one
 * manifest line.
 */
class LivePushCrashTest {
    @TempDir
    Path dir;
    final List<Process> processes = new ArrayList<>();

    @AfterEach
    void killAll() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void shouldPublishEveryPacketExactlyOnceWhenPushIsKilledRepeatedly() throws Exception {
        Path capture = dir.resolve("in.pcap");
        long now = System.currentTimeMillis() * 1_000_000L;
        // 60 s of traffic at 1000 pps: long enough for ten kills and restarts of a JVM on a busy machine.
        TrafficGenerator.builder().mix(Mix.MIXED).seed(11).packets(60_000).pps(1_000).flows(300).startNanos(now)
                .write(capture);
        Path ring = dir.resolve("live.ring");
        RingFile.create(ring, new RingFile.CreateOptions(64L << 20, false)).close();
        Path out = dir.resolve("out");
        Path cfg = dir.resolve("live.lua");
        Files.writeString(cfg, """
                local Config = {}
                Config.Target = {}
                table.insert(Config.Target, { Desc = "live", Path = "%s/live", Source = "%s", FollowStart = true,
                    Split = "--split-time 5e8", FileName = "--filename-tstr-HHMMSS_SUB", FilterBPF = "" })
                return Config
                """.formatted(out, ring));
        Path manifest = dir.resolve("var/manifest/live.jsonl");

        Process feeder = start("feeder.log", "rx", "-r", capture.toString(), ring.toString());
        Random random = new Random(42);
        Process push = startPush(cfg);
        int kills = 0;
        // Ten kills; fewer only when JVM restarts on a loaded machine outlast the 60 s of traffic
        // (once the feeder is done, the last split stays open until SIGTERM, so nothing more to wait on).
        for (; kills < 10 && feeder.isAlive(); kills++) {
            int target = lines(manifest) + 1 + random.nextInt(2);
            waitFor("manifest reaches " + target + " lines", 30, () -> lines(manifest) >= target || !feeder.isAlive());
            if (random.nextBoolean()) {
                // Sometimes kill in the middle of the next split rather than right after a publish.
                waitFor("a split is open", 20, () -> splitOpen(out) || !feeder.isAlive());
            }
            push.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            push = startPush(cfg);
        }
        assertThat(kills).as("kills while traffic was arriving").isGreaterThanOrEqualTo(3);
        assertThat(feeder.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(feeder.exitValue()).isZero();
        waitFor("all 60000 packets published", 60, () -> manifestPackets(manifest) >= 60_000);
        push.destroy();   // SIGTERM: publishes what is open and exits
        assertThat(push.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(push.exitValue()).isZero();

        List<Path> files;
        try (Stream<Path> s = Files.list(out)) {
            files = s.filter(p -> p.toString().endsWith(".pcap")).sorted().toList();
        }
        assertThat(Files.list(out).filter(p -> p.toString().endsWith(".pending")).toList()).isEmpty();
        List<String> published = new ArrayList<>();
        for (Path f : files) {
            published.addAll(Cmd.tcpdump(f, "--nano", "-tt", "-S", "-q"));
        }
        assertThat(published).isEqualTo(Cmd.tcpdump(capture, "--nano", "-tt", "-S", "-q"));
        List<String> manifestLines = Files.readAllLines(manifest);
        assertThat(manifestLines).as("one manifest line per published file").hasSize(files.size());
        for (int i = 0; i < files.size(); i++) {
            assertThat(manifestLines.get(i)).contains("\"name\":\"" + files.get(i) + "\"");
        }
    }

    private Process startPush(Path cfg) throws IOException {
        return start("push.log", "push", "--config", cfg.toString(), "--log-dir", dir.resolve("logs").toString(),
                "--state-dir", dir.resolve("var").toString());
    }

    private Process start(String log, String... args) throws IOException {
        Path err = dir.resolve(log);
        ProcessBuilder pb = new ProcessBuilder(JavaProcess.command(List.of(), "io.pushcap.cli.Main", args));
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(err.toFile()));
        pb.redirectError(ProcessBuilder.Redirect.appendTo(err.toFile()));
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    /**
     * A {@code .pending} file exists: the push has taken packets of a split it has not published.
     * (Its size is no signal: the pcap writer buffers up to 1 MiB, more than a split here holds.)
     */
    private static boolean splitOpen(Path out) {
        try (Stream<Path> s = Files.list(out)) {
            return s.anyMatch(p -> p.toString().endsWith(".pending"));
        } catch (IOException e) {
            return false;
        }
    }

    private static int lines(Path f) {
        try {
            return Files.exists(f) ? Files.readAllLines(f).size() : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static long manifestPackets(Path f) {
        try {
            if (!Files.exists(f)) {
                return 0;
            }
            long sum = 0;
            for (String l : Files.readAllLines(f)) {
                int i = l.indexOf("\"packets\":");
                sum += Long.parseLong(l.substring(i + 10, l.indexOf(',', i)));
            }
            return sum;
        } catch (IOException e) {
            return 0;
        }
    }

    private void waitFor(String what, int seconds, BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + seconds + " s waiting until " + what + "; push log:\n"
                        + (Files.exists(dir.resolve("push.log")) ? Files.readString(dir.resolve("push.log")) : ""));
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }
}
