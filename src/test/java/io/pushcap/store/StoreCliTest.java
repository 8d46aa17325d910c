package io.pushcap.store;

import io.pushcap.PushcapException;
import io.pushcap.cli.Main;
import io.pushcap.pipeline.source.FileSetSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The store's command-line surface: option errors name the rule and the value; unknown sources say where we looked. */
class StoreCliTest {
    @TempDir
    Path dir;

    private static String[] run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        int rc = cl.execute(args);
        return new String[] {Integer.toString(rc), err.toString().strip()};
    }

    @Test
    void shouldRefuseRecordOptionsOutsideTheirRulesBeforeTouchingTheRing() {
        Path store = dir.resolve("store");
        assertThat(run("record", "nonexistent-ring", "--store", store.toString(), "--chunk-size", "10k"))
                .containsExactly("2", "pushcap record: --chunk-size '10k' (expected 64k to 1t)");
        assertThat(run("record", "r", "--store", store.toString(), "--max-bytes", "300m"))
                .containsExactly("2", "pushcap record: --max-bytes '300m' is less than two chunks of --chunk-size '256m'"
                        + " (retention deletes whole chunks and keeps the open one: lower --chunk-size)");
        assertThat(run("record", "r", "--store", store.toString(), "--chunk-time", "soon"))
                .containsExactly("2", "pushcap record: --chunk-time: 'soon' (expected a positive duration such as 60s,"
                        + " 100ms, 5m or 1h)");
        assertThat(run("record", "r", "--store", store.toString(), "--name", "../escape"))
                .containsExactly("2", "pushcap record: capture name '../escape' (expected letters, digits, '.', '_',"
                        + " '+' or '-', starting with a letter or digit, at most 128 characters)");
        assertThat(run("record", "r", "--store", store.toString(), "--flush-interval", "2m"))
                .containsExactly("2", "pushcap record: --flush-interval 2m is longer than --chunk-time 60s");
        assertThat(store).doesNotExist();
    }

    @Test
    void shouldNameTheStoreWhenAnOfflineSourceIsNeitherAFileNorACapture() {
        Path store = dir.resolve("store");
        assertThatThrownBy(() -> FileSetSource.expand(List.of(Path.of("capture1_20210521_0101")), store))
                .isInstanceOf(PushcapException.class)
                .hasMessage("capture1_20210521_0101: no such capture file, directory or capture name in " + store);
    }

    @Test
    void shouldSayTheStoreIsEmptyWhenListingNoCaptures() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream saved = System.out;
        try {
            System.setOut(new java.io.PrintStream(out, true));
            assertThat(Main.commandLine().execute("captures", "--store", dir.toString())).isZero();
        } finally {
            System.setOut(saved);
        }
        assertThat(out.toString().strip()).isEqualTo("no captures in " + dir);
    }
}
