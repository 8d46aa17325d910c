package io.pushcap.cli;

import io.pushcap.capture.JavaProcess;
import io.pushcap.pcap.Packet;
import io.pushcap.pipeline.JobReport;
import io.pushcap.ring.RingFile;
import io.pushcap.ring.RingWriter;
import io.pushcap.testing.Frames;
import io.pushcap.testsupport.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A push started by the service (a separate JVM here): it reports its targets and counters in
 * $PUSHCAP_STATUS_DIR, names its status file after $PUSHCAP_LOADER, and when the service process
 * ($PUSHCAP_SERVE_PID) is gone it stops cleanly by itself: the open split published, exit 0.
 */
class ServiceLinkTest {
    @TempDir
    Path dir;

    @Test
    void shouldReportAndStopCleanlyWhenTheServiceIsGone() throws Exception {
        Path ring = dir.resolve("r");
        Process fakeService = new ProcessBuilder("sleep", "60").start();
        Process push = null;
        try (RingFile rf = RingFile.create(ring, new RingFile.CreateOptions(4L << 20, false));
             RingWriter w = rf.writer("test")) {
            w.declare(1, 262_144);
            Path config = dir.resolve("live.lua");
            Files.writeString(config, "local Config = {}\nConfig.FollowStart = true\nConfig.Target = {}\n"
                    + "table.insert(Config.Target, { Desc = \"t\", Mode = \"File\", Path = \"" + dir.resolve("out/t_")
                    + "\", Source = \"" + ring + "\", Split = \"--split-time 60e9\", FileName = \"--filename-epoch-sec\" })\n"
                    + "return Config\n");
            long now = System.currentTimeMillis() * 1_000_000L;
            for (int i = 0; i < 50; i++) {
                byte[] f = Frames.udp(0x0a000001, 0x0a000002, 1000, 2000 + i, 64, i);
                w.write(new Packet().set(MemorySegment.ofArray(f), 0, f.length, f.length, now + i, 1, 0));
            }
            ProcessBuilder pb = new ProcessBuilder(JavaProcess.command(List.of(), "io.pushcap.cli.Main", "push", "--config",
                    config.toString(), "--log-dir", dir.resolve("logs").toString(), "--state-dir", dir.resolve("var").toString()))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("push.out").toFile());
            pb.environment().put("PUSHCAP_STATUS_DIR", dir.resolve("report").toString());
            pb.environment().put("PUSHCAP_SERVE_PID", Long.toString(fakeService.pid()));
            pb.environment().put("PUSHCAP_LOADER", "my_schedule");
            push = pb.start();
            Await.until("the push reports its target with the packets pending", Duration.ofSeconds(30), () -> {
                JobReport.Snapshot s = JobReport.read(dir.resolve("report"));
                return s != null && s.targets().size() == 1 && s.targets().getFirst().pending() == 50;
            });
            assertThat(JobReport.metrics(dir.resolve("report"))).contains("pushcap_target_packets_read_total{target=\"t\"} 50.0");
            fakeService.destroy();
            assertThat(push.waitFor(30, TimeUnit.SECONDS)).as("the push stops when the service is gone").isTrue();
            assertThat(push.exitValue()).as(Files.readString(dir.resolve("push.out"))).isZero();
        } finally {
            fakeService.destroyForcibly();
            if (push != null) {
                push.destroyForcibly();
            }
        }
        assertThat(Files.readString(dir.resolve("push.out"))).contains("the service (pid " + fakeService.pid() + ") is gone");
        assertThat(JobReport.read(dir.resolve("report")).targets().getFirst().published()).isEqualTo(50);
        assertThat(dir.resolve("logs/analytics_my_schedule.cur")).exists();
        try (var files = Files.list(dir.resolve("out"))) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).singleElement().asString().startsWith("t_")
                    .endsWith(".pcap");
        }
    }
}
