package io.pushcap.pipeline.retention;

import io.pushcap.config.KeepLimits;
import io.pushcap.sink.StoredOutput;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which files KeepFiles and KeepBytes delete: the oldest, never the newest. */
class RetentionPolicyTest {

    private static List<StoredOutput> files(long... sizes) {
        List<StoredOutput> out = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            out.add(new StoredOutput("f" + i + ".pcap", "/d/f" + i + ".pcap", sizes[i]));
        }
        return out;
    }

    private static List<String> names(List<StoredOutput> l) {
        return l.stream().map(StoredOutput::name).toList();
    }

    @Test
    void shouldDeleteNothingWhenNoLimitIsSet() {
        assertThat(RetentionPolicy.expired(files(1, 2, 3), KeepLimits.NONE)).isEmpty();
    }

    @Test
    void shouldDeleteTheOldestBeyondKeepFilesWhenThereAreMore() {
        assertThat(names(RetentionPolicy.expired(files(1, 1, 1, 1, 1), new KeepLimits(3, 0))))
                .containsExactly("f0.pcap", "f1.pcap");
        assertThat(RetentionPolicy.expired(files(1, 1, 1), new KeepLimits(3, 0))).isEmpty();
        assertThat(names(RetentionPolicy.expired(files(1, 1, 1), new KeepLimits(1, 0)))).containsExactly("f0.pcap", "f1.pcap");
    }

    @Test
    void shouldDeleteTheOldestUntilTheRestFitsWhenKeepBytesIsExceeded() {
        // 10 + 20 + 30 + 40 = 100; within 75 the newest 30 + 40 remain.
        assertThat(names(RetentionPolicy.expired(files(10, 20, 30, 40), new KeepLimits(0, 75))))
                .containsExactly("f0.pcap", "f1.pcap");
        assertThat(RetentionPolicy.expired(files(10, 20, 30, 40), new KeepLimits(0, 100))).isEmpty();
        assertThat(names(RetentionPolicy.expired(files(10, 20, 30, 40), new KeepLimits(0, 99)))).containsExactly("f0.pcap");
    }

    @Test
    void shouldKeepTheNewestWhenItAloneExceedsKeepBytes() {
        assertThat(names(RetentionPolicy.expired(files(10, 20, 500), new KeepLimits(0, 100))))
                .containsExactly("f0.pcap", "f1.pcap");
        assertThat(RetentionPolicy.expired(files(500), new KeepLimits(0, 100))).isEmpty();
        assertThat(RetentionPolicy.expired(List.of(), new KeepLimits(1, 1))).isEmpty();
    }

    @Test
    void shouldSatisfyBothLimitsWhenBothAreSet() {
        // KeepFiles 3 alone would delete f0 and f1; KeepBytes 60 also needs f2 gone.
        assertThat(names(RetentionPolicy.expired(files(10, 20, 30, 20, 40), new KeepLimits(3, 60))))
                .containsExactly("f0.pcap", "f1.pcap", "f2.pcap");
        // KeepBytes alone would delete nothing; KeepFiles 2 deletes the three oldest.
        assertThat(names(RetentionPolicy.expired(files(1, 1, 1, 1, 1), new KeepLimits(2, 1000))))
                .containsExactly("f0.pcap", "f1.pcap", "f2.pcap");
    }
}
