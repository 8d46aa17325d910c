package io.pushcap.ring;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.pushcap.ring.RingTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A reader in another JVM process follows a writer in this one through the mapped file: it sees
 * every packet intact, sleeps on the shared futex between bursts and is woken across processes.
 */
class RingCrossProcessTest {
    private Path dir;
    private RingFile ring;
    private Process child;

    @BeforeEach
    void setUp() throws Exception {
        dir = ramDir("xproc");
        ring = RingFile.create(dir.resolve("r"), new RingFile.CreateOptions(1 << 20, false));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (child != null && child.isAlive()) {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        ring.close();
        deleteTree(dir);
    }

    static Process startJava(Class<?> main, String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    @Test
    void shouldDeliverEveryPacketToReaderInAnotherProcessAndWakeItAcrossProcesses() throws Exception {
        int bursts = 20;
        int perBurst = 500;
        long total = (long) bursts * perBurst;
        child = startJava(RingReaderProcess.class, ring.path().toString(), "child", Long.toString(total));
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("ready", out.readLine(), "child reader did not start");
        long seq = 0;
        try (RingWriter w = ring.writer("parent")) {
            for (int b = 0; b < bursts; b++) {
                long wakeupsBefore = ring.info().wakeups();
                awaitChildAsleep(w.position());
                for (int i = 0; i < perBurst; i++) {
                    writeSeq(w, seq++);
                }
                assertTrue(ring.info().wakeups() > wakeupsBefore, "burst " + b + ": the writer woke the sleeping child");
            }
            String summary = out.readLine();
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child did not finish");
            assertEquals(0, child.exitValue());
            assertEquals("delivered=" + total + " lost=0 bad=0 outOfOrder=0 last=" + (total - 1), summary);
        }
    }

    /** Waits until the child has read everything and announced its sleep in the Waiters word. */
    private void awaitChildAsleep(long writerPosition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            RingInfo info = ring.info();
            RingInfo.Reader r = info.readers().stream().filter(x -> x.name().equals("child")).findFirst().orElse(null);
            if (r != null && r.position() == writerPosition && (info.waiters() & (1L << r.slot())) != 0) {
                return;
            }
            Thread.sleep(1);
        }
        fail("child reader did not catch up and sleep within 30 s");
    }
}
