package io.pushcap.cli;

import io.pushcap.testsupport.ServiceFiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input to {@code serve} and {@code doctor}: each a clear error naming what to fix, exit 2
 * for serve, before anything starts; doctor's lines are VALID or say what to do.
 */
class ServeCommandTest {
    @TempDir
    Path dir;
    ServiceFiles files;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    @BeforeEach
    void setUp() throws IOException {
        files = new ServiceFiles(dir);
        files.loader("live", "exec sleep 1000");
    }

    private int run(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private int serve(Path config) {
        return run("serve", "--config", config.toString());
    }

    @Test
    void shouldExitTwoNamingTheLineWhenTheConfigIsMalformed() throws IOException {
        Path c = files.service("svc.lua", "Service.Ring = {}\ntable.insert(Service.Ring, { Name = \"r\" }\n");
        assertThat(serve(c)).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("pushcap serve: " + c + ":12: ')' expected (to close '(' at line 10)\n");
        assertThat(dir.resolve("logs")).doesNotExist();
    }

    @Test
    void shouldExitTwoNamingTheInterfaceWhenItDoesNotExist() throws IOException {
        Path c = files.service("svc.lua", "Service.Ring = {}\ntable.insert(Service.Ring, { Name = \"r\", Size = \"2m\" })\n"
                + "Service.Capture = {}\ntable.insert(Service.Capture, { Interface = \"nosuch9\", Ring = \"r\" })\n");
        assertThat(serve(c)).isEqualTo(2);
        assertThat(err.toString()).startsWith("pushcap serve: " + c + ":12: capture 'nosuch9': Interface: 'nosuch9': no"
                + " such interface").contains("interfaces here: ");
        assertThat(dir.resolve("ram")).as("nothing was created").doesNotExist();
    }

    @Test
    void shouldExitTwoExplainingCronWhenAScheduleHasAnInvalidOne() throws IOException {
        Path c = files.service("svc.lua", "Service.Schedule = {}\ntable.insert(Service.Schedule, { Loader = \"live\","
                + " Window = { Start = \"0 0 25 * * ?\", Stop = \"0 0 1 * * ?\" } })\n");
        assertThat(serve(c)).isEqualTo(2);
        assertThat(err.toString()).startsWith("pushcap serve: " + c + ":10: schedule 'live': Window: Start: '0 0 25 * * ?':"
                + " hours 25 is out of range (0-23) (expected a Quartz cron: SEC MIN HOUR DAY-OF-MONTH MONTH DAY-OF-WEEK");
    }

    @Test
    void shouldExitTwoNamingTheAddressWhenThePortIsTaken() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            Path c = files.service("svc.lua", "127.0.0.1:" + port, "");
            assertThat(serve(c)).isEqualTo(2);
            assertThat(err.toString()).isEqualTo("pushcap serve: Http '127.0.0.1:" + port + "': address already in use"
                    + " (another pushcap serve? see: ss -ltnp 'sport = :" + port + "'); stop it, or set Service.Http to a free"
                    + " port\n");
        }
    }

    @Test
    void shouldPrintValidOrWhatToDoOnEveryLineWhenDoctorChecksTheHost() throws IOException {
        Path push = dir.resolve("push.lua");
        java.nio.file.Files.writeString(push, """
                local Config = {}
                Config.Target = {}
                table.insert(Config.Target, { Desc = "disk", Mode = "File", Path = "%s/out/disk-", Split = "--split-time 60e9",
                    FileName = "--filename-epoch-sec" })
                table.insert(Config.Target, { Desc = "ftp", Mode = "CURL", Path = "ftp://u:secret@127.0.0.1:1/in/x-",
                    Split = "--split-time 60e9", FileName = "--filename-epoch-sec" })
                return Config
                """.formatted(dir));
        Path c = files.service("svc.lua", "Service.Schedule = {}\ntable.insert(Service.Schedule, { Loader = \"live\","
                + " Config = \"" + push + "\", Once = \"0 5 0 * * ?\" })\n");
        int exit = run("doctor", "--config", c.toString());
        List<String> lines = out.toString().lines().toList();
        assertThat(exit).as(out.toString()).isEqualTo(1);
        assertThat(lines.getFirst()).isEqualTo("service config " + c + ": loads (VALID)");
        assertThat(lines).anyMatch(l -> l.matches("JDK \\(expect 25\\+\\): 2[5-9].* \\(VALID\\)"));
        assertThat(lines).anyMatch(l -> l.startsWith("libpcap (expect libpcap.so.0.8, 1.10+ with TPACKET_V3): libpcap version"));
        assertThat(lines).anyMatch(l -> l.matches("libcrypto \\(expect libcrypto\\.so\\.3: OpenSSL's SHA-256 of splits, MD5 of"
                + " S3 bodies\\): OpenSSL 3\\.\\S+ .* \\(VALID\\)"));
        assertThat(lines).anyMatch(l -> l.startsWith("raw sockets: AF_PACKET (capture, tx -i): "));
        assertThat(lines).anyMatch(l -> l.startsWith("ring directory " + dir.resolve("ram") + " (expect RAM: tmpfs with huge pages, or ramfs): "));
        assertThat(lines).anyMatch(l -> l.startsWith("store directory store free space (expect at least 1.0 GiB): "));
        assertThat(lines).anyMatch(l -> l.startsWith("rclone (for Mode RCLONE targets): "));
        assertThat(lines).contains("sink of target 'disk' (schedule live, Mode FILE): " + dir.resolve("out")
                + " can be created under " + dir + " (VALID)");
        assertThat(lines).anyMatch(l -> l.startsWith("sink of target 'ftp' (schedule live, Mode CURL):"
                + " ftp://u:***@127.0.0.1:1/in/x-: ") && l.contains(" -> fix the endpoint, credentials or network"));
        assertThat(out.toString()).doesNotContain("secret");
        assertThat(lines.subList(0, lines.size() - 1)).allSatisfy(l -> assertThat(l).matches("(.*\\(VALID\\)| {4}.*|.* -> .*)"));
        assertThat(lines.getLast()).matches("\\d+ check\\(s\\) need attention");
    }
}
