package io.pushcap.pipeline.naming;

import io.pushcap.config.FileNameFormat;
import org.junit.jupiter.api.Test;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FileNameEncoderTest {
    static final long T = 1_621_849_860_000_000_000L; // 2021-05-24 09:51:00 UTC
    static final long MIN = 60_000_000_000L;

    @Test
    void shouldEncodeEpochStartEndLikeTheAppliance() {
        FileNameEncoder e = new FileNameEncoder(FileNameFormat.EPOCH_SEC_STARTEND, "/mnt/remote0/push/", ".pcap");
        assertThat(e.name(T, T + MIN)).isEqualTo("/mnt/remote0/push/1621849860-1621849920.pcap");
    }

    @Test
    void shouldEncodeEveryTimeStringFormat() {
        ZoneId tokyo = ZoneId.of("Asia/Tokyo");
        long t = T + 5_123_456_789L;
        assertThat(new FileNameEncoder(FileNameFormat.EPOCH_SEC, "p", ".pcap", tokyo).name(t, t)).isEqualTo("p1621849865.pcap");
        assertThat(new FileNameEncoder(FileNameFormat.TSTR_HHMM, "p", ".pcap", tokyo).name(t, t)).isEqualTo("p_20210524_0951.pcap");
        assertThat(new FileNameEncoder(FileNameFormat.TSTR_HHMMSS, "everything", ".pcap.gz", tokyo).name(t, t))
                .isEqualTo("everything_20210524_095105.pcap.gz");
        assertThat(new FileNameEncoder(FileNameFormat.TSTR_HHMMSS_TZ, "udp-10001", ".pcap", tokyo).name(t, t))
                .isEqualTo("udp-10001_20210524_185105+0900.pcap");
        assertThat(new FileNameEncoder(FileNameFormat.TSTR_HHMMSS_SUB, "m", ".pcap", tokyo).name(t, t))
                .isEqualTo("m_20210524_095105.123456789.pcap");
    }

    @Test
    void shouldNeverRepeatAndAlwaysSortInTimeOrderWhenSplitsShareASecond() {
        FileNameEncoder e = new FileNameEncoder(FileNameFormat.TSTR_HHMMSS, "x", ".pcap");
        List<String> names = new ArrayList<>();
        names.add(e.name(T, T));
        names.add(e.name(T + 10, T + 10));
        names.add(e.name(T + 20, T + 20));
        names.add(e.name(T + 1_000_000_000L, T + 1_000_000_000L));
        assertThat(names).containsExactly("x_20210524_095100.pcap", "x_20210524_095100_001.pcap",
                "x_20210524_095100_002.pcap", "x_20210524_095101.pcap");
        assertThat(names).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void shouldNeverRepeatWhenSuffixHasNoLeadingDotAndSplitsShareASecond() {
        // The seed's 1 GB example writes FileSuffix = "pcap.gz": "_001pcap.gz" sorts before
        // "pcap.gz", which used to leave no unique name ("no unique name after ...").
        FileNameEncoder e = new FileNameEncoder(FileNameFormat.TSTR_HHMMSS, "capture", "pcap.gz");
        List<String> names = new ArrayList<>();
        names.add(e.name(T, T));
        names.add(e.name(T + 10, T + 10));
        names.add(e.name(T + 20, T + 20));
        names.add(e.name(T + 1_000_000_000L, T + 1_000_000_000L));
        assertThat(names).containsExactly("capture_20210524_095100pcap.gz", "capture_20210524_095100_001pcap.gz",
                "capture_20210524_095100_002pcap.gz", "capture_20210524_095101pcap.gz");
        assertThat(names.stream().map(n -> n.substring(0, n.length() - "pcap.gz".length())).toList()).isSorted();
    }

    @Test
    void shouldContinueUniqueNamesAfterRestartWhenResumed() {
        FileNameEncoder first = new FileNameEncoder(FileNameFormat.EPOCH_SEC, "d/", ".pcap");
        String a = first.name(T, T);
        FileNameEncoder second = new FileNameEncoder(FileNameFormat.EPOCH_SEC, "d/", ".pcap");
        second.resumeAfter(a);
        assertThat(second.name(T, T)).isEqualTo("d/1621849860_001.pcap");
    }

    @Test
    void shouldPadEpochSecondsToTenDigitsSoThatNamesSortWhenTimesPrecede2001() {
        // tcpdump's test captures start at 86400 s, 33555600 s...: "172800-..." sorted before
        // "86400-..." and the next split failed with "no unique name after ...".
        long day = 86_400_000_000_000L;
        FileNameEncoder e = new FileNameEncoder(FileNameFormat.EPOCH_SEC_STARTEND, "d/", ".pcap");
        List<String> names = List.of(e.name(day, day + 60 * MIN), e.name(2 * day, 2 * day + 60 * MIN),
                e.name(T, T + MIN));
        assertThat(names).containsExactly("d/0000086400-0000090000.pcap", "d/0000172800-0000176400.pcap",
                "d/1621849860-1621849920.pcap").isSorted();
        assertThat(new FileNameEncoder(FileNameFormat.EPOCH_SEC, "d/", ".pcap").name(day, day)).isEqualTo("d/0000086400.pcap");
    }

    @Test
    void shouldNameAfterTheLastNameWhenTheClockSteppedBackAcrossARestart() {
        FileNameEncoder e = new FileNameEncoder(FileNameFormat.EPOCH_SEC_STARTEND, "d/", ".pcap");
        e.resumeAfter("d/1621849860-1621849920.pcap");
        String a = e.name(T - 60 * MIN, T - 59 * MIN);
        String b = e.name(T - 59 * MIN, T - 58 * MIN);
        assertThat(List.of("d/1621849860-1621849920.pcap", a, b)).containsExactly("d/1621849860-1621849920.pcap",
                "d/1621849860-1621849920_001.pcap", "d/1621849860-1621849920_002.pcap").isSorted();
    }

    @Test
    void shouldRenameSizeSplitWithItsEndWhenFormatCarriesEnd() {
        FileNameEncoder e = new FileNameEncoder(FileNameFormat.EPOCH_SEC_STARTEND, "s/", ".pcap");
        String before = e.lastName();
        String provisional = e.name(T, T);
        assertThat(provisional).isEqualTo("s/1621849860-1621849860.pcap");
        assertThat(e.rename(before, T, T + 2_500_000_000L)).isEqualTo("s/1621849860-1621849863.pcap");
        assertThat(e.namesEnd()).isTrue();
    }

    @Test
    void shouldStartNamesWithTheDateWhenPathIsADirectory() {
        ZoneId tokyo = ZoneId.of("Asia/Tokyo");
        long t = T + 5_123_456_789L;
        for (String dir : List.of("/mnt/push/", "s3://b/p/", "ftp://h/d/", "remote:", "remote:dir/", "")) {
            assertThat(new FileNameEncoder(FileNameFormat.TSTR_HHMM, dir, ".pcap", tokyo).name(t, t))
                    .isEqualTo(dir + "20210524_0951.pcap");
            assertThat(new FileNameEncoder(FileNameFormat.TSTR_HHMMSS, dir, ".pcap", tokyo).name(t, t))
                    .isEqualTo(dir + "20210524_095105.pcap");
            assertThat(new FileNameEncoder(FileNameFormat.TSTR_HHMMSS_TZ, dir, ".pcap", tokyo).name(t, t))
                    .isEqualTo(dir + "20210524_185105+0900.pcap");
            assertThat(new FileNameEncoder(FileNameFormat.TSTR_HHMMSS_SUB, dir, ".pcap", tokyo).name(t, t))
                    .isEqualTo(dir + "20210524_095105.123456789.pcap");
            assertThat(new FileNameEncoder(FileNameFormat.EPOCH_SEC, dir, ".pcap", tokyo).name(t, t))
                    .isEqualTo(dir + "1621849865.pcap");
            assertThat(new FileNameEncoder(FileNameFormat.EPOCH_SEC_STARTEND, dir, ".pcap", tokyo).name(t, t + MIN))
                    .isEqualTo(dir + "1621849865-1621849926.pcap");
        }
    }

    @Test
    void shouldSeparateTheDateFromAPrefixWhenPathIsAPrefix() {
        long t = T + 5_123_456_789L;
        assertThat(new FileNameEncoder(FileNameFormat.TSTR_HHMMSS, "/mnt/push/all-", ".pcap").name(t, t))
                .isEqualTo("/mnt/push/all-_20210524_095105.pcap");
        assertThat(new FileNameEncoder(FileNameFormat.EPOCH_SEC, "/mnt/push/all-", ".pcap").name(t, t))
                .isEqualTo("/mnt/push/all-1621849865.pcap");
    }

    @Test
    void shouldContinueAfterAnOldUnderscoreNameWhenResumedInADirectory() {
        FileNameEncoder e = new FileNameEncoder(FileNameFormat.TSTR_HHMMSS, "/d/", ".pcap");
        e.resumeAfter("/d/_20210524_095100.pcap");
        assertThat(e.name(T + MIN, T + 2 * MIN)).isEqualTo("/d/20210524_095200.pcap");
    }

    @Test
    void shouldMatchItsOwnNamesOnlyWhenRetentionLooksForThem() {
        ZoneId tokyo = ZoneId.of("Asia/Tokyo");
        for (FileNameFormat f : FileNameFormat.values()) {
            for (String prefix : List.of("/d/", "/d/tcp", "rel")) {
                FileNameEncoder e = new FileNameEncoder(f, prefix, ".pcap.zst", tokyo);
                java.util.regex.Pattern own = e.ownNames();
                List<String> names = List.of(e.name(T, T + MIN), e.name(T, T + MIN), e.name(T + MIN, T + 2 * MIN));
                for (String n : names) {
                    assertThat(n).as(f + " " + prefix).startsWith(e.directory());
                    String rest = n.substring(e.directory().length());
                    assertThat(own.matcher(rest).matches()).as(f + " " + prefix + ": " + rest).isTrue();
                    assertThat(own.matcher(rest + ".pending").matches()).as(rest + ".pending").isFalse();
                    assertThat(own.matcher(rest.replace(".pcap.zst", ".pcap")).matches()).as("other suffix").isFalse();
                    assertThat(own.matcher("x" + rest).matches()).as("other prefix").isFalse();
                }
                assertThat(names.stream().sorted(java.util.Comparator.comparing(
                        (String n) -> n.substring(e.directory().length()), e.oldestFirst())).toList())
                        .as("oldest first is the order they were given").isEqualTo(names);
                assertThat(own.matcher("notes.txt").matches()).isFalse();
            }
        }
        assertThat(new FileNameEncoder(FileNameFormat.TSTR_HHMMSS, "/d/tcp", ".pcap").directory()).isEqualTo("/d/");
        assertThat(new FileNameEncoder(FileNameFormat.TSTR_HHMMSS, "s3://b/p/", ".pcap").directory()).isEqualTo("s3://b/p/");
        assertThat(new FileNameEncoder(FileNameFormat.TSTR_HHMMSS, "tcp", ".pcap").directory()).isEmpty();
    }
}
