package io.pushcap.pcap;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PcapReaderTest {
    private static final HexFormat HEX = HexFormat.of();

    /** Big-endian, microsecond file with two records, linktype 101 (RAW), snaplen 96. */
    static final byte[] BIG_ENDIAN_MICROS = HEX.parseHex(""
            + "a1b2c3d4" + "0002" + "0004" + "00000000" + "00000000" + "00000060" + "00000065"
            + "5a000001" + "000f423f" + "00000003" + "00000005" + "aabbcc"
            + "5a000002" + "00000000" + "00000001" + "00000001" + "dd");

    /** Little-endian, nanosecond file with one record and FCS bits set above the link type. */
    static final byte[] LITTLE_ENDIAN_NANOS = HEX.parseHex(""
            + "4d3cb2a1" + "0200" + "0400" + "00000000" + "00000000" + "00000400" + "01000010"
            + "01000000" + "ffc99a3b" + "02000000" + "02000000" + "0102");

    @Test
    void shouldReadBigEndianMicrosecondFileWhenMagicIsSwapped() throws Exception {
        List<String> seen = readAll(BIG_ENDIAN_MICROS);
        assertThat(seen).containsExactly("1509949441999999000/3/5/101/aabbcc", "1509949442000000000/1/1/101/dd");
        try (CaptureReader r = CaptureFiles.open("be", BIG_ENDIAN_MICROS)) {
            assertThat(r.snaplen()).isEqualTo(96);
            assertThat(r.format()).isEqualTo("pcap (us)");
        }
    }

    @Test
    void shouldReadNanosecondsAndMaskFcsBitsWhenLinkTypeFieldCarriesThem() throws Exception {
        assertThat(readAll(LITTLE_ENDIAN_NANOS)).containsExactly("1999999999/2/2/1/0102");
    }

    @Test
    void shouldReadSameRecordsWhenStreamDeliversFewBytesAtATime() throws Exception {
        byte[] file = BIG_ENDIAN_MICROS;
        List<String> viaStream = new ArrayList<>();
        try (CaptureReader r = CaptureFiles.open("trickle", new Trickle(new ByteArrayInputStream(file), 3))) {
            Packet p = new Packet();
            while (r.next(p)) {
                viaStream.add(describe(p));
            }
        }
        assertThat(viaStream).isEqualTo(readAll(file));
    }

    @Test
    void shouldRefuseUnknownMagicWithOffsetAndCount() {
        byte[] bad = BIG_ENDIAN_MICROS.clone();
        bad[0] = 0x11;
        assertThatThrownBy(() -> readAll(bad)).isInstanceOf(CorruptCaptureException.class)
                .hasMessage("mem: unknown pcap magic 0x11b2c3d4 (expected a1b2c3d4 or a1b23c4d) at byte offset 0 (after 0 records)");
    }

    @Test
    void shouldReportTruncatedRecordWhenDataEndsEarly() {
        byte[] cut = java.util.Arrays.copyOf(BIG_ENDIAN_MICROS, BIG_ENDIAN_MICROS.length - 1);
        assertThatThrownBy(() -> readAll(cut)).isInstanceOf(CorruptCaptureException.class)
                .hasMessage("mem: truncated record: header says 1 bytes of data, 0 remain at byte offset 43 (after 1 records)");
    }

    @Test
    void shouldReportTruncatedHeaderWhenFewerThanSixteenBytesRemain() {
        byte[] cut = java.util.Arrays.copyOf(BIG_ENDIAN_MICROS, 24 + 16 + 3 + 5);
        assertThatThrownBy(() -> readAll(cut)).isInstanceOf(CorruptCaptureException.class)
                .hasMessage("mem: truncated record header: 5 of 16 bytes at byte offset 43 (after 1 records)");
    }

    @Test
    void shouldRefuseCaptureLengthBeyondLimitWhenHeaderLies() {
        byte[] lying = BIG_ENDIAN_MICROS.clone();
        lying[24 + 8] = 0x7f;
        assertThatThrownBy(() -> readAll(lying)).isInstanceOf(CorruptCaptureException.class)
                .hasMessageContaining("record captured length 2130706435 exceeds the maximum 262144");
    }

    @Test
    void shouldRefuseEmptyAndTinyFilesClearly() {
        assertThatThrownBy(() -> readAll(new byte[0])).hasMessageContaining("empty file, not a pcap or pcapng capture");
        assertThatThrownBy(() -> readAll(new byte[] {(byte) 0xd4, (byte) 0xc3, (byte) 0xb2, (byte) 0xa1, 2, 0}))
                .hasMessageContaining("file header is 6 bytes, expected 24");
    }

    @Test
    void shouldRefuseKuznetzovFormatByName() {
        byte[] k = BIG_ENDIAN_MICROS.clone();
        k[2] = (byte) 0xcd;
        k[3] = 0x34;
        assertThatThrownBy(() -> readAll(k)).hasMessageContaining("modified (Kuznetzov) pcap format is not supported");
    }

    /** Little-endian micro file, snaplen 4, Ethernet: records of 2, 6 (longer than snaplen) and 1 bytes. */
    static final byte[] LONGER_THAN_SNAPLEN = HEX.parseHex(""
            + "d4c3b2a1" + "0200" + "0400" + "00000000" + "00000000" + "04000000" + "01000000"
            + "01000000" + "00000000" + "02000000" + "02000000" + "0102"
            + "02000000" + "00000000" + "06000000" + "08000000" + "a1a2a3a4a5a6"
            + "03000000" + "00000000" + "01000000" + "01000000" + "ff");

    @Test
    void shouldCutRecordToSnaplenAndSkipItsRestWhenCaplenExceedsSnaplen() throws Exception {
        // tcpdump -r reads this file as 2/2, 4/8 (a1a2a3a4) and 1/1: libpcap cuts to the snaplen.
        assertThat(readAll(LONGER_THAN_SNAPLEN)).containsExactly("1000000000/2/2/1/0102",
                "2000000000/4/8/1/a1a2a3a4", "3000000000/1/1/1/ff");
    }

    @Test
    void shouldReadWithLibpcapMaximumWhenHeaderSnaplenIsZero() throws Exception {
        byte[] f = LONGER_THAN_SNAPLEN.clone();
        f[16] = 0;
        try (CaptureReader r = CaptureFiles.open("snap0", f)) {
            assertThat(r.snaplen()).isEqualTo(262_144);
        }
        assertThat(readAll(f)).contains("2000000000/6/8/1/a1a2a3a4a5a6");
    }

    @Test
    void shouldReportDamageWhenCaplenExceedsLinkTypeMaximum() {
        byte[] f = LONGER_THAN_SNAPLEN.clone();
        f[16] = 0;
        // Second record claims 300000 bytes: libpcap stops there ("invalid packet capture length").
        java.nio.ByteBuffer.wrap(f).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(24 + 16 + 2 + 8, 300_000);
        assertThatThrownBy(() -> readAll(f)).isInstanceOf(CorruptCaptureException.class)
                .hasMessageContaining("300000 exceeds the maximum 262144").hasMessageContaining("at byte offset 42");
    }

    static List<String> readAll(byte[] file) throws IOException {
        List<String> out = new ArrayList<>();
        try (CaptureReader r = CaptureFiles.open("mem", file)) {
            Packet p = new Packet();
            while (r.next(p)) {
                out.add(describe(p));
            }
        }
        return out;
    }

    static String describe(Packet p) {
        return p.timestampNanos() + "/" + p.caplen() + "/" + p.wirelen() + "/" + p.linkType() + "/"
                + HEX.formatHex(p.toByteArray());
    }

    /** Returns at most {@code max} bytes per read, like a slow pipe. */
    static final class Trickle extends FilterInputStream {
        private final int max;

        Trickle(InputStream in, int max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, max));
        }
    }
}
