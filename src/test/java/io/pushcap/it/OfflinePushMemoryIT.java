package io.pushcap.it;

import io.pushcap.testsupport.PushcapCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An offline push's memory does not grow with its input: a 1.5 GB capture pushed by two targets
 * (each mapping the whole file) must peak under 400 MB RSS. It used to peak at twice the input,
 * because every page read stayed mapped. The peak is the child's own, from {@code wait4}'s
 * rusage as GNU time reports it ({@code %M}); the launcher execs java, so that is the JVM.
 */
class OfflinePushMemoryIT {
    private static final long LIMIT_KB = 400 * 1024;

    @Test
    void shouldStayUnder400MbRssWhenPushingA1500MbCaptureWithTwoTargets(@TempDir Path dir) throws Exception {
        Path time = Path.of("/usr/bin/time");
        assertThat(time).as("GNU time measures the push's peak RSS: apt-get install -y time").isExecutable();
        Path capture = dir.resolve("big.pcap");
        try {
            PushcapCli.run(dir, Duration.ofMinutes(5), Map.of(), "gen", "-w", capture.toString(), "--size", "1500m").ok();
            assertThat(Files.size(capture)).isGreaterThan(1_400_000_000L);
            Path cfg = dir.resolve("push.lua");
            Files.writeString(cfg, """
                    local Config = {}
                    Config.Target = {}
                    table.insert(Config.Target, { Desc = "all", Path = "%1$s/out/all", Split = "--split-size 100e6",
                        FileName = "--filename-tstr-HHMMSS_SUB", FilterBPF = "" })
                    table.insert(Config.Target, { Desc = "tcp", Path = "%1$s/out/tcp", Split = "--split-size 100e6",
                        FileName = "--filename-tstr-HHMMSS_SUB", FilterBPF = "tcp" })
                    return Config
                    """.formatted(dir));
            Path rss = dir.resolve("rss.txt");
            Path err = dir.resolve("push.err");
            List<String> cmd = new ArrayList<>(List.of(time.toString(), "-f", "%M", "-o", rss.toString(),
                    PushcapCli.launcher().toString(), "push", "--config", cfg.toString(), "--force", "--offline",
                    capture.toString(), "--log-dir", dir.resolve("logs").toString(), "--state-dir",
                    dir.resolve("var").toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(err.toFile());
            pb.environment().putIfAbsent("PUSHCAP_NO_BUILD", "1");
            Process p = pb.start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("push did not finish in 10 minutes:\n" + Files.readString(err));
            }
            String output = Files.readString(err);
            assertThat(p.exitValue()).as("push exit; output:\n%s", output).isZero();
            assertThat(output).contains("all ").contains("tcp ").contains("DONE");
            long peakKb = Long.parseLong(Files.readAllLines(rss).getLast().strip());
            assertThat(peakKb).as("peak RSS in KB of the push of a %d-byte capture", Files.size(capture))
                    .isLessThan(LIMIT_KB);
        } finally {
            Files.deleteIfExists(capture);
        }
    }
}
