package io.pushcap.it;

import io.pushcap.testing.Cmd;
import io.pushcap.testsupport.PushcapCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code mvn package} leaves for operators: the .deb installs into a clean root (dpkg --root
 * into an empty directory with an empty dpkg database) at FHS paths and its launcher runs
 * {@code pushcap --version} with this host's JDK 25 and libpcap; the tarball runs the same way;
 * the launcher they carry says exactly what is missing instead of installing it; the bash
 * completion parses and completes subcommands; the man pages render.
 */
class PackagingIT {
    private static final Path TARGET = PushcapCli.home().resolve("target");

    @TempDir
    Path dir;

    private static String version() throws IOException {
        try (var s = Files.list(TARGET)) {
            String deb = s.map(p -> p.getFileName().toString()).filter(n -> n.matches("pushcap_.*_all\\.deb")).findFirst()
                    .orElseThrow(() -> new AssertionError("no target/pushcap_*_all.deb: did mvn package run without -Dpushcap.skipDist?"));
            return deb.substring("pushcap_".length(), deb.length() - "_all.deb".length());
        }
    }

    @Test
    void shouldInstallIntoACleanRootAndRunVersionWhenTheDebIsInstalledWithDpkgRoot() throws Exception {
        Cmd.require("dpkg", "dpkg");
        Path deb = TARGET.resolve("pushcap_" + version() + "_all.deb");
        Path root = dir.resolve("root");
        for (String d : List.of("info", "updates", "triggers")) {
            Files.createDirectories(root.resolve("var/lib/dpkg").resolve(d));
        }
        Files.writeString(root.resolve("var/lib/dpkg/status"), "");
        // --force-depends: the clean root has no libpcap0.8 package; the host's libpcap serves the run below.
        Cmd.Result install = Cmd.run(null, 120, "dpkg", "--root=" + root, "--force-depends", "--log=/dev/null", "-i", deb.toString());
        assertThat(install.exitCode()).as(install.stdout() + install.stderr()).isZero();
        assertThat(Cmd.run("dpkg", "--root=" + root, "-s", "pushcap").ok().stdout()).contains("Status: install ok installed");

        for (String f : List.of("usr/lib/pushcap/pushcap.jar", "usr/lib/pushcap/bin/pushcap", "usr/lib/pushcap/bin/lib/env.sh",
                "usr/lib/pushcap/analytics/push_pcap", "etc/pushcap/pushcap.lua", "etc/pushcap/push_pcap.lua",
                "usr/lib/systemd/system/pushcap.service", "usr/share/bash-completion/completions/pushcap",
                "usr/share/zsh/vendor-completions/_pushcap", "usr/share/man/man1/pushcap.1",
                "usr/share/man/man1/pushcap-serve.1", "usr/share/doc/pushcap/README.md")) {
            assertThat(root.resolve(f)).as(f).isRegularFile();
        }
        assertThat(root.resolve("var/lib/pushcap")).isDirectory();
        assertThat(root.resolve("var/log/pushcap")).isDirectory();
        assertThat(Files.readSymbolicLink(root.resolve("usr/bin/pushcap"))).isEqualTo(Path.of("/usr/lib/pushcap/bin/pushcap"));
        assertThat(Files.readSymbolicLink(root.resolve("usr/lib/pushcap/etc"))).isEqualTo(Path.of("/etc/pushcap"));
        assertThat(Files.isExecutable(root.resolve("usr/lib/pushcap/bin/pushcap"))).isTrue();
        assertThat(Cmd.run("dpkg-deb", "-f", deb.toString(), "Depends").ok().stdout().strip()).isEqualTo("libpcap0.8");
        // Split digests use OpenSSL's libcrypto when it is there, the JDK's otherwise.
        assertThat(Cmd.run("dpkg-deb", "-f", deb.toString(), "Recommends").ok().stdout().strip()).isEqualTo("libssl3");
        assertThat(Cmd.run("dpkg-deb", "-I", deb.toString(), "conffiles").ok().stdout()).contains("/etc/pushcap/pushcap.lua");

        Cmd.Result v = Cmd.run(null, 120, root.resolve("usr/lib/pushcap/bin/pushcap").toString(), "--version");
        assertThat(v.exitCode()).as(v.stderr()).isZero();
        assertThat(v.stdout()).startsWith("pushcap " + version()).contains("libpcap version");
        assertThat(v.stderr()).doesNotContain("building");
    }

