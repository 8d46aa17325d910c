package io.pushcap.sink.file;

import io.pushcap.sink.SplitOutput;
import io.pushcap.testsupport.Exec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A full file system (a 1 MiB tmpfs mounted by the test; needs root, as CI is): the write fails
 * with an IOException naming the file and the free space, nothing appears under the final name,
 * and once space is freed the retried split is published.
 */
class FileSinkDiskFullTest {
    @TempDir
    Path dir;
    Path mnt;

    @BeforeEach
    void mountTinyTmpfs() throws IOException {
        if (!"root".equals(System.getProperty("user.name"))) {
            fail("FileSinkDiskFullTest mounts a tmpfs and needs root (user is " + System.getProperty("user.name") + ")");
        }
        mnt = Files.createDirectories(dir.resolve("mnt"));
        Exec.ok(Duration.ofSeconds(30), "mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt.toString());
    }

    @AfterEach
    void unmount() throws IOException {
        Exec.ok(Duration.ofSeconds(30), "umount", "-l", mnt.toString());
    }

    @Test
    void shouldNamePathWhenFileSystemIsReadOnly() throws Exception {
        Files.createDirectories(mnt.resolve("push"));
        Exec.ok(Duration.ofSeconds(30), "mount", "-o", "remount,ro", mnt.toString());
        FileSink sink = new FileSink(mnt + "/push/");
        IOException e = assertThrows(IOException.class, () -> sink.open(mnt.resolve("push/ro.pcap").toString()));
        assertTrue(e.getMessage().startsWith("create " + mnt.resolve("push/ro.pcap.pending")), e.getMessage());
        assertTrue(e.getMessage().contains("Read-only file system"), e.getMessage());
        assertTrue(e.getMessage().contains("free space on"), e.getMessage());
    }

    @Test
    void shouldNamePathAndFreeSpaceWhenDiskIsFullThenSucceedWhenSpaceReturns() throws Exception {
        Path filler = mnt.resolve("filler");
        Files.write(filler, new byte[800 << 10]);
        byte[] split = new byte[400 << 10];
        new Random(1).nextBytes(split);
        FileSink sink = new FileSink(mnt + "/");
        Path target = mnt.resolve("push/split.pcap");

        SplitOutput out = sink.open(target.toString());
        IOException e = assertThrows(IOException.class, () -> {
            out.stream().write(split);
            out.commit();
        });
        out.abort();
        assertTrue(e.getMessage().contains(target + ".pending"), e.getMessage());
        assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
        assertTrue(e.getMessage().matches("(?s).*free space on .*: \\d+ bytes.*"), e.getMessage());
        assertFalse(Files.exists(target), "nothing under the final name");
        assertEquals(List.of(), List.of(Files.list(target.getParent()).toArray()), "no pending remains");

        Files.delete(filler);
        SplitOutput retry = sink.open(target.toString());
        retry.stream().write(split);
        retry.commit();
        assertArrayEquals(split, Files.readAllBytes(target));
    }
}
