package io.pushcap.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Files a service test needs: loader scripts, push configs and service configs in a temporary directory. */
public final class ServiceFiles {
    private final Path dir;

    public ServiceFiles(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** An executable shell loader in {@code <dir>/analytics}. */
    public Path loader(String name, String body) throws IOException {
        Path p = dir.resolve("analytics").resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    /** A push config with one File target {@code desc} writing under {@code <dir>/out/<desc>/}. */
    public Path push(String name, String desc, String extra) throws IOException {
        Path p = dir.resolve(name + ".lua");
        Files.writeString(p, "local Config = {}\nConfig.Target = {}\ntable.insert(Config.Target, {\n    Desc = \"" + desc
                + "\",\n    Mode = \"File\",\n    Path = \"" + dir.resolve("out").resolve(desc) + "/" + desc + "\",\n"
                + "    Split = \"--split-time 60e9\",\n    FileName = \"--filename-epoch-sec-startend\",\n" + extra
                + "})\nreturn Config\n");
        return p;
    }

    /**
     * A service config: the globals point into the directory (state, logs, rings without a mount,
     * HTTP on a free port of 127.0.0.1, loaders in {@code <dir>/analytics}), then {@code body}.
     */
    public Path service(String name, String body) throws IOException {
        return service(name, "127.0.0.1:0", body);
    }

    public Path service(String name, String http, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "local Service = {}\n"
                + "Service.Http = \"" + http + "\"\n"
                + "Service.StateDir = \"" + dir.resolve("var") + "\"\n"
                + "Service.LogDir = \"" + dir.resolve("logs") + "\"\n"
                + "Service.RingDir = \"" + dir.resolve("ram") + "\"\n"
                + "Service.RingMount = \"none\"\n"
                + "Service.StopTimeout = 10\n"
                + "Service.AnalyticsDir = { \"" + dir.resolve("analytics") + "\" }\n"
                + body + "\nreturn Service\n");
        return p;
    }
}