    @Test
    void shouldNameTheMissingJdkAndNeverInstallWhenThePackagedLauncherFindsNoJava25() throws Exception {
        Path root = unpackTarball();
        Path emptyJvms = Files.createDirectories(dir.resolve("no-jvms"));
        ProcessBuilder pb = new ProcessBuilder(root.resolve("bin/pushcap").toString(), "--version")
                .redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.remove("JAVA_HOME");
        env.put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"); // /usr/bin/java is the host's JDK 17
        env.put("PUSHCAP_JVM_DIR", emptyJvms.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).isEqualTo(69);
        assertThat(out).isEqualTo("pushcap: no JDK 25 found (looked at $JAVA_HOME, java on PATH, " + emptyJvms + "/*).\n"
                + "pushcap: install one (e.g. Temurin 25 under /usr/lib/jvm) or set JAVA_HOME to a JDK 25.\n");
    }

    @Test
    void shouldRunVersionFromTheUnpackedDirectoryWhenTheTarballIsUnpacked() throws Exception {
        Path root = unpackTarball();
        for (String f : List.of("pushcap.jar", "bin/pushcap", "bin/lib/env.sh", "etc/pushcap.lua", "systemd/pushcap.service",
                "share/completion/pushcap", "share/completion/_pushcap", "share/man/man1/pushcap.1", "README.md")) {
            assertThat(root.resolve(f)).as(f).isRegularFile();
        }
        Cmd.Result v = Cmd.run(null, 120, root.resolve("bin/pushcap").toString(), "--version");
        assertThat(v.exitCode()).as(v.stderr()).isZero();
        assertThat(v.stdout()).startsWith("pushcap " + version());
    }

    @Test
    void shouldShipZstdJniWithoutItsFfmLayerWhenBuiltAndPackaged() throws Exception {
        // The FFM layer of zstd-jni costs 0.2 s and 0.4-0.6 CPU-s at every zstd push (pom.xml,
        // docs/performance.md): the build marks the copy we run as not multi-release.
        Path root = unpackTarball();
        List<Path> jars = new java.util.ArrayList<>();
        for (Path lib : List.of(TARGET.resolve("lib"), root.resolve("lib"))) {
            try (var s = Files.list(lib)) {
                jars.addAll(s.filter(p -> p.getFileName().toString().startsWith("zstd-jni-")).toList());
            }
        }
        assertThat(jars).hasSize(2);
        for (Path jar : jars) {
            try (java.util.jar.JarFile j = new java.util.jar.JarFile(jar.toFile(), true, java.util.zip.ZipFile.OPEN_READ,
                    Runtime.version())) {
                assertThat(j.isMultiRelease()).as(jar.toString()).isFalse();
                assertThat(j.getEntry("META-INF/versions/22/com/github/luben/zstd/ZstdBinding.class"))
                        .as("the FFM layer is still in the jar, unused").isNotNull();
            }
        }
    }

