package io.pushcap.packaging;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Dockerfile, checked without a Docker engine (none runs here, and no Dockerfile linter is
 * installed): every COPY from the build context names a file or directory of this checkout, the
 * build stage is Maven on JDK 25, the runtime a Java 25 JRE with libpcap, and the entry point is
 * the packaged launcher, which never builds nor installs.
 */
class DockerfileTest {
    private static final Path HOME = Path.of(System.getProperty("pushcap.home", "."));

    /** The Dockerfile's instructions, continuation lines joined, comments dropped. */
    static List<String> instructions() throws IOException {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String line : Files.readAllLines(HOME.resolve("Dockerfile"))) {
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            if (line.endsWith("\\")) {
                cur.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            cur.append(line);
            out.add(cur.toString().strip());
            cur.setLength(0);
        }
        return out;
    }

    @Test
    void shouldNameOnlyExistingSourcesWhenCopyingFromTheBuildContext() throws IOException {
        List<String> copies = instructions().stream().filter(i -> i.startsWith("COPY ") && !i.contains("--from=")).toList();
        assertThat(copies).hasSizeGreaterThan(5);
        for (String copy : copies) {
            List<String> words = Arrays.asList(copy.split("\\s+"));
            for (String src : words.subList(1, words.size() - 1)) {
                assertThat(HOME.resolve(src)).as("source %s of '%s'", src, copy).exists();
            }
        }
    }

    @Test
    void shouldBuildWithMavenOnJdk25AndRunOnAJre25WithLibpcapWhenStagesAreRead() throws IOException {
        List<String> ins = instructions();
        List<String> froms = ins.stream().filter(i -> i.startsWith("FROM ")).toList();
        assertThat(froms).containsExactly("FROM maven:3.9-eclipse-temurin-25 AS build", "FROM eclipse-temurin:25-jre");
        assertThat(ins).anyMatch(i -> i.startsWith("RUN mvn ") && i.contains(" package"));
        assertThat(ins).anyMatch(i -> i.startsWith("RUN apt-get update") && i.contains("libpcap0.8"));
        assertThat(ins).contains("ENTRYPOINT [\"/usr/lib/pushcap/bin/pushcap\"]");
        String launcher = Files.readString(HOME.resolve("src/main/packaging/bin/pushcap"));
        assertThat(launcher).doesNotContain("mvn ").doesNotContain("apt-get install -y").doesNotContain("pushcap_build_if_stale");
        // COPY --from=build sources are what `mvn package` leaves in target/.
        assertThat(ins).filteredOn(i -> i.contains("--from=build"))
                .allSatisfy(i -> assertThat(i).containsPattern("/src/target/(pushcap\\.jar|lib) "));
    }

    @Test
    void shouldKeepBuildOutputOutOfTheContextWhenDockerignoreIsRead() throws IOException {
        assertThat(Files.readAllLines(HOME.resolve(".dockerignore"))).contains("target", ".git");
    }
}
