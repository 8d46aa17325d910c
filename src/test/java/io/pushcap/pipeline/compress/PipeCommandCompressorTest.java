package io.pushcap.pipeline.compress;

import io.pushcap.testsupport.Await;
import io.pushcap.testsupport.TestPcap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PipeCommandCompressorTest {
    @TempDir
    Path dir;

    private static IOException failureOf(String command, byte[] data) {
        Compressor c = new PipeCommandCompressor(command);
        return assertThrows(IOException.class, () -> {
            try (OutputStream out = c.open(new ByteArrayOutputStream())) {
                out.write(data);
            }
        });
    }

    @Test
    void shouldFailNamingCommandWhenItExitsNonZero() {
        IOException e = failureOf("false", new byte[100]);
        assertTrue(e.getMessage().contains("'false'"), e.getMessage());
        assertTrue(e.getMessage().contains("exit status 1"), e.getMessage());
    }

    @Test
    void shouldFailNamingCommandAndStderrWhenItWritesTheFileItselfAndExitsNonZero() throws IOException {
        Path file = Files.createFile(dir.resolve("split.pending"));
        Compressor c = new PipeCommandCompressor("sh -c 'cat >/dev/null; echo disk full >&2; exit 3'");
        IOException e = assertThrows(IOException.class, () -> {
            try (OutputStream out = c.openToFile(file)) {
                out.write(new byte[1 << 20]);
            }
        });
        assertTrue(e.getMessage().contains("exit status 3") && e.getMessage().contains("disk full"), e.getMessage());
    }

    @Test
    void shouldNotTimeOutWhenTheChildOnlyWritesItsFileAfterItsInputEnds() throws IOException {
        // Its input ends at once; then it writes for longer than PipeTimeout: the growing file is
        // progress, as the pump's reads are when the output crosses a pipe.
        Path file = Files.createFile(dir.resolve("split.pending"));
        Compressor c = new PipeCommandCompressor(
                "sh -c 'cat >/dev/null; for i in 1 2 3 4 5 6 7 8; do echo $i; sleep 0.2; done'", 500);
        try (OutputStream out = c.openToFile(file)) {
            out.write(new byte[100]);
        }
        assertTrue(Files.readString(file).startsWith("1\n2\n") && Files.readString(file).endsWith("8\n"),
                Files.readString(file));
    }

    @Test
    void shouldKillAndReportPipeTimeoutWhenTheChildWritingItsFileHangs() {
        Path file = dir.resolve("split.pending");
        Compressor c = new PipeCommandCompressor("sleep 3600", 300);
        IOException e = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThrows(IOException.class, () -> {
            Files.createFile(file);
            try (OutputStream out = c.openToFile(file)) {
                out.write(new byte[4 << 20]);
            }
        }));
        assertTrue(e instanceof PipeCommandCompressor.PipeTimeoutException, e.toString());
    }

    @Test
    void shouldKillAndReportPipeTimeoutWhenCommandNeitherReadsNorWrites() {
        // sleep never reads its input: the write blocks once the pipe is full, or close waits for
        // an exit that never comes; the watchdog kills it after the timeout either way.
        for (int size : new int[] {100, 4 << 20}) {
            Compressor c = new PipeCommandCompressor("sleep 3600", 300);
            IOException e = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThrows(IOException.class, () -> {
                try (OutputStream out = c.open(new ByteArrayOutputStream())) {
                    out.write(new byte[size]);
                }
            }));
            assertTrue(e instanceof PipeCommandCompressor.PipeTimeoutException, e.toString());
            assertTrue(e.getMessage().contains("PipeCmd 'sleep 3600' made no progress for 300ms (PipeTimeout): killed"),
                    e.getMessage());
        }
    }

    @Test
    void shouldNotTimeOutWhenOnlyTheSinkIsSlow() throws IOException {
        // A throttled sink (MaxMbps) holds the pump longer than PipeTimeout per write: the child is
        // blocked by us, not hung, and must not be killed.
        byte[] data = TestPcap.generate(1 << 20, 1500, 6);
        ByteArrayOutputStream sink = new ByteArrayOutputStream() {
            private int calls;

            @Override
            public synchronized void write(byte[] b, int off, int len) {
                if (calls++ < 2) {
                    try {
                        Thread.sleep(800); // the sink's own slowness, longer than the 200 ms timeout
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                super.write(b, off, len);
            }
        };
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (OutputStream out = new PipeCommandCompressor("cat", 200).open(sink)) {
                out.write(data);
            }
        });
        assertArrayEquals(data, sink.toByteArray());
    }

    @Test
    void shouldFailWithStatusAndStderrWhenShellExitsThree() {
        IOException e = failureOf("sh -c 'echo boom >&2; exit 3'", new byte[10]);
        assertTrue(e.getMessage().contains("exit status 3"), e.getMessage());
        assertTrue(e.getMessage().contains("boom"), e.getMessage());
    }

    @Test
    void shouldFailNamingSignalWhenCommandIsKilled() {
        IOException e = failureOf("sh -c 'kill -9 $$'", new byte[10]);
        assertTrue(e.getMessage().contains("signal 9 SIGKILL"), e.getMessage());
    }

    @Test
    void shouldFailWhenCommandDiesWhileInputIsStillComing() throws IOException {
        // The child stops reading after a little: the writer's big input must not hang, and the
        // error must say the command failed, not merely "broken pipe".
        byte[] data = TestPcap.generate(8 << 20, 1500, 4);
        IOException e = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> failureOf("head -c 1000", data));
        assertTrue(e.getMessage().contains("PipeCmd 'head -c 1000'"), e.getMessage());
    }

    @Test
    void shouldStreamLargeSplitWhenSinkIsSlowerThanTheChild() throws IOException {
        byte[] data = TestPcap.generate(16 << 20, 9000, 5);
        ByteArrayOutputStream sink = new ByteArrayOutputStream() {
            @Override
            public synchronized void write(byte[] b, int off, int len) {
                Thread.yield(); // a slow consumer: the child's stdout pipe fills up
                super.write(b, off, len);
            }
        };
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (OutputStream out = new PipeCommandCompressor("cat").open(sink)) {
                out.write(data);
            }
        });
        assertArrayEquals(data, sink.toByteArray());
    }

    @Test
    void shouldKillChildWhenSinkThrows() throws Exception {
        Path pidFile = dir.resolve("pid");
        Compressor c = new PipeCommandCompressor("sh -c 'echo $$ > " + pidFile + "; exec cat'");
        OutputStream failing = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("sink is gone");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("sink is gone");
            }
        };
        byte[] chunk = new byte[1 << 16];
        OutputStream out = c.open(failing);
        IOException e = assertThrows(IOException.class, () -> {
            try (out) {
                for (int i = 0; i < 10_000; i++) {
                    out.write(chunk);
                }
            }
        });
        assertTrue(e.getMessage().contains("sink is gone"), e.getMessage());
        Await.until("pid file", Duration.ofSeconds(10), () -> Files.exists(pidFile));
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        Await.until("child " + pid + " gone", Duration.ofSeconds(10),
                () -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
    }

    @Test
    void shouldKillChildWhenAborted() throws Exception {
        Path pidFile = dir.resolve("pid");
        Compressor c = new PipeCommandCompressor("sh -c 'echo $$ > " + pidFile + "; exec cat'");
        AtomicLong seen = new AtomicLong();
        OutputStream sink = new OutputStream() {
            @Override
            public void write(int b) {
                seen.incrementAndGet();
            }

            @Override
            public void write(byte[] b, int off, int len) {
                seen.addAndGet(len);
            }
        };
        OutputStream out = c.open(sink);
        out.write(new byte[4096]);
        Await.until("pid file", Duration.ofSeconds(10), () -> {
            try {
                return Files.exists(pidFile) && !Files.readString(pidFile).isBlank();
            } catch (IOException e) {
                return false;
            }
        });
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        Abortable.abortIfPossible(out);
        Await.until("child " + pid + " gone", Duration.ofSeconds(10),
                () -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
        assertThrows(IOException.class, () -> out.write(1));
    }
}
