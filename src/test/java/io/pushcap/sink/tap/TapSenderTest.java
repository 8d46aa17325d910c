package io.pushcap.sink.tap;

import io.pushcap.capture.TestFrames;
import io.pushcap.internal.net.TunnelSpec;
import io.pushcap.metrics.MetricsRegistry;
import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.Packet;
import io.pushcap.testing.Cmd;
import io.pushcap.testsupport.PacketHex;
import io.pushcap.testsupport.Tcpdump;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link TapSender} in process, over loopback: a packet taken back with {@link TapSender#cancelLast()}
 * (what tx does when the ring overwrote a record while it was copied) is never sent and does not
 * use up a GRE sequence number. tcpdump on lo (filtered on this test's random GRE key) and tshark
 * judge.
 */
class TapSenderTest {
    @TempDir
    Path dir;

    @Test
    void shouldNeitherSendNorNumberAPacketWhenItIsTakenBack() throws Exception {
        long key = ThreadLocalRandom.current().nextLong(1, 0xFFFF_FFFFL);
        List<byte[]> frames = List.of(TestFrames.frame(1, -1), TestFrames.frame(2, -1), TestFrames.frame(3, -1),
                TestFrames.frame(4, -1));
        TapOptions o = new TapOptions("cancel-" + key, TunnelSpec.parse("-E", "gretap:127.0.0.1", false), key, null, 0,
                -1, false, 0, false, 64, false);
        String filter = "ip proto 47 and ip[24:4] = " + key;   // the GRE key follows 20 bytes of IP and 4 of GRE
        try (Tcpdump t = Tcpdump.start(List.of(), "lo", dir.resolve("lo.pcap"), 3, filter);
             TapSender s = TapSender.open(o, MetricsRegistry.global(), false)) {
            Packet p = new Packet();
            for (int i = 0; i < frames.size(); i++) {
                byte[] f = frames.get(i);
                s.send(p.set(MemorySegment.ofArray(f), 0, f.length, f.length, 1L, LinkType.ETHERNET, 0));
                if (i == 1) {
                    s.cancelLast();
                }
            }
            s.flush();
            assertEquals(3, s.sent());
            Path cap = t.await(Duration.ofSeconds(60));
            List<String> seqs = Cmd.run("tshark", "-r", cap.toString(), "-T", "fields", "-e", "gre.sequence_number")
                    .ok().lines();
            assertEquals(List.of("0", "1", "2"), seqs);
            Path inner = dir.resolve("inner.pcap");
            Cmd.run("editcap", "-C", Integer.toString(14 + 20 + 12), cap.toString(), inner.toString()).ok();
            PacketHex.assertSamePackets(PacketHex.of(List.of(frames.get(0), frames.get(2), frames.get(3))),
                    PacketHex.of(inner));
        }
    }
}
