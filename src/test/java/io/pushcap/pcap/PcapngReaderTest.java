package io.pushcap.pcap;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PcapngReaderTest {

    /** Builds pcapng blocks in one byte order. */
    static final class Ng {
        private final ByteBuffer b = ByteBuffer.allocate(4096);

        Ng(ByteOrder order) {
            b.order(order);
        }

        Ng shb() {
            b.putInt(0x0A0D0D0A).putInt(28).putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0)
                    .putLong(-1L).putInt(28);
            return this;
        }

        Ng idb(int linkType, int snaplen, int tsresol) {
            boolean opt = tsresol >= 0;
            int len = 20 + (opt ? 8 + 4 : 0);
            b.putInt(1).putInt(len).putShort((short) linkType).putShort((short) 0).putInt(snaplen);
            if (opt) {
                b.putShort((short) 9).putShort((short) 1).put((byte) tsresol).put(new byte[3]);
                b.putShort((short) 0).putShort((short) 0);
            }
            b.putInt(len);
            return this;
        }

        Ng epb(int iface, long units, byte[] data, int wirelen) {
            int padded = (data.length + 3) & ~3;
            int len = 32 + padded;
            b.putInt(6).putInt(len).putInt(iface).putInt((int) (units >>> 32)).putInt((int) units)
                    .putInt(data.length).putInt(wirelen).put(data).put(new byte[padded - data.length]).putInt(len);
            return this;
        }

        Ng spb(byte[] data) {
            int padded = (data.length + 3) & ~3;
            int len = 16 + padded;
            b.putInt(3).putInt(len).putInt(data.length).put(data).put(new byte[padded - data.length]).putInt(len);
            return this;
        }

        Ng unknown(int type) {
            b.putInt(type).putInt(16).putInt(0xdeadbeef).putInt(16);
            return this;
        }

        byte[] bytes() {
            byte[] out = new byte[b.position()];
            b.duplicate().flip().get(out);
            return out;
        }
    }

    static byte[] concat(byte[]... parts) {
        ByteBuffer b = ByteBuffer.allocate(java.util.Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    @Test
    void shouldConvertEachInterfaceResolutionWhenInterfacesDiffer() throws Exception {
        byte[] file = new Ng(ByteOrder.LITTLE_ENDIAN).shb()
                .idb(1, 65535, -1)           // default microseconds
                .idb(101, 1500, 9)           // nanoseconds
                .idb(1, 0, 0x80 | 20)        // 2^-20 seconds
                .epb(0, 1_000_000L, new byte[] {1, 2, 3}, 60)
                .unknown(0x00000BAD)
                .epb(1, 5_000_000_123L, new byte[] {4}, 4)
                .epb(2, 3L << 20 | 1L << 19, new byte[] {5, 6, 7, 8, 9}, 5)
                .bytes();
        assertThat(read(file)).containsExactly(
                "1000000000/3/60/1/0/010203",
                "5000000123/1/4/101/1/04",
                "3500000000/5/5/1/2/0506070809");
    }

    @Test
    void shouldHonourEachSectionsByteOrderWhenSectionsAreConcatenated() throws Exception {
        byte[] le = new Ng(ByteOrder.LITTLE_ENDIAN).shb().idb(1, 0, 9).epb(0, 7, new byte[] {1}, 1).bytes();
        byte[] be = new Ng(ByteOrder.BIG_ENDIAN).shb().idb(101, 0, 6).epb(0, 8, new byte[] {2, 3}, 2).bytes();
        assertThat(read(concat(le, be))).containsExactly("7/1/1/1/0/01", "8000/2/2/101/0/0203");
    }

    @Test
    void shouldCutEnhancedPacketToInterfaceSnaplenWhenCaplenIsLonger() throws Exception {
        byte[] file = new Ng(ByteOrder.LITTLE_ENDIAN).shb().idb(1, 2, 9).idb(101, 0, 9)
                .epb(0, 1, new byte[] {1, 2, 3}, 3).epb(1, 2, new byte[] {4, 5, 6}, 3).bytes();
        assertThat(read(file)).containsExactly("1/2/3/1/0/0102", "2/3/3/101/1/040506");
    }

    @Test
    void shouldReportDamageWhenEnhancedPacketExceedsLinkTypeMaximum() {
        byte[] file = new Ng(ByteOrder.LITTLE_ENDIAN).shb().idb(1, 0, 9).epb(0, 1, new byte[] {1}, 1).bytes();
        byte[] big = new byte[262_148];
        ByteBuffer b = ByteBuffer.allocate(file.length + 32 + big.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(file).putInt(6).putInt(32 + big.length).putInt(0).putInt(0).putInt(2).putInt(262_145).putInt(262_145)
                .put(big).putInt(32 + big.length);
        assertThatThrownBy(() -> read(b.array())).isInstanceOf(CorruptCaptureException.class)
                .hasMessageContaining("262145 exceeds the maximum 262144");
    }

    @Test
    void shouldTruncateSimplePacketToSnaplenWhenOriginalIsLonger() throws Exception {
        byte[] file = new Ng(ByteOrder.LITTLE_ENDIAN).shb().idb(1, 2, -1).spb(new byte[] {1, 2, 3}).bytes();
        assertThat(read(file)).containsExactly("0/2/3/1/0/0102");
    }

    @Test
    void shouldReadSameRecordsFromTrickleStream() throws Exception {
        byte[] file = new Ng(ByteOrder.BIG_ENDIAN).shb().idb(1, 0, 9).epb(0, 1, new byte[] {1, 2, 3, 4, 5}, 5)
                .unknown(77).epb(0, 2, new byte[] {6}, 6).bytes();
        List<String> out = new ArrayList<>();
        try (CaptureReader r = CaptureFiles.open("t", new PcapReaderTest.Trickle(new ByteArrayInputStream(file), 5))) {
            Packet p = new Packet();
            while (r.next(p)) {
                out.add(PcapReaderTest.describe(p) .replace("/0/", "/0/"));
            }
        }
        assertThat(out).containsExactly("1/5/5/1/0102030405", "2/1/6/1/06");
    }

    @Test
    void shouldRefuseInterfaceThatWasNeverDescribed() {
        byte[] file = new Ng(ByteOrder.LITTLE_ENDIAN).shb().idb(1, 0, -1).epb(3, 1, new byte[] {1}, 1).bytes();
        assertThatThrownBy(() -> read(file)).isInstanceOf(CorruptCaptureException.class)
                .hasMessageContaining("packet refers to interface 3 but the section has 1");
    }

    @Test
    void shouldRefuseMismatchedTrailerLength() {
        byte[] file = new Ng(ByteOrder.LITTLE_ENDIAN).shb().idb(1, 0, -1).epb(0, 1, new byte[] {1}, 1).bytes();
        file[file.length - 4] = 99;
        assertThatThrownBy(() -> read(file)).isInstanceOf(CorruptCaptureException.class)
                .hasMessageContaining("block trailer length 99 does not match header length 36");
    }

    @Test
    void shouldReportTruncatedBlockWithOffset() {
        byte[] full = new Ng(ByteOrder.LITTLE_ENDIAN).shb().idb(1, 0, -1).epb(0, 1, new byte[] {1}, 1).bytes();
        byte[] cut = java.util.Arrays.copyOf(full, full.length - 2);
        assertThatThrownBy(() -> read(cut)).isInstanceOf(CorruptCaptureException.class)
                .hasMessage("mem: truncated block: type 0x6 says 36 bytes, 34 remain at byte offset 48 (after 0 records)");
    }

    @Test
    void shouldRefuseCaptureLengthOverrunningItsBlock() {
        byte[] file = new Ng(ByteOrder.LITTLE_ENDIAN).shb().idb(1, 0, -1).epb(0, 1, new byte[] {1}, 1).bytes();
        file[48 + 20] = 100;
        assertThatThrownBy(() -> read(file)).hasMessageContaining("packet captured length 100 overruns its 36-byte block");
    }

    static List<String> read(byte[] file) throws Exception {
        List<String> out = new ArrayList<>();
        try (CaptureReader r = CaptureFiles.open("mem", file)) {
            Packet p = new Packet();
            while (r.next(p)) {
                out.add(p.timestampNanos() + "/" + p.caplen() + "/" + p.wirelen() + "/" + p.linkType() + "/"
                        + p.interfaceId() + "/" + java.util.HexFormat.of().formatHex(p.toByteArray()));
            }
        }
        return out;
    }
}
