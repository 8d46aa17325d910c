package io.pushcap.it;

import io.pushcap.testsupport.Exec;
import io.pushcap.testsupport.PushcapCli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The matrix's input captures: deterministic generated traffic ({@code pushcap gen}, with its
 * decapsulated twin so that filters after {@code Decap} can be judged by tcpdump), and small
 * captures of other link types built from generated plain traffic the way their capturing
 * systems frame packets: raw IP (LINKTYPE 101), Linux cooked v1 (113) and v2 (276, cut to a 96-byte
 * snaplen), 802.11 with radiotap (127), BSD loopback (0, microsecond timestamps), and an Ethernet
 * pcapng written by editcap. tcpdump's public test captures are not available offline.
 *
 * <p><b>Note:</b> builds files under the directory it is given; nothing is committed.
 */
final class MatrixInputs {
    /**
     * @param twin            the decapsulated twin of {@code file} (same timestamps), or null when
     *                        the capture has no tunnels to strip
     * @param timeSplitNanos  the {@code --split-time} of the cells reading this input
     * @param byteSplitText   the N of {@code --split-byte N} / {@code --split-size N}
     */
    record Input(String name, Path file, Path twin, int linkType, long timeSplitNanos, String timeSplitText,
                 String byteSplitText) {
    }

    private MatrixInputs() {
    }

    /** {@code pushcap gen --size 5m --mix mixed} at 100 packets/s: 93 s of traffic, 20 s splits. */
    static Input generated(Path dir) throws IOException, InterruptedException {
        Path file = dir.resolve("generated.pcap");
        Path twin = dir.resolve("generated-twin.pcap");
        PushcapCli.run(dir, Duration.ofSeconds(120), java.util.Map.of(), "gen", "-w", file.toString(), "--size", "5m",
                "--mix", "mixed", "--pps", "100", "--twin", twin.toString()).ok();
        return new Input("generated", file, twin, 1, 20_000_000_000L, "20e9", "1e6");
    }

    /** The link-type captures, all from one plain generated capture of 300 packets over 15 s. */
    static List<Input> linkTypes(Path dir) throws IOException, InterruptedException {
        Path plain = dir.resolve("plain.pcap");
        PushcapCli.run(dir, Duration.ofSeconds(120), java.util.Map.of(), "gen", "-w", plain.toString(), "--mix", "plain",
                "--packets", "300", "--pps", "20", "--seed", "7").ok();
        List<PcapRecords.Rec> eth = PcapRecords.read(plain).records();
        List<Input> inputs = new ArrayList<>();
        inputs.add(build(dir, "rawip", 101, 262144, true, eth, MatrixInputs::rawIp));
        inputs.add(build(dir, "sll", 113, 262144, true, eth, MatrixInputs::sll));
        inputs.add(build(dir, "sll2", 276, 96, true, eth, MatrixInputs::sll2));
        inputs.add(build(dir, "radiotap", 127, 262144, true, eth, MatrixInputs::radiotap));
        inputs.add(build(dir, "null", 0, 262144, false, eth, MatrixInputs::bsdNull));
        Path ng = dir.resolve("ethernet.pcapng");
        Exec.ok(Duration.ofSeconds(60), "editcap", "-F", "pcapng", plain.toString(), ng.toString());
        inputs.add(new Input("pcapng", ng, null, 1, 5_000_000_000L, "5e9", "30000"));
        return inputs;
    }

    private interface Framer {
        /** The frame's new link-layer header for an Ethernet frame, or null when it cannot be carried. */
        byte[] header(byte[] ethernet);
    }

    private static Input build(Path dir, String name, int linkType, int snaplen, boolean nano,
                               List<PcapRecords.Rec> eth, Framer framer) throws IOException {
        List<PcapRecords.Rec> out = new ArrayList<>();
        for (PcapRecords.Rec r : eth) {
            byte[] h = framer.header(r.data());
            if (h == null) {
                continue;
            }
            byte[] payload = Arrays.copyOfRange(r.data(), 14, r.data().length);
            byte[] frame = new byte[h.length + payload.length];
            System.arraycopy(h, 0, frame, 0, h.length);
            System.arraycopy(payload, 0, frame, h.length, payload.length);
            int wire = r.origLen() - 14 + h.length;
            long ts = nano ? r.tsNanos() : r.tsNanos() / 1000 * 1000;
            out.add(new PcapRecords.Rec(ts, wire, Arrays.copyOf(frame, Math.min(frame.length, snaplen))));
        }
        Path file = dir.resolve(name + ".pcap");
        PcapRecords.write(file, linkType, snaplen, nano, out);
        return new Input(name, file, null, linkType, 5_000_000_000L, "5e9", "30000");
    }

    private static int etherType(byte[] f) {
        return ((f[12] & 0xFF) << 8) | (f[13] & 0xFF);
    }

    private static byte[] rawIp(byte[] f) {
        int t = etherType(f);
        return t == 0x0800 || t == 0x86DD ? new byte[0] : null;
    }

    /** Linux cooked v1: packet type, ARPHRD_ETHER, address length 6, the source MAC, protocol. */
    private static byte[] sll(byte[] f) {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN);
        b.putShort((short) ((f[0] & 1) != 0 ? 2 : 0)).putShort((short) 1).putShort((short) 6)
                .put(f, 6, 6).putShort((short) 0).putShort((short) etherType(f));
        return b.array();
    }

    /** Linux cooked v2: protocol, reserved, interface index, ARPHRD_ETHER, packet type, address. */
    private static byte[] sll2(byte[] f) {
        ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.BIG_ENDIAN);
        b.putShort((short) etherType(f)).putShort((short) 0).putInt(3).putShort((short) 1)
                .put((byte) ((f[0] & 1) != 0 ? 2 : 0)).put((byte) 6).put(f, 6, 6).putShort((short) 0);
        return b.array();
    }

    /** Radiotap (no fields) + an 802.11 data frame from the AP (FromDS) + LLC/SNAP. */
    private static byte[] radiotap(byte[] f) {
        ByteBuffer b = ByteBuffer.allocate(8 + 24 + 8);
        b.order(ByteOrder.LITTLE_ENDIAN).put((byte) 0).put((byte) 0).putShort((short) 8).putInt(0);
        b.order(ByteOrder.BIG_ENDIAN);
        b.put((byte) 0x08).put((byte) 0x02).putShort((short) 0);
        b.put(f, 0, 6);                        // addr1: destination
        b.put(new byte[] {0x02, 0, 0, 0, 0, 0x01}); // addr2: BSSID
        b.put(f, 6, 6);                        // addr3: source
        b.putShort((short) 0);
        b.put(new byte[] {(byte) 0xAA, (byte) 0xAA, 0x03, 0, 0, 0}).putShort((short) etherType(f));
        return b.array();
    }

    /** BSD loopback: the address family in the writer's byte order (AF_INET 2, AF_INET6 24). */
    private static byte[] bsdNull(byte[] f) {
        int t = etherType(f);
        if (t != 0x0800 && t != 0x86DD) {
            return null;
        }
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(t == 0x0800 ? 2 : 24).array();
    }
}
