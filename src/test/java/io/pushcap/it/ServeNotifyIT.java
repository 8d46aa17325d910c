package io.pushcap.it;

import io.pushcap.testsupport.NotifySocket;
import io.pushcap.testsupport.PushcapCli;
import io.pushcap.testsupport.ServiceFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bin/pushcap serve} as systemd runs a {@code Type=notify} unit with {@code WatchdogSec}:
 * the test binds the notification socket, passes it as {@code NOTIFY_SOCKET} with
 * {@code WATCHDOG_USEC}, and expects READY=1 once the capture on lo is up, watchdog pings, and
 * STOPPING=1 on SIGTERM, after which serve exits 0.
 */
class ServeNotifyIT {

    @Test
    void shouldSendReadyWatchdogAndStoppingWhenServeRunsAsNotifyService(@TempDir Path dir) throws Exception {
        ServiceFiles files = new ServiceFiles(dir);
        Path config = files.service("svc.lua", """
                Service.Ring = {}
                table.insert(Service.Ring, { Name = "n", Size = "2m" })
                Service.Capture = {}
                table.insert(Service.Capture, { Interface = "lo", Ring = "n" })
                """);
        try (NotifySocket socket = new NotifySocket(dir.resolve("notify.sock"))) {
            ProcessBuilder pb = new ProcessBuilder(PushcapCli.launcher().toString(), "serve", "--config", config.toString())
                    .directory(dir.toFile())
                    .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
            pb.environment().put("NOTIFY_SOCKET", socket.path().toString());
            pb.environment().put("WATCHDOG_USEC", "2000000");
            pb.environment().remove("WATCHDOG_PID");
            pb.environment().putIfAbsent("PUSHCAP_NO_BUILD", "1");
            Process p = pb.start();
            List<String> seen = new ArrayList<>();
            try {
                String ready = socket.await("READY=1", Duration.ofSeconds(90), seen);
                assertThat(ready).contains("STATUS=capturing").contains("MAINPID=");
                socket.await("WATCHDOG=1", Duration.ofSeconds(10), seen);
                p.destroy(); // SIGTERM, as systemctl stop
                socket.await("STOPPING=1", Duration.ofSeconds(30), seen);
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).as("serve's exit; stderr:\n%s", Files.readString(dir.resolve("err.txt"))).isZero();
            } finally {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor();
            }
            assertThat(Files.readString(dir.resolve("logs/serve.log"))).contains("told systemd READY=1 (capturing)");
        }
    }
}
