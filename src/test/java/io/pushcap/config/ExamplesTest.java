package io.pushcap.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every shipped configuration (etc/) and every seed example (examples/) loads on this host. */
class ExamplesTest {
    private static final Path HOME = Path.of(System.getProperty("pushcap.home", "."));
    private static final PushConfigLoader LOADER = new PushConfigLoader();

    private static PushConfig load(String relative) {
        return LOADER.load(HOME.resolve(relative));
    }

    /** Push configs only: etc/pushcap.lua is the service config (ServiceConfigTest loads it). */
    private static List<Path> luaFiles(String directory) throws IOException {
        try (Stream<Path> files = Files.list(HOME.resolve(directory))) {
            return files.filter(f -> f.toString().endsWith(".lua") && !f.getFileName().toString().equals("pushcap.lua"))
                    .sorted().toList();
        }
    }

    @Test
    void shouldValidateEveryConfigurationWhenLoadedFromExamplesAndEtc() throws IOException {
        List<Path> files = new ArrayList<>(luaFiles("examples"));
        files.addAll(luaFiles("etc"));
        List<String> failures = new ArrayList<>();
        for (Path f : files) {
            try {
                PushConfig c = LOADER.load(f);
                assertFalse(c.targets().isEmpty(), f.toString());
            } catch (ConfigException e) {
                failures.add(String.join("\n", e.problems()));
            }
        }
        assertEquals(List.of(), failures);
        assertTrue(files.size() >= 15, "examples and etc hold " + files.size() + " files");
    }

    @Test
    void shouldShipEverySeedExampleWhenExamplesAreListed() throws IOException {
        List<String> names = luaFiles("examples").stream().map(p -> p.getFileName().toString()).toList();
        assertTrue(names.containsAll(List.of("push_nfs_all_and_tcp_subnet.lua", "push_rclone_s3_gzip_suffix.lua",
                "push_realtime_restart.lua", "push_nfs_tcp_1min.lua", "push_udp_multicast_hhmmss_tz.lua",
                "push_port80_lz4.lua", "push_port80_zstd.lua", "push_1gb_splits_gzip.lua", "push_magpack_ftp.lua",
                "push_lxc_all.lua", "push_lxc_multiple_vlans.lua", "push_s3cloud_rclone.lua")), names.toString());
    }

    @Test
    void shouldResolveTheSeedsFirstExampleWhenLoaded() {
        PushConfig c = load("examples/push_nfs_all_and_tcp_subnet.lua");
        assertEquals(300_000_000_000L, c.timeoutRingNanos());
        assertEquals(List.of("Full", "tcp_192_168_1_0"), c.targets().stream().map(TargetConfig::desc).toList());
        String today = LocalDate.now().format(DateTimeFormatter.BASIC_ISO_DATE);
        TargetConfig all = c.targets().get(0);
        TargetConfig tcp = c.targets().get(1);
        assertEquals("/tmp/pushcap-examples/remote0/pcap/" + today + "/all-", all.path());
        assertEquals(SplitRule.time(3_600_000_000_000L), all.split());
        assertEquals(FileNameFormat.TSTR_HHMMSS, all.fileName());
        assertNull(all.filterBpf());
        assertEquals("net 192.168.1.0/24", tcp.filterBpf());
        assertEquals("zstd -c -T8", tcp.pipeCmd());
        assertEquals(".pcap.zstd", tcp.fileSuffix());
        assertEquals("-Z fmadio", tcp.splitCmd());
        assertEquals(300_000_000_000L, tcp.timeoutRingNanos());
    }

