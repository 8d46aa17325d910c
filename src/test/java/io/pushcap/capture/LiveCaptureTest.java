package io.pushcap.capture;

import io.pushcap.PushcapException;
import io.pushcap.internal.ffm.LibPcap;
import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.Packet;
import io.pushcap.pipeline.filter.BpfFilter;
import io.pushcap.testing.Frames;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/** libpcap live capture through FFM, on the loopback device (needs root or CAP_NET_RAW; CI is root). */
class LiveCaptureTest {

    @Test
    void shouldReportLibpcapVersionWhenLibraryIsInstalled() {
        assertThat(LibPcap.libVersion()).startsWith("libpcap version 1.");
    }

    @Test
    void shouldCaptureUdpOnLoopbackOnceWithNanosecondTimestamps() throws Exception {
        try (LiveCapture cap = LiveCapture.open(new LiveCapture.Options("lo", 65535, false, 2 << 20, true, 20, false));
             BpfFilter f = BpfFilter.compile("udp dst port 47111", cap.linkType(), 65535);
             DatagramSocket s = new DatagramSocket()) {
            cap.setFilter(f);
            assertThat(cap.linkType()).isEqualTo(LinkType.ETHERNET);
            long before = System.currentTimeMillis() * 1_000_000L;
            for (int i = 0; i < 5; i++) {
                byte[] msg = ("hello-" + i).getBytes();
                s.send(new DatagramPacket(msg, msg.length, InetAddress.getLoopbackAddress(), 47111));
            }
            Packet p = new Packet();
            int got = 0;
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (got < 5 && System.nanoTime() < deadline) {
                if (cap.next(p)) {
                    assertThat(p.caplen()).isEqualTo(14 + 20 + 8 + 7);
                    assertThat(new String(p.toByteArray(), 42, 7)).isEqualTo("hello-" + got);
                    assertThat(p.timestampNanos()).isGreaterThanOrEqualTo(before - 1_000_000_000L);
                    got++;
                }
            }
            assertThat(got).isEqualTo(5);
            // lo delivers outgoing and incoming copies to AF_PACKET; libpcap keeps one.
            long extra = 0;
            long quiet = System.nanoTime() + 200_000_000L;
            while (System.nanoTime() < quiet) {
                if (cap.next(p)) {
                    extra++;
                }
            }
            assertThat(extra).isZero();
            assertThat(cap.stats().dropped()).isZero();
        }
    }

    @Test
    void shouldReadWhatIsReadyWithoutWaitingAndWaitForTheNextPacketWhenNothingIs() throws Exception {
        try (LiveCapture cap = LiveCapture.open(new LiveCapture.Options("lo", 65535, false, 2 << 20, false, 20, false));
             BpfFilter f = BpfFilter.compile("udp dst port 47113", cap.linkType(), 65535);
             DatagramSocket s = new DatagramSocket()) {
            cap.setFilter(f);
            Packet p = new Packet();
            // An idle capture: nothing ready, and a wait that ends without a packet (the block
            // timeout passes, then a longer quiet wait) leaves it so.
            assertThat(cap.nextReady(p)).isFalse();
            cap.awaitPackets();
            cap.awaitPackets();
            assertThat(cap.nextReady(p)).isFalse();
            // Packets sent while idle are handed over after a wait, in order, and then nothing is ready.
            for (int i = 0; i < 3; i++) {
                byte[] msg = ("ready-" + i).getBytes();
                s.send(new DatagramPacket(msg, msg.length, InetAddress.getLoopbackAddress(), 47113));
            }
            int got = 0;
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (got < 3 && System.nanoTime() < deadline) {
                while (got < 3 && cap.nextReady(p)) {
                    assertThat(new String(p.toByteArray(), 42, 7)).isEqualTo("ready-" + got);
                    got++;
                }
                if (got < 3) {
                    cap.awaitPackets();
                }
            }
            assertThat(got).isEqualTo(3);
            assertThat(cap.nextReady(p)).isFalse();
            // After breakLoop a blocking read gives up instead of waiting for a packet.
            cap.breakLoop();
            assertThat(cap.next(p)).isFalse();
        }
    }

    @Test
    void shouldInjectFrameThatAnotherCaptureSeesByteForByte() {
        byte[] frame = Frames.udp(0x7f000001, 0x7f000001, 5555, 47112, 33, 9);
        try (LiveCapture rx = LiveCapture.open(new LiveCapture.Options("lo", 65535, false, 2 << 20, true, 20, false));
             LiveCapture tx = LiveCapture.open(new LiveCapture.Options("lo", 65535, false, 2 << 20, true, 20, false));
             BpfFilter f = BpfFilter.compile("udp dst port 47112", LinkType.ETHERNET, 65535)) {
            rx.setFilter(f);
            assertThat(tx.inject(MemorySegment.ofArray(frame), 0, frame.length)).isEqualTo(frame.length);
            Packet p = new Packet();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < deadline) {
                if (rx.next(p)) {
                    assertThat(p.toByteArray()).isEqualTo(frame);
                    return;
                }
            }
            fail("injected frame was not captured within 5 s");
        }
    }

    @Test
    void shouldNameDeviceAndLibpcapReasonWhenDeviceDoesNotExist() {
        assertThatThrownBy(() -> LiveCapture.open(LiveCapture.Options.defaults("nosuchif0")))
                .isInstanceOf(PushcapException.class)
                .hasMessageStartingWith("pcap_activate(nosuchif0): ")
                .hasMessageContaining("nosuchif0");
    }
}
