package io.pushcap.service.doctor;

import io.pushcap.PushcapException;
import io.pushcap.capture.DefaultRoute;
import io.pushcap.config.ConfigException;
import io.pushcap.config.PushConfig;
import io.pushcap.config.PushConfigLoader;
import io.pushcap.config.ServiceConfig;
import io.pushcap.config.TargetConfig;
import io.pushcap.internal.ffm.LibC;
import io.pushcap.internal.ffm.LibCrypto;
import io.pushcap.internal.ffm.LibPcap;
import io.pushcap.ring.ByteSizes;
import io.pushcap.ring.RingStorage;
import io.pushcap.service.CaptureComponent;
import io.pushcap.service.RingDirectory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code pushcap doctor}: checks this host for what the service needs, one {@link DoctorCheck}
 * per line: the JDK, libpcap, capabilities and raw sockets, the ring directory (ramfs, tmpfs or
 * disk), the offloads of each captured NIC (with the ethtool command that turns them off), the
 * store's free space, rclone, and whether every sink the schedules' push configs name can be
 * reached (File directories writable, S3 HEAD bucket, FTP connect and login, rclone config).
 *
 * <p><b>Note:</b> not thread-safe; one run. Reads the host and contacts the configured sinks;
 * creates nothing (a File directory that does not exist yet is checked for being creatable).
 */
public final class Doctor {
    private static final int CAP_NET_ADMIN = 12;
    private static final int CAP_NET_RAW = 13;
    private static final int CAP_SYS_ADMIN = 21;
    private static final long SINK_TIMEOUT_SECONDS = 15;

    private final ServiceConfig config;
    private final List<DoctorCheck> checks = new ArrayList<>();

    /** @param config the service config, or null when it could not be loaded (host checks only) */
    public Doctor(ServiceConfig config) {
        this.config = config;
    }

    public List<DoctorCheck> run() {
        jdk();
        libpcap();
        libcrypto();
        capabilities();
        sockets();
        ringDir();
        offloads();
        store();
        rclone();
        if (config != null) {
            sinks();
        }
        return List.copyOf(checks);
    }

    private void jdk() {
        Runtime.Version v = Runtime.version();
        checks.add(v.feature() >= 25 ? DoctorCheck.valid("JDK (expect 25+)", v.toString())
                : DoctorCheck.fix("JDK (expect 25+)", v.toString(), "install a JDK 25 (e.g. Temurin 25 under /usr/lib/jvm)"));
    }

    private void libcrypto() {
        String subject = "libcrypto (expect " + LibCrypto.SONAME + ": OpenSSL's SHA-256 of splits, MD5 of S3 bodies)";
        String v = LibCrypto.version();
        checks.add(v != null ? DoctorCheck.valid(subject, v)
                : DoctorCheck.fix(subject, "not found: digests use the JDK's, slower until compiled and 14x slower in"
                        + " C1-only JVMs", "apt-get install -y libssl3"));
    }

    private void libpcap() {
        String subject = "libpcap (expect " + LibPcap.SONAME + ", 1.10+ with TPACKET_V3)";
        if (!LibPcap.available()) {
            checks.add(DoctorCheck.fix(subject, "not found", LibPcap.INSTALL_HINT));
            return;
        }
        String v = LibPcap.libVersion();
        checks.add(v.contains("TPACKET_V3") ? DoctorCheck.valid(subject, v)
                : DoctorCheck.fix(subject, v, "a libpcap without TPACKET_V3 captures slowly: apt-get install -y libpcap0.8"));
    }

    private void capabilities() {
        long eff = capEff();
        List<String> missing = new ArrayList<>();
        if ((eff >> CAP_NET_RAW & 1) == 0) {
            missing.add("CAP_NET_RAW");
        }
        if ((eff >> CAP_NET_ADMIN & 1) == 0) {
            missing.add("CAP_NET_ADMIN");
        }
        String subject = "capabilities (expect CAP_NET_RAW, CAP_NET_ADMIN)";
        checks.add(missing.isEmpty() ? DoctorCheck.valid(subject, "present")
                : DoctorCheck.fix(subject, "missing " + String.join(", ", missing), "run as root, or grant them: setcap"
                + " cap_net_raw,cap_net_admin+ep <java>, or AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN in the systemd unit"));
    }

    static long capEff() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    return Long.parseUnsignedLong(line.substring(7).strip(), 16);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    private void sockets() {
        int packet = LibC.probeSocket(17, 3, 0x0300);
        checks.add(packet == 0 ? DoctorCheck.valid("raw sockets: AF_PACKET (capture, tx -i)", "can open")
                : DoctorCheck.fix("raw sockets: AF_PACKET (capture, tx -i)", "refused: " + LibC.strerror(packet),
                "needs CAP_NET_RAW: run as root or grant it (see capabilities)"));
        int raw = LibC.probeSocket(2, 3, 255);
        checks.add(raw == 0 ? DoctorCheck.valid("raw sockets: IP (tx -E gre/gretap/erspan)", "can open")
                : DoctorCheck.fix("raw sockets: IP (tx -E gre/gretap/erspan)", "refused: " + LibC.strerror(raw),
                "needs CAP_NET_RAW: run as root or grant it (see capabilities)"));
    }

