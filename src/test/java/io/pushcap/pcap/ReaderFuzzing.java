package io.pushcap.pcap;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The invariants the reader fuzz targets check, for one format ({@link PcapReaderFuzzTest},
 * {@link PcapngReaderFuzzTest}). The same bytes are read mapped (one segment) and streamed
 * through a channel that gives 7 bytes at a time (the growing buffer of stdin and pipes):
 * <ul>
 *   <li>the only failure is {@link CorruptCaptureException} with a message, at open or at a
 *       record; nothing else escapes (no IndexOutOfBounds, no IllegalArgument, no OOM);</li>
 *   <li>each packet is a view inside the reader's buffer, with {@code 0 <= caplen <= input
 *       length}, and its bytes are found in the input (nothing read from outside it);</li>
 *   <li>the reader ends: at most one packet per 8 bytes of input (a pcap record header is 16
 *       bytes, a pcapng block at least 12);</li>
 *   <li>both ways give the same packets, byte for byte, with the same timestamps, lengths and
 *       link types, and end the same way (end of input, or a refusal after the same packets).</li>
 * </ul>
 *
 * <p><b>Note:</b> stateless; each call allocates its own readers.
 */
final class ReaderFuzzing {
    private ReaderFuzzing() {
    }

    interface Factory {
        CaptureReader open(InputWindow window) throws IOException;
    }

    /** What one way of reading gave. */
    record Outcome(List<String> packets, String refusal) {
    }

    static void check(byte[] input, Factory factory) throws IOException {
        Outcome mapped = read(input, factory, InputWindow.wrap("fuzz", MemorySegment.ofArray(input.clone())));
        Outcome streamed = read(input, factory, InputWindow.stream("fuzz",
                Channels.newChannel(new PcapReaderTest.Trickle(new ByteArrayInputStream(input), 7))));
        if (!mapped.packets().equals(streamed.packets())) {
            throw new AssertionError("mapped and streamed reads differ: " + mapped.packets().size() + " vs "
                    + streamed.packets().size() + " packets");
        }
        if ((mapped.refusal() == null) != (streamed.refusal() == null)) {
            throw new AssertionError("mapped read " + (mapped.refusal() == null ? "ended" : "refused: " + mapped.refusal())
                    + ", streamed read " + (streamed.refusal() == null ? "ended" : "refused: " + streamed.refusal()));
        }
    }

    private static Outcome read(byte[] input, Factory factory, InputWindow window) throws IOException {
        List<String> packets = new ArrayList<>();
        CaptureReader r;
        try {
            r = factory.open(window);
        } catch (CorruptCaptureException e) {
            window.close();
            return new Outcome(packets, message(e));
        }
        try (r) {
            Packet p = new Packet();
            while (r.next(p)) {
                if (p.caplen() < 0 || p.caplen() > input.length || p.offset() < 0
                        || p.offset() + p.caplen() > p.segment().byteSize()) {
                    throw new AssertionError("packet view out of bounds: " + p + " of " + input.length + " input bytes");
                }
                byte[] data = p.toByteArray();
                if (data.length > 0 && indexOf(input, data) < 0) {
                    throw new AssertionError("packet bytes not found in the input: " + p);
                }
                packets.add(p.timestampNanos() + "/" + p.caplen() + "/" + p.wirelen() + "/" + p.linkType() + "/"
                        + p.interfaceId() + "/" + Arrays.hashCode(data));
                if (packets.size() > input.length / 8 + 1) {
                    throw new AssertionError("reader does not terminate: " + packets.size() + " packets from "
                            + input.length + " bytes");
                }
            }
            if (r.bytesRead() < 0 || r.bytesRead() > input.length) {
                throw new AssertionError("bytesRead " + r.bytesRead() + " of " + input.length);
            }
            return new Outcome(packets, null);
        } catch (CorruptCaptureException e) {
            return new Outcome(packets, message(e));
        }
    }

    private static String message(CorruptCaptureException e) {
        if (e.getMessage() == null || e.getMessage().isBlank()) {
            throw new AssertionError("refusal without a message", e);
        }
        return e.getMessage();
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