    @Test
    void shouldParseAndCompleteSubcommandsWhenBashLoadsTheCompletion() throws Exception {
        Path script = TARGET.resolve("completion/pushcap");
        assertThat(Cmd.run("bash", "-n", script.toString()).exitCode()).isZero();
        String complete = """
                source %s
                COMP_WORDS=(pushcap pu); COMP_CWORD=1; COMP_LINE="pushcap pu"; COMP_POINT=${#COMP_LINE}
                _complete_pushcap pushcap pu pushcap; printf '%%s\\n' "${COMPREPLY[@]}"
                echo ---
                COMP_WORDS=(pushcap ring c); COMP_CWORD=2; COMP_LINE="pushcap ring c"; COMP_POINT=${#COMP_LINE}
                _complete_pushcap pushcap c ring; printf '%%s\\n' "${COMPREPLY[@]}"
                echo ---
                COMP_WORDS=(pushcap push --con); COMP_CWORD=2; COMP_LINE="pushcap push --con"; COMP_POINT=${#COMP_LINE}
                _complete_pushcap pushcap --con push; printf '%%s\\n' "${COMPREPLY[@]}"
                """.formatted(script);
        Cmd.Result r = Cmd.run("bash", "-c", complete);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        String[] parts = r.stdout().split("---\n");
        assertThat(parts[0].lines()).containsExactly("push");
        assertThat(parts[1].lines()).containsExactly("create");
        assertThat(parts[2].lines()).containsExactly("--config");
    }

    @Test
    void shouldCompleteSubcommandsWhenZshLoadsTheCompletionFromItsFpath() throws Exception {
        Cmd.require("zsh", "zsh");
        Path fpath = Files.createDirectories(dir.resolve("zsh-completions"));
        Files.copy(PushcapCli.home().resolve("src/main/packaging/completion/_pushcap"), fpath.resolve("_pushcap"));
        // An interactive zsh in a pseudo-terminal (zpty), as a user's shell: type, press TAB, read the line.
        Path script = dir.resolve("complete.zsh");
        Files.writeString(script, """
                zmodload zsh/zpty
                zpty z zsh -f -i
                zpty -w z 'PS1="> "; fpath=(%s $fpath); export PUSHCAP_BASH_COMPLETION=%s; autoload -U compinit && compinit -u'
                zpty -w -n z $'pushcap ring cre\t'
                out=""
                for i in {1..100}; do
                    while zpty -r -t z chunk; do out+=$chunk; done
                    [[ $out == *"pushcap ring create "* ]] && break
                    sleep 0.1
                done
                zpty -d z
                print -r -- "$out"
                """.formatted(fpath, TARGET.resolve("completion/pushcap")));
        Cmd.Result r = Cmd.run(null, 60, "zsh", "-f", script.toString());
        assertThat(r.stdout().replaceAll("\u001b\\[[0-9;?]*[a-zA-Z]", "")).contains("pushcap ring create ");
    }

    @Test
    void shouldRenderWithNameSynopsisAndExitCodesWhenManFormatsThePages() throws Exception {
        Cmd.require("groff", "groff-base");
        Cmd.Result top = Cmd.run("groff", "-man", "-Tutf8", "-P-cbou", TARGET.resolve("man/pushcap.1").toString());
        assertThat(top.exitCode()).as(top.stderr()).isZero();
        assertThat(top.stdout()).contains("NAME").contains("pushcap - Packet capture-and-push recorder").contains("SYNOPSIS")
                .contains("COMMANDS").contains("EXIT CODES (THE SAME FOR EVERY COMMAND)").contains("UNAVAILABLE");
        Cmd.Result push = Cmd.run("groff", "-man", "-Tutf8", "-P-cbou", TARGET.resolve("man/pushcap-push.1").toString());
        assertThat(push.stdout()).contains("pushcap-push").contains("--offline").contains("--config");
        assertThat(push.stderr()).isBlank();
        try (var pages = Files.list(TARGET.resolve("man"))) {
            assertThat(pages.map(p -> p.getFileName().toString()))
                    .contains("pushcap-ring-create.1", "pushcap-flows-export.1", "pushcap-serve.1", "pushcap-rx.1");
        }
    }

    private Path unpackTarball() throws IOException {
        Path tgz = TARGET.resolve("pushcap-" + version() + ".tar.gz");
        Cmd.run("tar", "-xzf", tgz.toString(), "-C", dir.toString()).ok();
        return dir.resolve("pushcap-" + version());
    }
}
