package io.pushcap.capture;

import io.pushcap.pcap.Packet;
import io.pushcap.ring.RingFile;
import io.pushcap.ring.RingReader;
import io.pushcap.ring.RingWriter;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * On loopback the kernel shows a packet socket each packet twice (outgoing and incoming); rx must
 * record it once. libpcap drops the outgoing copy on lo; this test holds us to that.
 */
class RxLoopbackTest {
    private static final int DATAGRAMS = 100;

    @Test
    void shouldRecordEachLoopbackPacketOnce() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/dev/shm"), "pushcap-lo-");
        try (DatagramSocket sink = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramSocket src = new DatagramSocket();
             RingFile ring = RingFile.create(dir.resolve("lo"), new RingFile.CreateOptions(2 << 20, false));
             RingWriter writer = ring.writer("lo");
             RingReader reader = ring.reader(new RingReader.Options("check", RingReader.Start.OLDEST))) {
            int port = sink.getLocalPort();
            InterfaceReceiver rx = new InterfaceReceiver(
                    new InterfaceReceiver.Options("lo", -1, 0, "udp dst port " + port, 4 << 20, 10), writer);
            Thread t = Thread.ofPlatform().name("rx-lo").start(rx::run);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (ring.linkType() < 0) {
                assertTrue(System.nanoTime() < deadline, "capture on lo did not start");
                Thread.sleep(5);
            }
            for (int seq = 0; seq <= DATAGRAMS; seq++) { // the last one is the sentinel
                byte[] b = ByteBuffer.allocate(4).putInt(seq).array();
                src.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
            }
            int[] seen = new int[DATAGRAMS + 1];
            Packet p = new Packet();
            boolean sentinel = false;
            while (!sentinel) {
                assertTrue(System.nanoTime() < deadline, "the sentinel datagram never reached the ring");
                if (!reader.next(p)) {
                    reader.await(100_000_000L);
                    continue;
                }
                int seq = p.i32(p.caplen() - 4);
                seen[seq]++;
                sentinel = seq == DATAGRAMS;
            }
            rx.stop();
            t.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(t.isAlive(), "rx did not stop");
            for (int seq = 0; seq <= DATAGRAMS; seq++) {
                assertEquals(1, seen[seq], "datagram " + seq + " recorded " + seen[seq] + " times");
            }
            assertEquals(DATAGRAMS + 1, ring.info().packets(), "nothing after the sentinel either");
        } finally {
            try (var s = Files.list(dir)) {
                for (Path f : s.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }
}