    @Test
    void shouldResolveNamingAndFiltersWhenSeedExamplesUseThem() {
        TargetConfig udp = load("examples/push_udp_multicast_hhmmss_tz.lua").targets().getFirst();
        assertEquals(FileNameFormat.TSTR_HHMMSS_TZ, udp.fileName());
        assertEquals("multicast and port 10001", udp.filterBpf());
        assertEquals(SplitRule.time(60_000_000_000L), udp.split());

        TargetConfig nfs = load("examples/push_nfs_tcp_1min.lua").targets().getFirst();
        assertEquals(FileNameFormat.EPOCH_SEC_STARTEND, nfs.fileName());
        assertEquals("net 192.168.1.0/24 and tcp", nfs.filterBpf());
        assertEquals(".pcap", nfs.fileSuffix());

        TargetConfig zstd = load("examples/push_port80_zstd.lua").targets().getFirst();
        assertEquals("port80 zstd", zstd.desc());
        assertEquals("zstd -c", zstd.pipeCmd());
        assertEquals("lz4 -c", load("examples/push_port80_lz4.lua").targets().getFirst().pipeCmd());
    }

    @Test
    void shouldKeepTheSeedsDotlessSuffixWhenSplittingByGigabyte() {
        TargetConfig t = load("examples/push_1gb_splits_gzip.lua").targets().getFirst();
        assertEquals(SplitRule.bytes(1_000_000_000L), t.split());
        assertEquals("pcap.gz", t.fileSuffix());
        assertNull(t.filterBpf());
        assertEquals(2, PushConfigLoader.notes(t).size(), PushConfigLoader.notes(t).toString());
    }

    @Test
    void shouldResolveRemoteModesWhenSeedExamplesPushOverFtpAndRclone() {
        TargetConfig ftp = load("examples/push_magpack_ftp.lua").targets().getFirst();
        assertEquals(Mode.CURL, ftp.mode());
        assertEquals("ftp://127.0.0.1:2121/device-prefix", ftp.path());
        assertEquals(SplitRule.bytes(1_000_000_000L), ftp.split());
        assertEquals(FileNameFormat.TSTR_HHMMSS_SUB, ftp.fileName());
        assertTrue(ftp.chunked() && ftp.followStart());
        assertEquals("logger -t push-magpack-all new split", ftp.scriptNew());

        PushConfig s3 = load("examples/push_s3cloud_rclone.lua");
        TargetConfig cloud = s3.targets().getFirst();
        assertEquals(Mode.RCLONE, cloud.mode());
        assertEquals("gzip -c", cloud.pipeCmd());
        assertEquals(".gz", cloud.fileSuffix());
        assertEquals(FileNameFormat.TSTR_HHMM, cloud.fileName());
        assertTrue(s3.followStart() && cloud.followStart() && cloud.decap());
        assertNull(cloud.splitCmd());
        assertNull(cloud.filterFrame());

        assertEquals(Mode.RCLONE, load("examples/push_rclone_s3_gzip_suffix.lua").targets().getFirst().mode());
    }

    @Test
    void shouldResolveStreamsWhenTargetsPushIntoRings() {
        List<TargetConfig> vlans = load("examples/push_lxc_multiple_vlans.lua").targets();
        assertEquals(List.of("vlan 1", "vlan 1"), vlans.stream().map(TargetConfig::filterBpf).toList());
        assertEquals(List.of("/tmp/pushcap-examples/queue/lxc_ring0", "/tmp/pushcap-examples/queue/lxc_ring1"),
                vlans.stream().map(TargetConfig::path).toList());
        for (TargetConfig t : vlans) {
            assertEquals(Mode.LXC, t.mode());
            assertEquals(SplitRule.NONE, t.split());
            assertTrue(PushConfigLoader.notes(t).getFirst().startsWith("FilterBPF 'vlan 1' names encapsulation headers"
                    + " (vlan, mpls, pppoes, geneve): it is matched against the frame as captured, before Decap"), PushConfigLoader.notes(t).toString());
        }
        TargetConfig all = load("examples/push_lxc_all.lua").targets().getFirst();
        assertNull(all.filterBpf());
        assertEquals(List.of(), PushConfigLoader.notes(all));
    }

