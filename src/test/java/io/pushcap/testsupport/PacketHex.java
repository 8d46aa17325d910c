package io.pushcap.testsupport;

import io.pushcap.testing.Cmd;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The bytes of every packet of a capture as tcpdump reads them ({@code tcpdump -r F -xx}), one
 * hex string per packet: an independent judge for byte-exact comparisons.
 */
public final class PacketHex {
    private PacketHex() {
    }

    public static List<String> of(Path pcap) {
        List<String> packets = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String line : Cmd.tcpdump(pcap, "-t", "-xx")) {
            if (line.startsWith("\t0x")) {
                cur.append(line.substring(line.indexOf(':') + 1).replace(" ", ""));
            } else if (!cur.isEmpty()) {
                // A text line after hex starts the next packet; tunnels print their inner packet on
                // a second text line before the hex, which belongs to the same packet.
                packets.add(cur.toString());
                cur = new StringBuilder();
            }
        }
        if (!cur.isEmpty()) {
            packets.add(cur.toString());
        }
        return packets;
    }

    /** Fails with the first differing packet (index, both hex strings cut short) instead of the whole lists. */
    public static void assertSamePackets(List<String> expected, List<String> actual) {
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            if (!expected.get(i).equals(actual.get(i))) {
                org.junit.jupiter.api.Assertions.fail("packet " + i + " differs:\n expected " + cut(expected.get(i))
                        + "\n actual   " + cut(actual.get(i)));
            }
        }
        org.junit.jupiter.api.Assertions.assertEquals(expected.size(), actual.size(), "packet count");
    }

    private static String cut(String hex) {
        return hex.length() <= 160 ? hex : hex.substring(0, 160) + "... (" + hex.length() / 2 + " bytes)";
    }

    public static List<String> of(List<byte[]> frames) {
        return frames.stream().map(HexFormat.of()::formatHex).toList();
    }
}
