package io.pushcap.pipeline.source;

import io.pushcap.pcap.Packet;
import io.pushcap.pipeline.SourcePosition;
import io.pushcap.testsupport.CraftedCaptures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FileSetSourceDamageTest {
    @TempDir
    Path dir;

    private static int drain(FileSetSource s) throws Exception {
        Packet p = new Packet();
        int n = 0;
        while (s.next(p)) {
            n++;
        }
        return n;
    }

    @Test
    void shouldReturnWholePacketsThenGoOnWithNextFileWhenAFileIsTruncated() throws Exception {
        Path whole = CraftedCaptures.ethernet(dir.resolve("a.pcap"), 20, 3);
        List<Long> offsets = CraftedCaptures.pcapRecordOffsets(whole);
        Path cut = CraftedCaptures.truncate(whole, offsets.get(12) + 20, dir.resolve("cut.pcap"));
        Path next = CraftedCaptures.ethernet(dir.resolve("b.pcap"), 7, 4);
        try (FileSetSource s = FileSetSource.open(List.of(cut, next))) {
            assertThat(drain(s)).isEqualTo(12 + 7);
            assertThat(s.ended()).isTrue();
            assertThat(s.damage()).singleElement().asString()
                    .contains(cut.toString(), "truncated record", "at byte offset " + offsets.get(12), "after 12 records");
        }
    }

    @Test
    void shouldNameTheDamageOnceWhenARetryReadsTheFileAgain() throws Exception {
        Path whole = CraftedCaptures.ethernet(dir.resolve("a.pcap"), 20, 3);
        List<Long> offsets = CraftedCaptures.pcapRecordOffsets(whole);
        Path absurd = CraftedCaptures.patchInt(whole, offsets.get(5) + 8, 0x7fffffff, dir.resolve("absurd.pcap"));
        try (FileSetSource s = FileSetSource.open(List.of(absurd))) {
            assertThat(drain(s)).isEqualTo(5);
            s.seek(new SourcePosition(0, offsets.get(2), 0));
            assertThat(drain(s)).isEqualTo(3);
            assertThat(s.damage()).singleElement().asString().contains("exceeds the maximum 262144",
                    "at byte offset " + offsets.get(5));
        }
    }
}