    @Test
    void shouldMapTheRestartOptionWhenTheSeedsRealtimeExampleIsLoaded() {
        TargetConfig t = load("examples/push_realtime_restart.lua").targets().getFirst();
        assertTrue(t.ringTimeoutExit());
        assertFalse(t.followStart());
        assertEquals(300_000_000_000L, t.timeoutRingNanos());
    }

    @Test
    void shouldResolvePushcapExtensionsWhenTheirExampleIsLoaded() {
        List<TargetConfig> t = load("examples/pushcap_extensions.lua").targets();
        assertEquals("zstd:3:2", t.get(0).compress());
        assertEquals(".pcap.zst", t.get(0).fileSuffix());
        assertTrue(t.get(0).writeDecapsulated());
        assertEquals(800.0, t.get(0).maxMbps());
        assertEquals(new KeepLimits(0, 50_000_000_000L), t.get(0).keep());
        assertEquals(new KeepLimits(1000, 0), t.get(1).keep());
        assertEquals("/tmp/pushcap-examples/rings/cap0", t.get(0).source());
        assertEquals(Map.of("Endpoint", "http://127.0.0.1:9000", "Region", "us-east-1", "PathStyle", "true"), t.get(1).options());
        assertEquals(".pcap.lz4", t.get(1).fileSuffix());
        assertEquals(Map.of("Encap", "vxlan", "Key", "42", "Snaplen", "1476", "Vlan", "100"), t.get(2).options());
        assertEquals(10_000_000_000L, t.get(2).timeoutRingNanos());
        assertEquals(60_000_000_000L, t.get(1).timeoutRingNanos());
    }

    @Test
    void shouldShipDefaultsThatNeedNoExternalProgramsWhenEtcIsLoaded() {
        TargetConfig t = load("etc/push_pcap.lua").targets().getFirst();
        assertEquals(List.of("pcap-all", Mode.FILE, "out/pcap-all", SplitRule.time(60_000_000_000L), FileNameFormat.TSTR_HHMMSS,
                "zstd:1:auto", ".pcap.zst"), List.of(t.desc(), t.mode(), t.path(), t.split(), t.fileName(), t.compress(), t.fileSuffix()));
        assertNull(t.pipeCmd());
        assertEquals(List.of(), PushConfigLoader.notes(t));
        TargetConfig eod = load("etc/push_pcap_eod.lua").targets().getFirst();
        assertEquals(SplitRule.bytes(1_000_000_000L), eod.split());
        assertEquals("gzip:1", eod.compress());
        assertEquals(".pcap.gz", eod.fileSuffix());
        assertTrue(eod.followStart());
    }

    @Test
    void shouldRunPushWithItsConfigWhenAnalyticsLoaderStartsFromAnotherDirectory(@TempDir Path fakeHome) throws Exception {
        Files.createDirectories(fakeHome.resolve("bin"));
        Files.createDirectories(fakeHome.resolve("analytics"));
        Path stub = fakeHome.resolve("bin/pushcap");
        Files.writeString(stub, "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");
        Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String loader : List.of("push_pcap", "push_pcap_eod")) {
            Path copy = fakeHome.resolve("analytics/" + loader);
            Files.copy(HOME.resolve("analytics/" + loader), copy);
            assertTrue(Files.isExecutable(HOME.resolve("analytics/" + loader)), loader + " is not executable");
            ProcessBuilder pb = new ProcessBuilder(copy.toString(), "--force", "--offline", "capture 1.pcap")
                    .directory(Path.of("/").toFile()).redirectErrorStream(true);
            // bin/test exports PUSHCAP_HOME; the loader must find pushcap from its own location here.
            pb.environment().keySet().removeIf(k -> k.startsWith("PUSHCAP_"));
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            assertEquals(String.join("\n", "push", "--config", fakeHome + "/etc/" + loader + ".lua",
                    "--force", "--offline", "capture 1.pcap") + "\n", out);
        }
    }
}
