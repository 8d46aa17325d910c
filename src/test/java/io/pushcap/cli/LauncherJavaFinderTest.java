package io.pushcap.cli;

import io.pushcap.testsupport.PushcapCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How bin/lib/env.sh picks the JDK (pushcap_find_java), with fake JDKs: JAVA_HOME wins when it is
 * 25 or newer, then java on PATH, then the newest JDK 25+ under the JVM directory; the JDK's
 * release file gives the version, and a JDK without one is asked ({@code -XshowSettings}).
 */
class LauncherJavaFinderTest {
    @TempDir
    Path tmp;

    /** A fake JDK: bin/java prints the version property; a release file unless {@code release} is null. */
    private Path jdk(String name, String release, int specVersion) throws IOException {
        Path home = tmp.resolve("jvm").resolve(name);
        Files.createDirectories(home.resolve("bin"));
        Path java = home.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\necho '    java.specification.version = " + specVersion + "' >&2\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        if (release != null) {
            Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + release + "\"\n");
        }
        return home;
    }

    /** A PATH with the few tools env.sh may fork (readlink, sed, head) and no java. */
    private Path tools() throws IOException {
        Path dir = tmp.resolve("tools");
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            for (String t : new String[] {"readlink", "sed", "head"}) {
                Files.createSymbolicLink(dir.resolve(t), Path.of("/usr/bin").resolve(t));
            }
        }
        return dir;
    }

    private String find(Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c",
                ". \"$1\"; pushcap_find_java; echo \"$JAVA|$PUSHCAP_JAVA_HOME\"", "find",
                PushcapCli.home().resolve("bin/lib/env.sh").toString());
        pb.environment().remove("JAVA_HOME");
        pb.environment().put("PATH", tools().toString());
        pb.environment().put("PUSHCAP_JVM_DIR", tmp.resolve("jvm").toString());
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes()).strip();
    }

    @Test
    void shouldPickNewestJdkUnderJvmDirWhenNeitherJavaHomeNorPathHasOne() throws Exception {
        jdk("old-17", "17.0.15", 17);
        jdk("temurin-25", "25.0.3", 25);
        Path newest = jdk("jdk-26", "26", 26);
        jdk("broken-no-release", null, 24);
        assertThat(find(Map.of())).isEqualTo(newest.resolve("bin/java") + "|" + newest);
    }

    @Test
    void shouldPreferJavaHomeWhenItIs25OrNewer() throws Exception {
        jdk("jdk-26", "26", 26);
        Path home = jdk("home-25", "25.0.1", 25);
        assertThat(find(Map.of("JAVA_HOME", home.toString()))).isEqualTo(home.resolve("bin/java") + "|" + home);
    }

    @Test
    void shouldTakeJavaOnPathBeforeJvmDirWhenItIs25OrNewer() throws Exception {
        jdk("jdk-26", "26", 26);
        Path onPath = jdk("path-25", "25", 25);
        assertThat(find(Map.of("PATH", onPath.resolve("bin") + ":" + tools()))).isEqualTo(onPath.resolve("bin/java") + "|" + onPath);
    }

    @Test
    void shouldAskTheJavaWhenItsJdkHasNoReleaseFile() throws Exception {
        Path noRelease = jdk("no-release-25", null, 25);
        assertThat(find(Map.of("PATH", noRelease.resolve("bin") + ":" + tools()))).isEqualTo(noRelease.resolve("bin/java") + "|" + noRelease);
    }

    @Test
    void shouldPassOverJavaHomeAndSayWhatIsMissingWhenNoJdk25Exists() throws Exception {
        Path old = jdk("old-17", "17.0.15", 17);
        String out = find(Map.of("JAVA_HOME", old.toString()));
        assertThat(out).startsWith("pushcap: no JDK 25 found (looked at $JAVA_HOME, java on PATH, " + tmp.resolve("jvm") + "/*).");
    }
}
