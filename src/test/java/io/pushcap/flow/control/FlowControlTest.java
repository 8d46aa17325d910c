package io.pushcap.flow.control;

import io.pushcap.PushcapException;
import io.pushcap.cli.Main;
import io.pushcap.config.FlowMeterConfig;
import io.pushcap.flow.FlowEndReason;
import io.pushcap.flow.FlowEntry;
import io.pushcap.flow.FlowFilter;
import io.pushcap.flow.FlowMeter;
import io.pushcap.flow.FlowMeterLoop;
import io.pushcap.flow.FlowSink;
import io.pushcap.flow.FlowTable;
import io.pushcap.metrics.MetricsRegistry;
import io.pushcap.pcap.Packet;
import io.pushcap.pipeline.PacketSource;
import io.pushcap.pipeline.SourcePosition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.pushcap.flow.Frames.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlowControlTest {
    @TempDir
    Path dir;

    private final ConcurrentLinkedQueue<byte[]> frames = new ConcurrentLinkedQueue<>();
    private final List<String> exported = new CopyOnWriteArrayList<>();
    private volatile boolean sinkClosed;
    private FlowMeterLoop loop;
    private Thread thread;
    private FlowControlServer server;
    private Path sock;
    private final long now = System.currentTimeMillis() * 1_000_000L;

    /** A live source fed by the test. */
    private final class QueueSource implements PacketSource {
        @Override
        public boolean next(Packet p) {
            byte[] f = frames.poll();
            if (f == null) {
                return false;
            }
            p.set(MemorySegment.ofArray(f), 0, f.length, f.length, now, 1, 3);
            return true;
        }

        @Override
        public boolean await(long timeoutNanos) throws InterruptedException {
            Thread.sleep(1);
            return !frames.isEmpty();
        }

        @Override
        public boolean ended() {
            return false;
        }

        @Override
        public SourcePosition position() {
            return SourcePosition.START;
        }

        @Override
        public void seek(SourcePosition position) {
        }

        @Override
        public long lostPackets() {
            return 0;
        }

        @Override
        public int linkType() {
            return 1;
        }

        @Override
        public int snaplen() {
            return 65535;
        }

        @Override
        public String describe() {
            return "test queue";
        }

        @Override
        public void close() {
        }
    }

    @BeforeEach
    void start() throws Exception {
        FlowSink sink = new FlowSink() {
            @Override
            public void flowExpired(FlowTable t, int f, int reason) {
                exported.add(t.srcPort(f) + ">" + t.dstPort(f) + " reason " + reason);
            }

            @Override
            public void close() {
                sinkClosed = true;
            }
        };
        FlowMeter meter = new FlowMeter(FlowMeterConfig.defaults(FlowMeterConfig.Clock.WALL), sink, new MetricsRegistry(), "");
        loop = new FlowMeterLoop(new QueueSource(), meter, sink, () -> now);
        thread = Thread.ofPlatform().start(loop);
        sock = dir.resolve("run/flows.sock");
        server = FlowControlServer.start(sock, loop);
        frames.add(eth(0x0800, ipv4("172.17.0.7", "172.67.134.3", TCP, tcp(49375, 80, SYN, bytes(10)))));
        frames.add(eth(0x0800, ipv4("172.17.0.7", "172.67.134.3", TCP, tcp(49375, 80, ACK, bytes(20)))));
        frames.add(eth(0x0800, ipv4("172.17.0.7", "104.21.25.104", TCP, tcp(37869, 80, SYN, bytes(0)))));
        frames.add(eth(0x86dd, ipv6("2001:db8::1", "2001:db8::2", UDP, udp(5353, 53, bytes(4)))));
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (loop.submit(FlowMeter::activeFlows).get(5, TimeUnit.SECONDS) < 3) {
            assertTrue(System.nanoTime() < deadline, "the loop did not meter the test packets");
            Thread.sleep(1);
        }
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        loop.stop();
        thread.join(5000);
    }

    private String cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int rc = cl.execute(args);
        return rc + "\n" + out + err;
    }

    @Test
    void shouldListCacheWhenDumped() {
        List<FlowEntry> flows = new FlowControlClient(sock).dump();
        assertEquals(3, flows.size());
        FlowEntry a = flows.get(0);
        assertEquals(3, a.ifIndex());
        assertEquals("172.17.0.7", a.src().toString());
        assertEquals(49375, a.srcPort());
        assertEquals(2, a.packets());
        assertEquals(50 + 60, a.octets());
        assertEquals("2001:db8::1", flows.get(2).src().toString());
    }

    @Test
    void shouldPrintSeedColumnsWhenCliDumpsNormalWideAndJson() {
        assertEquals("""
                0
                IFINDEX PROTO SRC DST PKTS BYTES
                3 6 172.17.0.7:49375 172.67.134.3:80 2 110
                3 6 172.17.0.7:37869 104.21.25.104:80 1 40
                3 17 [2001:db8::1]:5353 [2001:db8::2]:53 1 52
                """, cli("flows", "dump", "--control", sock.toString()));
        String wide = cli("flows", "dump", "-o", "wide", "--control", sock.toString());
        assertTrue(wide.contains("IFINDEX PROTO SRC DST PKTS BYTES START END FINISHED\n"), wide);
        String t = java.time.Instant.ofEpochSecond(0, now).toString();
        assertTrue(wide.contains("3 6 172.17.0.7:37869 104.21.25.104:80 1 40 " + t + " " + t + " no\n"), wide);
        String json = cli("flows", "dump", "-o", "json", "--control", sock.toString());
        assertTrue(json.startsWith("0\n[\n  {\"ifindex\": 3, \"vlan\": 0, \"inner_vlan\": 0, \"ip_version\": 4, \"proto\": 6, "
                + "\"src\": \"172.17.0.7\", \"sport\": 49375, \"dst\": \"172.67.134.3\", \"dport\": 80,"), json);
        assertTrue(json.endsWith("\"finished\": false}\n]\n"), json);
    }

    @Test
    void shouldExportMatchingFlowWhenFlushedByKey() throws Exception {
        assertEquals("0\nflushed 1 flows\n", cli("flows", "flush", "-i", "3", "-p", "6", "-s", "172.17.0.7", "-S", "37869",
                "-d", "104.21.25.104", "-D", "80", "--control", sock.toString()));
        assertEquals(List.of("37869>80 reason " + FlowEndReason.FORCED_END), exported);
        assertEquals(2, new FlowControlClient(sock).dump().size());
        assertEquals(2, new FlowControlClient(sock).flush(FlowFilter.ALL));
        assertEquals(0, new FlowControlClient(sock).dump().size());
        assertEquals(3, exported.size());
    }

    @Test
    void shouldFailWithReasonWhenFlushHasNoSelectionOrNoMeter() {
        assertEquals("2\npushcap flush: say which flows: --all, or any of -i IFINDEX -p PROTO -s SRC -S SPORT -d DST -D DPORT\n",
                cli("flows", "flush", "--control", sock.toString()));
        assertEquals("2\npushcap flush: -s: 'example.com' (expected an IPv4 or IPv6 address)\n",
                cli("flows", "flush", "-s", "example.com", "--control", sock.toString()));
        Path none = dir.resolve("none.sock");
        assertEquals("2\npushcap dump: control socket " + none
                        + ": not found (is 'pushcap flows meter' running? --control names its socket)\n",
                cli("flows", "dump", "--control", none.toString()));
    }

    @Test
    void shouldRefuseSecondServerWhenSocketIsLive() {
        PushcapException e = assertThrows(PushcapException.class, () -> FlowControlServer.start(sock, loop));
        assertTrue(e.getMessage().contains("another flow meter is serving it"), e.getMessage());
    }

    @Test
    void shouldReplaceStaleSocketWhenNoMeterAnswers() throws Exception {
        Path stale = dir.resolve("stale.sock");
        Files.writeString(stale, "");
        try (FlowControlServer s = FlowControlServer.start(stale, loop)) {
            assertEquals(3, new FlowControlClient(stale).dump().size());
        }
        assertTrue(!Files.exists(stale), "close removes the socket file");
    }

    @Test
    void shouldAnswerErrorWhenRequestIsUnknown() {
        assertEquals("unknown control command 'explode' (expected dump, status or flush)",
                assertThrows(PushcapException.class, () -> FlowControlProtocol.parseRequest("pushcap-flows 1 explode")).getMessage());
        assertEquals("control protocol version 2 (this meter speaks 1)",
                assertThrows(PushcapException.class, () -> FlowControlProtocol.parseRequest("pushcap-flows 2 dump")).getMessage());
    }

    @Test
    void shouldFlushEverythingAndCloseSinkWhenStopped() throws Exception {
        loop.stop();
        loop.done().get(5, TimeUnit.SECONDS);
        assertEquals(3, exported.size());
        assertTrue(exported.stream().allMatch(s -> s.endsWith("reason " + FlowEndReason.FORCED_END)));
        assertTrue(sinkClosed);
    }
}
