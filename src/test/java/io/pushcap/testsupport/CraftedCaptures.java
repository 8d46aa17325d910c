package io.pushcap.testsupport;

import io.pushcap.pcap.CaptureFiles;
import io.pushcap.pcap.CaptureReader;
import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.Packet;
import io.pushcap.pcap.PcapWriter;
import io.pushcap.pcap.TimestampPrecision;
import io.pushcap.synth.Mix;
import io.pushcap.synth.TrafficGenerator;
import io.pushcap.testing.Cmd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Small captures built for one test: generated Ethernet traffic, the same traffic as raw IP
 * (LINKTYPE 101), damaged copies, and what tcpdump reads of them (the judge).
 *
 * <p><b>Note:</b> stateless; every method writes only the files it is given.
 */
public final class CraftedCaptures {
    private CraftedCaptures() {
    }

    /** {@code packets} packets of plain TCP/UDP Ethernet traffic at 1000 packets per second. */
    public static Path ethernet(Path file, int packets, long seed) throws IOException {
        TrafficGenerator.builder().mix(Mix.PLAIN).seed(seed).packets(packets).pps(1000).flows(20)
                .startNanos(1_700_000_000_000_000_000L + seed * 1_000_000L).write(file);
        return file;
    }

    /** The IPv4 and IPv6 packets of an Ethernet capture without their Ethernet header, as LINKTYPE_RAW. */
    public static Path rawIp(Path ethernet, Path out) throws IOException {
        try (CaptureReader r = CaptureFiles.open(ethernet);
             PcapWriter w = PcapWriter.create(out, LinkType.RAW, 65535, TimestampPrecision.NANO)) {
            Packet p = new Packet();
            while (r.next(p)) {
                int type = p.u16(12);
                if (p.caplen() > 14 && (type == 0x0800 || type == 0x86dd)) {
                    w.write(p.timestampNanos(), p.wirelen() - 14, p.segment(), p.offset() + 14, p.caplen() - 14);
                }
            }
        }
        return out;
    }

    /** What tcpdump prints of a file, packet bytes included (-xx), up to any damage; never fails on it. */
    public static List<String> tcpdumpRecords(Path file, String... filter) {
        List<String> cmd = new ArrayList<>(List.of("tcpdump", "-r", file.toString(), "-nn", "-S", "--nano", "-tt", "-xx"));
        cmd.addAll(Arrays.asList(filter));
        return Cmd.run(null, 120, cmd).lines();
    }

    /** tcpdump's stderr for a file (its complaint about damage, if any). */
    public static String tcpdumpErrors(Path file) {
        return Cmd.run(null, 120, List.of("tcpdump", "-r", file.toString(), "-nn", "-w", "/dev/null")).stderr();
    }

    /** How many packets tcpdump reads from a file before its damage. */
    public static long tcpdumpCount(Path file) {
        return Cmd.run(null, 120, List.of("tcpdump", "-r", file.toString(), "-nn", "-q")).lines().stream()
                .filter(l -> !l.isBlank()).count();
    }

    /** The byte offsets where each pcap record starts (the file header is 24 bytes, little-endian). */
    public static List<Long> pcapRecordOffsets(Path pcap) throws IOException {
        byte[] b = Files.readAllBytes(pcap);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        List<Long> out = new ArrayList<>();
        long p = 24;
        while (p + 16 <= b.length) {
            out.add(p);
            p += 16 + bb.getInt((int) p + 8);
        }
        return out;
    }

    /** The byte offsets where each pcapng block starts (little-endian), with its type. */
    public static List<long[]> pcapngBlocks(Path pcapng) throws IOException {
        byte[] b = Files.readAllBytes(pcapng);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        List<long[]> out = new ArrayList<>();
        int p = 0;
        while (p + 8 <= b.length) {
            out.add(new long[] {p, bb.getInt(p)});
            p += bb.getInt(p + 4);
        }
        return out;
    }

    /** The first {@code length} bytes of a file, written to {@code out}. */
    public static Path truncate(Path in, long length, Path out) throws IOException {
        byte[] b = Files.readAllBytes(in);
        Files.write(out, Arrays.copyOf(b, (int) length));
        return out;
    }

    /** A copy of {@code in} with a little-endian 32-bit {@code value} at {@code offset}. */
    public static Path patchInt(Path in, long offset, int value, Path out) throws IOException {
        byte[] b = Files.readAllBytes(in);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt((int) offset, value);
        Files.write(out, b);
        return out;
    }
}
