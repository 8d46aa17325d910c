package io.pushcap.service;

import io.pushcap.config.ServiceConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** serve.log through logback: dated text lines or JSON, rolled by size into gzip files, nothing lost. */
class ServiceLogTest {
    @TempDir
    Path dir;

    @Test
    void shouldWriteADatedLinePerEventWhenTheFormatIsText() throws IOException {
        ServiceLog log = new ServiceLog(dir);
        log.info("serve", "starting");
        log.warn("capture 'eth0'", "interface went down");
        log.error("schedule 'x'", "exit 3");
        log.close();
        List<String> lines = Files.readAllLines(dir.resolve("serve.log"));
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  serve: starting");
        assertThat(lines.get(1)).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  capture 'eth0': interface went down");
        assertThat(lines.get(2)).endsWith(" ERROR schedule 'x': exit 3").startsWith(LocalDate.now().toString());
        assertThat(log.recentProblems()).extracting(ServiceLog.Event::level).containsExactly("ERROR", "WARN");
    }

    @Test
    void shouldWriteOneJsonObjectPerLineWhenTheFormatIsJson() throws IOException {
        ServiceLog log = new ServiceLog(dir, new ServiceConfig.LogFile("json", 1 << 20, 3));
        log.warn("rings", "cannot mount \"ramfs\"");
        log.close();
        List<String> lines = Files.readAllLines(dir.resolve("serve.log"));
        assertThat(lines).hasSize(1);
        assertThat(lines.getFirst()).startsWith("{").endsWith("}").containsPattern("\"timestamp\":\\d{13}")
                .contains("\"level\":\"WARN\"").contains("\"loggerName\":\"serve\"")
                .contains("\"message\":\"rings: cannot mount \\\"ramfs\\\"\"");
    }

    @Test
    void shouldRollIntoGzipFilesKeepingEveryLineWhenTheFileOutgrowsMaxSize() throws IOException {
        ServiceLog log = new ServiceLog(dir, new ServiceConfig.LogFile("text", 4096, 3));
        int n = 400;
        for (int i = 0; i < n; i++) {
            log.info("serve", "line " + i + " " + "x".repeat(40));
        }
        log.close();
        StringBuilder all = new StringBuilder();
        List<Path> rolled;
        try (var s = Files.list(dir)) {
            rolled = s.filter(p -> p.getFileName().toString().matches("serve\\.\\d{4}-\\d\\d-\\d\\d\\.\\d+\\.log\\.gz")).sorted(
                    (a, b) -> Integer.compare(index(a), index(b))).toList();
        }
        assertThat(rolled).as("rolled files in %s", dir).hasSizeGreaterThan(3);
        for (Path p : rolled) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
                all.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        all.append(Files.readString(dir.resolve("serve.log")));
        List<String> lines = all.toString().lines().toList();
        assertThat(lines).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(lines.get(i)).contains(" INFO  serve: line " + i + " ");
        }
    }

    private static int index(Path p) {
        String[] parts = p.getFileName().toString().split("\\.");
        return Integer.parseInt(parts[2]);
    }
}
