package io.pushcap.service;

import io.pushcap.internal.ffm.SdNotify;
import io.pushcap.testsupport.NotifySocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** sd_notify through FFM to a real unix datagram socket, as systemd binds it for a Type=notify unit. */
class ServiceNotifierTest {
    @TempDir
    Path dir;

    @Test
    void shouldDeliverTheDatagramWhenSentToABoundSocket() throws Exception {
        try (NotifySocket s = new NotifySocket(dir.resolve("n.sock"))) {
            assertThat(SdNotify.of(s.path().toString()).send("READY=1\nSTATUS=x")).isNull();
            assertThat(s.poll()).isEqualTo("READY=1\nSTATUS=x");
        }
    }

    @Test
    void shouldNameTheSocketAndReasonWhenNothingListens() {
        String problem = SdNotify.of(dir.resolve("none.sock").toString()).send("READY=1");
        assertThat(problem).isEqualTo("NOTIFY_SOCKET '" + dir.resolve("none.sock") + "': sendto: No such file or directory");
        assertThat(SdNotify.of("relative.sock").send("READY=1"))
                .isEqualTo("NOTIFY_SOCKET 'relative.sock': expected an absolute path or @abstract name");
    }

    @Test
    void shouldSendReadyOnlyWhenACaptureIsUpThenPingThenStopping() throws Exception {
        try (NotifySocket s = new NotifySocket(dir.resolve("n.sock"))) {
            ServiceNotifier n = new ServiceNotifier(SdNotify.of(s.path().toString()), new ServiceLog(null), 100);
            AtomicBoolean up = new AtomicBoolean();
            n.start(up::get);
            List<String> seen = new ArrayList<>();
            s.await("WATCHDOG=1", Duration.ofSeconds(10), seen);
            assertThat(seen).noneMatch(m -> m.contains("READY=1"));
            up.set(true);
            String ready = s.await("READY=1", Duration.ofSeconds(10), seen);
            assertThat(ready).contains("STATUS=capturing");
            s.await("WATCHDOG=1", Duration.ofSeconds(10), seen);
            n.stopping();
            s.await("STOPPING=1", Duration.ofSeconds(10), seen);
        }
    }

    @Test
    void shouldPingAtHalfTheWatchdogPeriodOnlyWhenItIsMeantForThisProcess() {
        assertThat(ServiceNotifier.watchdogMillis("30000000", null, 7)).isEqualTo(15_000);
        assertThat(ServiceNotifier.watchdogMillis("30000000", "7", 7)).isEqualTo(15_000);
        assertThat(ServiceNotifier.watchdogMillis("30000000", "8", 7)).isZero();
        assertThat(ServiceNotifier.watchdogMillis(null, null, 7)).isZero();
        assertThat(ServiceNotifier.watchdogMillis("junk", null, 7)).isZero();
    }
}
