package io.pushcap.pcap;

import io.pushcap.testing.Cmd;
import io.pushcap.testing.Frames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PcapWriterTest {
    @TempDir
    Path dir;

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void shouldWriteGoldenNanosecondBytesWhenTwoPacketsAreWritten() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(out, LinkType.ETHERNET, 65535, TimestampPrecision.NANO)) {
            w.write(1_700_000_000_123_456_789L, 4, MemorySegment.ofArray(new byte[] {1, 2, 3, 4}), 0, 4);
            w.write(1_700_000_001_000_000_001L, 60, MemorySegment.ofArray(new byte[] {9, 8}), 0, 2);
        }
        String expected = ""
                + "4d3cb2a1" + "0200" + "0400" + "00000000" + "00000000" + "ffff0000" + "01000000"
                + "00f15365" + "15cd5b07" + "04000000" + "04000000" + "01020304"
                + "01f15365" + "01000000" + "02000000" + "3c000000" + "0908";
        assertThat(HEX.formatHex(out.toByteArray())).isEqualTo(expected);
    }

    @Test
    void shouldWriteGoldenMicrosecondBytesWhenMicroPrecisionIsAsked() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(out, LinkType.RAW, 1500, TimestampPrecision.MICRO)) {
            w.write(1_700_000_000_123_456_789L, 1, MemorySegment.ofArray(new byte[] {0x45}), 0, 1);
        }
        String expected = "d4c3b2a1" + "0200" + "0400" + "00000000" + "00000000" + "dc050000" + "65000000"
                + "00f15365" + "40e20100" + "01000000" + "01000000" + "45";
        assertThat(HEX.formatHex(out.toByteArray())).isEqualTo(expected);
    }

    @Test
    void shouldProduceFileTcpdumpAndCapinfosAcceptWhenManyPacketsSpanBufferFlushes() throws Exception {
        Path file = dir.resolve("many.pcap");
        int n = 5000;
        try (PcapWriter w = PcapWriter.create(file, LinkType.ETHERNET, 262144, TimestampPrecision.NANO)) {
            for (int i = 0; i < n; i++) {
                byte[] f = Frames.udp(0x0a000001, 0x0a000002, 1000 + (i % 7), 9999, i % 1400, i);
                w.write(1_700_000_000_000_000_000L + i * 1_001L, f.length, MemorySegment.ofArray(f), 0, f.length);
            }
            assertThat(w.packetsWritten()).isEqualTo(n);
        }
        assertThat(Cmd.capinfosPackets(file)).isEqualTo(n);
        List<String> lines = Cmd.tcpdump(file, "--nano", "-tt");
        assertThat(lines).hasSize(n);
        assertThat(lines.get(1)).startsWith("1700000000.000001001 IP 10.0.0.1.1001 > 10.0.0.2.9999: UDP, length 1");
        assertThat(Files.size(file)).isEqualTo(24L + n * 16L + sumFrames(n));
    }

    @Test
    void shouldWriteRecordLargerThanBufferWhenPacketExceedsOneMebibyte() throws Exception {
        Path file = dir.resolve("big.pcap");
        byte[] big = new byte[3 << 20];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }
        // D-Bus (231): the one common link type whose records libpcap reads beyond 262144 bytes.
        try (PcapWriter w = PcapWriter.create(file, 231, 4 << 20, TimestampPrecision.NANO)) {
            w.write(5, 4, MemorySegment.ofArray(new byte[] {1, 2, 3, 4}), 0, 4);
            w.write(6, big.length, MemorySegment.ofArray(big), 0, big.length);
            w.write(7, 1, MemorySegment.ofArray(new byte[] {7}), 0, 1);
        }
        try (CaptureReader r = CaptureFiles.open(file)) {
            Packet p = new Packet();
            assertThat(r.next(p)).isTrue();
            assertThat(r.next(p)).isTrue();
            assertThat(p.toByteArray()).isEqualTo(big);
            assertThat(p.timestampNanos()).isEqualTo(6);
            assertThat(r.next(p)).isTrue();
            assertThat(p.u8(0)).isEqualTo(7);
            assertThat(r.next(p)).isFalse();
        }
    }

    private static long sumFrames(int n) {
        long s = 0;
        for (int i = 0; i < n; i++) {
            s += 42 + (i % 1400);
        }
        return s;
    }
}
