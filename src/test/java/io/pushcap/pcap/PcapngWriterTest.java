package io.pushcap.pcap;

import io.pushcap.testing.Cmd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PcapngWriterTest {
    @TempDir
    Path dir;

    private static Packet packet(byte[] data, int wirelen, long ts, int linkType, int iface) {
        return new Packet().set(MemorySegment.ofArray(data), 0, data.length, wirelen, ts, linkType, iface);
    }

    private static byte[] write(int snaplen, Packet... packets) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapngWriter w = new PcapngWriter(out, snaplen)) {
            for (Packet p : packets) {
                assertThat(w.accepts(p.linkType())).isTrue();
                w.write(p);
            }
            assertThat(w.packetsWritten()).isEqualTo(packets.length);
        }
        return out.toByteArray();
    }

    @Test
    void shouldWriteOneInterfacePerLinkTypeAndKeepNanosecondsWhenPacketsMixLinkTypes() throws Exception {
        byte[] eth = new byte[60];
        eth[12] = 0x08;
        byte[] raw = {0x45, 0, 0, 20, 1, 2, 3};
        byte[] file = write(65535, packet(eth, 60, 1_700_000_000_123_456_789L, LinkType.ETHERNET, 0),
                packet(raw, 20, 1_700_000_001_000_000_001L, LinkType.RAW, 3),
                packet(eth, 1514, 1_700_000_002_000_000_002L, LinkType.ETHERNET, 0));
        List<String> seen = new ArrayList<>();
        try (CaptureReader r = CaptureFiles.open("mem", file)) {
            Packet p = new Packet();
            while (r.next(p)) {
                seen.add(p.timestampNanos() + "/" + p.caplen() + "/" + p.wirelen() + "/" + p.linkType() + "/"
                        + p.interfaceId() + "/" + HexFormat.of().formatHex(p.toByteArray()));
            }
            assertThat(((PcapngReader) r).interfaceCount()).isEqualTo(2);
        }
        assertThat(seen).containsExactly(
                "1700000000123456789/60/60/1/0/" + HexFormat.of().formatHex(eth),
                "1700000001000000001/7/20/101/1/45000014010203",
                "1700000002000000002/60/1514/1/0/" + HexFormat.of().formatHex(eth));

        Path f = dir.resolve("mixed.pcapng");
        Files.write(f, file);
        assertThat(Cmd.run("tshark", "-r", f.toString(), "-T", "fields", "-e", "frame.interface_id", "-e",
                "frame.cap_len", "-e", "frame.len", "-e", "frame.time_epoch").ok().lines())
                .containsExactly("0\t60\t60\t1700000000.123456789", "1\t7\t20\t1700000001.000000001",
                        "0\t60\t1514\t1700000002.000000002");
    }

    @Test
    void shouldWritePacketLargerThanItsBufferWhenCaplenExceedsOneMebibyte() throws Exception {
        byte[] big = new byte[(1 << 20) + 3];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 7);
        }
        // snaplen 0: no limit in pcapng, so D-Bus's 128 MiB maximum applies when it is read.
        byte[] file = write(0, packet(new byte[] {1}, 1, 5, 231, 0), packet(big, big.length, 6, 231, 0),
                packet(new byte[] {2}, 1, 7, 231, 0));
        try (CaptureReader r = CaptureFiles.open("mem", file)) {
            Packet p = new Packet();
            assertThat(r.next(p)).isTrue();
            assertThat(r.next(p)).isTrue();
            assertThat(p.caplen()).isEqualTo(big.length);
            assertThat(java.util.Arrays.equals(p.toByteArray(), big)).isTrue();
            assertThat(r.next(p)).isTrue();
            assertThat(p.u8(0)).isEqualTo(2);
            assertThat(r.next(p)).isFalse();
        }
    }
}
