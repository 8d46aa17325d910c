package io.pushcap.pcap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Capture files are read with positional reads into a 4 MiB buffer ({@link InputWindow#read}):
 * a file several buffers long reads exactly as the same bytes in memory, a seek back outside the
 * buffer (a retried split, a saved cursor) reads the same records again, and bytes appended after
 * the file was opened are not read (the size at open is the end, as a mapping's was).
 */
class InputWindowReadTest {
    @TempDir
    Path dir;

    /** ~10.5 MB: 7000 records of 1..3000 bytes, so records straddle the 4 MiB buffer's refills. */
    private static byte[] capture() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Random random = new Random(7);
        try (PcapWriter w = new PcapWriter(bytes, 1, 65_535, TimestampPrecision.NANO)) {
            for (int i = 0; i < 7000; i++) {
                byte[] frame = new byte[1 + random.nextInt(3000)];
                random.nextBytes(frame);
                w.write(1_700_000_000_000_000_000L + i * 1_000L, frame.length + 4, MemorySegment.ofArray(frame), 0, frame.length);
            }
        }
        return bytes.toByteArray();
    }

    @Test
    void shouldReadTheSameRecordsAsInMemoryWhenTheFileSpansSeveralBuffers() throws Exception {
        byte[] bytes = capture();
        assertThat(bytes.length).isGreaterThan(2 * (4 << 20));
        Path file = Files.write(dir.resolve("in.pcap"), bytes);
        try (CaptureReader r = CaptureFiles.open(file)) {
            assertThat(r.sizeHint()).isEqualTo(bytes.length);
            assertThat(all(r)).isEqualTo(PcapReaderTest.readAll(bytes));
        }
    }

    @Test
    void shouldReadTheSameRecordsAgainWhenSeekingBackOutsideTheBuffer() throws Exception {
        byte[] bytes = capture();
        Path file = Files.write(dir.resolve("in.pcap"), bytes);
        List<String> expected = PcapReaderTest.readAll(bytes);
        try (CaptureReader cr = CaptureFiles.open(file)) {
            PcapReader r = (PcapReader) cr;
            Packet p = new Packet();
            for (int i = 0; i < 100; i++) {
                r.next(p);
            }
            long offset = r.bytesRead();
            while (r.next(p)) {
                // read to the end: the record at offset is now far behind the buffer
            }
            r.seek(offset, 100);
            assertThat(r.bytesRead()).isEqualTo(offset);
            assertThat(all(r)).isEqualTo(expected.subList(100, expected.size()));
            r.seek(PcapDescriptor.FILE_HEADER_LENGTH, 0);
            assertThat(all(r)).isEqualTo(expected);
        }
    }

    @Test
    void shouldStopAtTheSizeSeenWhenOpenedWhenTheFileGrowsAfterwards() throws Exception {
        byte[] bytes = capture();
        Path file = Files.write(dir.resolve("in.pcap"), bytes);
        try (CaptureReader r = CaptureFiles.open(file)) {
            Files.write(file, new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17},
                    StandardOpenOption.APPEND);
            assertThat(all(r)).hasSize(7000);
        }
    }

    private static List<String> all(CaptureReader r) throws IOException {
        List<String> out = new ArrayList<>();
        Packet p = new Packet();
        while (r.next(p)) {
            out.add(PcapReaderTest.describe(p));
        }
        return out;
    }
}
