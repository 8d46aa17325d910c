package io.pushcap.pipeline;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The manifest lists every published name once, with the content last published under it. */
class ManifestTest {
    @TempDir
    Path dir;

    private static ManifestEntry entry(String name, long packets) {
        return new ManifestEntry(name, 1, 2, packets, 100, 100, 0, 0, "00", 7);
    }

    private List<String> lines(Path f) throws Exception {
        return Files.readAllLines(f);
    }

    @Test
    void shouldListEachNameOnceWithLatestContentWhenAnInputIsPushedAgain() throws Exception {
        Path f = dir.resolve("m/t.jsonl");
        try (Manifest m = new Manifest(f)) {
            for (int i = 0; i < 5; i++) {
                m.append(entry("/out/f" + i, 10));
            }
        }
        for (int run = 1; run <= 3; run++) {
            try (Manifest m = new Manifest(f)) {
                for (int i = 0; i < 5; i++) {
                    m.append(entry("/out/f" + i, 10 + run));
                }
            }
        }
        List<String> l = lines(f);
        assertThat(l).hasSize(5);
        for (int i = 0; i < 5; i++) {
            assertThat(Manifest.nameIn(l.get(i))).isEqualTo("/out/f" + i);
            assertThat(l.get(i)).contains("\"packets\":13,");
        }
        assertThat(Files.exists(dir.resolve("m/t.jsonl.pending"))).isFalse();
    }

    @Test
    void shouldReplaceTheLastLineInPlaceWhenTheSameSplitIsProducedAgain() throws Exception {
        Path f = dir.resolve("t.jsonl");
        try (Manifest m = new Manifest(f)) {
            m.append(entry("/out/a", 1));
            m.append(entry("/out/b", 2));
            m.append(entry("/out/b", 3));
            // In place: visible at once, not only after compaction.
            assertThat(lines(f)).hasSize(2);
            assertThat(lines(f).get(1)).contains("\"packets\":3,");
        }
        try (Manifest m = new Manifest(f)) {
            m.append(entry("/out/b", 4));
        }
        assertThat(lines(f)).hasSize(2);
        assertThat(lines(f).get(1)).contains("\"name\":\"/out/b\"").contains("\"packets\":4,");
    }

    @Test
    void shouldCompactOnOpenWhenAKilledRunLeftDuplicatesAndATornLine() throws Exception {
        Path f = dir.resolve("t.jsonl");
        String a1 = entry("/out/a", 1).toJson();
        String b1 = entry("/out/b", 1).toJson();
        String a2 = entry("/out/a", 2).toJson();
        String torn = entry("/out/c", 1).toJson().substring(0, 20);
        Files.writeString(f, a1 + "\n" + b1 + "\n" + a2 + "\n" + torn);
        try (Manifest m = new Manifest(f)) {
            assertThat(lines(f)).containsExactly(b1, a2);
            m.append(entry("/out/c", 5));
        }
        assertThat(lines(f)).containsExactly(b1, a2, entry("/out/c", 5).toJson());
    }

    @Test
    void shouldCompactDuringARunWhenAsManyLinesAreStaleAsLive() throws Exception {
        Path f = dir.resolve("t.jsonl");
        try (Manifest m = new Manifest(f)) {
            for (int i = 0; i < 100; i++) {
                m.append(entry("/out/f" + i, 1));
            }
            for (int i = 0; i < 100; i++) {
                m.append(entry("/out/f" + i, 2));
            }
            // 100 stale lines for 100 names: compacted before close.
            assertThat(lines(f)).hasSize(100).allMatch(l -> l.contains("\"packets\":2,"));
            m.append(entry("/out/f100", 3));
            assertThat(lines(f)).hasSize(101);
        }
    }

    @Test
    void shouldFindRepeatedNamesWhenNamesDoNotGrow() throws Exception {
        Path f = dir.resolve("t.jsonl");
        try (Manifest m = new Manifest(f)) {
            m.append(entry("/out/c", 1));
            m.append(entry("/out/a", 1));
            m.append(entry("/out/b", 1));
            m.append(entry("/out/c", 2));
            m.append(entry("/out/a", 2));
            m.append(entry("/out/d", 1));
        }
        assertThat(lines(f)).containsExactly(entry("/out/b", 1).toJson(), entry("/out/c", 2).toJson(),
                entry("/out/a", 2).toJson(), entry("/out/d", 1).toJson());
    }

    @Test
    void shouldReadNamesWithEscapes() {
        assertThat(Manifest.nameIn(entry("/out/a \"q\" \\ b", 1).toJson())).isEqualTo("/out/a \"q\" \\ b");
        assertThat(Manifest.nameIn("{\"other\":1}")).isNull();
    }
}