    private void ringDir() {
        Path dir = config == null ? Path.of("/run/pushcap/ram") : config.ringDir();
        String subject = "ring directory " + dir + " (expect RAM: tmpfs with huge pages, or ramfs)";
        String mount = config == null ? "tmpfs" : config.ringMount();
        boolean canMount = (capEff() >> CAP_SYS_ADMIN & 1) != 0 && !mount.equals("none");
        if (!Files.isDirectory(dir)) {
            checks.add(canMount
                    ? DoctorCheck.valid(subject, "not there yet: serve mounts " + mount + " there when it starts")
                    : DoctorCheck.fix(subject, "does not exist", RingDirectory.mountCommand(dir, mount)
                    + " (as root; serve does it itself when it runs as root)"));
            return;
        }
        RingStorage s = RingStorage.of(dir);
        if (s.recommended()) {
            checks.add(DoctorCheck.valid(subject, s.describe() + " at " + s.mountPoint()));
            return;
        }
        checks.add(canMount ? DoctorCheck.valid(subject, s.describe() + " now: serve mounts " + mount + " over it when it starts")
                : DoctorCheck.fix(subject, s.describe() + " (" + s.mountPoint() + ")", s.warning()));
    }

    private void offloads() {
        Set<String> ifaces = new LinkedHashSet<>();
        if (config != null) {
            for (ServiceConfig.Capture c : config.captures()) {
                try {
                    ifaces.add(CaptureComponent.resolve(c.iface()));
                } catch (PushcapException e) {
                    checks.add(DoctorCheck.fix("capture '" + c.name() + "' interface", c.iface(), e.getMessage()));
                }
            }
        } else {
            DefaultRoute.interfaceName().ifPresent(ifaces::add);
        }
        for (String iface : ifaces) {
            String out = run(List.of("ethtool", "-k", iface));
            if (out == null) {
                checks.add(DoctorCheck.fix("NIC " + iface + " offloads", "cannot run ethtool -k " + iface,
                        "apt-get install -y ethtool"));
                continue;
            }
            checks.add(Offloads.check(iface, Offloads.parse(out)));
        }
    }

    private void store() {
        List<ServiceConfig.Recorder> recorders = config == null ? List.of() : config.recorders();
        if (recorders.isEmpty()) {
            freeSpace(Path.of("store"), 0);
        }
        for (ServiceConfig.Recorder r : recorders) {
            freeSpace(r.store(), r.minFreeBytes());
        }
    }

    private void freeSpace(Path store, long minFree) {
        Path existing = store.toAbsolutePath().normalize();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        String subject = "store directory " + store + " free space (expect at least " + ByteSizes.format(Math.max(minFree, 1L << 30)) + ")";
        try {
            FileStore fs = Files.getFileStore(existing);
            long free = fs.getUsableSpace();
            String finding = ByteSizes.format(free) + " free of " + ByteSizes.format(fs.getTotalSpace()) + " (" + fs.type() + ")";
            checks.add(free >= Math.max(minFree, 1L << 30) ? DoctorCheck.valid(subject, finding)
                    : DoctorCheck.fix(subject, finding, "free space on " + existing + ", or lower the recorder's MaxBytes"));
        } catch (IOException | RuntimeException e) {
            checks.add(DoctorCheck.fix(subject, "cannot read: " + e.getMessage(), "check that " + store + " is mounted"));
        }
    }

    private void rclone() {
        String out = run(List.of("rclone", "version"));
        String subject = "rclone (for Mode RCLONE targets)";
        checks.add(out == null ? DoctorCheck.fix(subject, "not found", "apt-get install -y rclone")
                : DoctorCheck.valid(subject, out.lines().findFirst().orElse("?").strip()));
    }

    private void sinks() {
        for (ServiceConfig.Schedule s : config.schedules()) {
            if (s.config() == null) {
                checks.add(DoctorCheck.fix("schedule '" + s.name() + "' sinks", "the schedule names no Config",
                        "set Config so its sinks can be checked"));
                continue;
            }
            PushConfig pc;
            try {
                pc = new PushConfigLoader().load(s.config());
            } catch (ConfigException e) {
                checks.add(DoctorCheck.fix("schedule '" + s.name() + "' push config", s.config().toString(), e.getMessage()));
                continue;
            }
            for (TargetConfig t : pc.targets()) {
                checks.add(SinkProbe.check(s.name(), t, SINK_TIMEOUT_SECONDS));
            }
        }
    }

    /** stdout of a short command, or null when it cannot run or fails. */
    static String run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
