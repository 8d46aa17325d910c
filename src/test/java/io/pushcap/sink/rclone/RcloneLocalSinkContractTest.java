package io.pushcap.sink.rclone;

import io.pushcap.sink.Sink;
import io.pushcap.sink.SinkContractTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RcloneSink through rclone's local backend (a remote named in a temp rclone.conf). */
class RcloneLocalSinkContractTest extends SinkContractTest {
    @TempDir
    Path dir;

    private Path base() {
        return dir.resolve("remote");
    }

    @Override
    protected Sink newSink() throws Exception {
        Path conf = dir.resolve("rclone.conf");
        Files.writeString(conf, "[disk]\ntype = local\n");
        return new RcloneSink("disk:" + base() + "/", conf, "rclone");
    }

    @Override
    protected String location(String name) {
        return "disk:" + base() + "/" + name;
    }

    @Override
    protected byte[] read(String name) throws Exception {
        Path p = base().resolve(name);
        return Files.exists(p) ? Files.readAllBytes(p) : null;
    }

    @Override
    protected List<String> names() throws Exception {
        if (!Files.exists(base())) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(base())) {
            return s.filter(Files::isRegularFile).map(p -> base().relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void shouldSayHowToInstallWhenRcloneIsMissing() throws Exception {
        RcloneSink s = new RcloneSink("disk:/x", dir.resolve("rclone.conf"), "rclone-not-installed");
        var e = assertThrows(io.pushcap.PushcapException.class, s::check);
        assertEquals("rclone not found: apt-get install -y rclone", e.getMessage());
        assertThrows(io.pushcap.PushcapException.class, () -> s.open("disk:/x/a.pcap"));
    }

    @Test
    void shouldIncludeRcloneStderrWhenRemoteIsUnknown() throws Exception {
        RcloneSink s = new RcloneSink("nosuch:/x/", dir.resolve("rclone.conf"), "rclone");
        var out = s.open("nosuch:/x/a.pcap");
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> {
            out.stream().write(new byte[100]);
            out.commit();
        });
        assertTrue(e.getMessage().contains("rclone rcat nosuch:/x/a.pcap.pending failed"), e.getMessage());
        assertTrue(e.getMessage().contains("nosuch"), e.getMessage());
        out.abort();
    }

    @Test
    void shouldRefuseMissingConfigWhenPathNamesARemote() {
        RcloneSink s = new RcloneSink("disk:/x/", dir.resolve("absent.conf"), "rclone");
        var e = assertThrows(io.pushcap.PushcapException.class, s::check);
        assertTrue(e.getMessage().contains("absent.conf"), e.getMessage());
    }

    @Test
    void shouldRefuseAtCheckNamingTheDefinedRemotesWhenThePathsRemoteIsNotInTheConfig() throws Exception {
        Path conf = dir.resolve("two.conf");
        Files.writeString(conf, "[disk]\ntype = local\n\n[archive]\ntype = local\n");
        RcloneSink s = new RcloneSink("nosuch:x/", conf, "rclone");
        var e = assertThrows(io.pushcap.PushcapException.class, s::check);
        assertEquals("rclone remote 'nosuch' (Path 'nosuch:x/') is not defined in " + conf
                + " (it defines archive, disk); add it with `rclone config --config " + conf
                + "` or see etc/rclone.conf for examples", e.getMessage());
    }

    @Test
    void shouldPassCheckWhenThePathsRemoteIsDefined() throws Exception {
        Path conf = dir.resolve("one.conf");
        Files.writeString(conf, "[disk]\ntype = local\n");
        new RcloneSink("disk:" + dir + "/out/", conf, "rclone").check();
        new RcloneSink(dir + "/plain/", dir.resolve("absent.conf"), "rclone").check();
    }
}
