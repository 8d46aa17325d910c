package io.pushcap.pipeline.decap;

import io.pushcap.pcap.CaptureFiles;
import io.pushcap.pcap.CaptureReader;
import io.pushcap.pcap.Packet;
import io.pushcap.pipeline.filter.BpfFilter;
import io.pushcap.synth.Mix;
import io.pushcap.synth.ToolRunner;
import io.pushcap.synth.TrafficGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Decapsulation judged by tcpdump: for many filters, the packets our Decapsulator + BpfFilter
 * select in a generated capture are exactly those tcpdump selects in its decapsulated twin
 * (matched by their unique timestamps); and with Decap off, BpfFilter on the capture selects
 * exactly what tcpdump selects on it. A byte-level check shows every decapsulated frame equals
 * the twin's.
 */
class DecapDifferentialTest {
    private static final int PACKETS = 20_000;

    @TempDir
    static Path dir;

    private static final List<Capture> CAPTURES = new ArrayList<>();
    private static final Map<String, int[]> NONTRIVIAL = new HashMap<>();

    private record Capture(String name, Path original, Path twin, Map<Long, Integer> indexByMicros) {
    }

    static List<String> filters() {
        return List.of("tcp", "udp", "icmp", "ip6", "arp", "port 80", "net 10.0.0.0/8", "host 10.200.0.1",
                "tcp[tcpflags] & tcp-syn != 0", "vlan", "udp port 53", "ip6 and tcp", "greater 1000", "less 100",
                "multicast", "not tcp", "icmp6", "tcp and port 443", "ip", "tcp[tcpflags] & (tcp-fin|tcp-rst) != 0",
                "src net 192.168.0.0/16", "dst port 8080", "portrange 28000-30303", "ip multicast", "ether broadcast",
                "udp and greater 1200", "mpls", "proto gre", "udp port 4789", "net 2001:db8:100::/48", "ip[8] < 64",
                "ip6 and udp and not port 53", "ether[0] & 1 != 0", "tcp[13] = 0x12", "vlan 100",
                "len >= 60 and len <= 64", "tcp port 80 and (((ip[2:2] - ((ip[0]&0xf)<<2)) - ((tcp[12]&0xf0)>>2)) != 0)");
    }

    @BeforeAll
    static void generate() throws IOException {
        ToolRunner.require("tcpdump", "tcpdump");
        for (Mix mix : new Mix[]{Mix.TUNNELS, Mix.MIXED}) {
            Path original = dir.resolve(mix.label() + ".pcap");
            Path twin = dir.resolve(mix.label() + "-twin.pcap");
            TrafficGenerator.builder().mix(mix).seed(2024 + mix.ordinal()).packets(PACKETS).flows(3000)
                    .write(original, twin);
            Map<Long, Integer> index = new HashMap<>();
            Packet p = new Packet();
            try (CaptureReader r = CaptureFiles.open(original)) {
                for (int i = 0; r.next(p); i++) {
                    assertNull(index.put(p.timestampNanos() / 1000, i), "timestamps must be unique to the us");
                }
            }
            CAPTURES.add(new Capture(mix.label(), original, twin, index));
        }
    }

    @AfterAll
    static void enoughNonTrivialFilters() {
        long nonTrivial = NONTRIVIAL.values().stream().filter(c -> c[0] > 0 && c[1] > 0).count();
        assertTrue(nonTrivial >= 25, "filters selecting some but not all decapsulated packets: " + nonTrivial);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("filters")
    void shouldSelectWhatTcpdumpSelectsOnTheTwinWhenDecapsulating(String filter) throws Exception {
        for (Capture c : CAPTURES) {
            BitSet ours = select(c.original(), filter, true);
            BitSet theirs = tcpdump(c.twin(), filter, c);
            compare(c.name() + " decap", filter, ours, theirs, c);
            int[] counts = NONTRIVIAL.computeIfAbsent(filter, f -> new int[2]);
            counts[0] += ours.cardinality() > 0 ? 1 : 0;
            counts[1] += ours.cardinality() < PACKETS ? 1 : 0;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("filters")
    void shouldSelectWhatTcpdumpSelectsWhenNotDecapsulating(String filter) throws Exception {
        for (Capture c : CAPTURES) {
            compare(c.name() + " plain", filter, select(c.original(), filter, false), tcpdump(c.original(), filter, c), c);
        }
    }

    @Test
    void shouldProduceTheTwinFrameForEveryPacket() throws Exception {
        for (Capture c : CAPTURES) {
            DecapCounters counters = DecapCounters.unregistered();
            Decapsulator d = new Decapsulator(DecapOptions.DEFAULT, counters);
            Packet p = new Packet();
            Packet t = new Packet();
            int n = 0;
            try (CaptureReader orig = CaptureFiles.open(c.original()); CaptureReader twin = CaptureFiles.open(c.twin())) {
                while (orig.next(p)) {
                    assertTrue(twin.next(t));
                    DecapResult r = d.decapsulate(p);
                    assertEquals(StopReason.NONE, r.stopReason(), c.name() + " packet " + n);
                    assertEquals(HexFormat.of().formatHex(t.toByteArray()), HexFormat.of().formatHex(r.packet().toByteArray()),
                            c.name() + " packet " + n + " (" + r + ")");
                    assertEquals(t.wirelen(), r.packet().wirelen(), c.name() + " packet " + n);
                    n++;
                }
                assertFalse(twin.next(t));
            }
            assertEquals(PACKETS, n);
            assertTrue(counters.decapsulated() > PACKETS / 3, c.name() + ": " + counters.decapsulated());
        }
    }

    @Test
    void shouldRemoveAsManyLayersAsTheGeneratorAddedWhenJumbo() throws Exception {
        Decapsulator d = new Decapsulator(DecapOptions.DEFAULT, DecapCounters.unregistered());
        long[] layered = {0};
        TrafficGenerator.builder().mix(Mix.JUMBO).seed(77).packets(PACKETS).flows(3000).build().generate(sp -> {
            DecapResult r = d.decapsulate(sp.captured());
            assertEquals(sp.layers(), r.layers(), "packet " + sp.index());
            assertArrayEquals(sp.twin().toByteArray(), r.packet().toByteArray(), "packet " + sp.index());
            layered[0] += r.layers() > 0 ? 1 : 0;
        });
        assertTrue(layered[0] > PACKETS / 4, "encapsulated packets: " + layered[0]);
    }

    private static BitSet select(Path capture, String filter, boolean decap) throws IOException {
        BitSet out = new BitSet();
        Decapsulator d = new Decapsulator(DecapOptions.DEFAULT, DecapCounters.unregistered());
        Packet p = new Packet();
        try (CaptureReader r = CaptureFiles.open(capture);
             BpfFilter bpf = BpfFilter.compile(filter, r.linkType(), r.snaplen())) {
            for (int i = 0; r.next(p); i++) {
                if (bpf.matches(decap ? d.decapsulate(p).packet() : p)) {
                    out.set(i);
                }
            }
        }
        return out;
    }

    private static BitSet tcpdump(Path capture, String filter, Capture c) throws Exception {
        ToolRunner.Result res = ToolRunner.run("tcpdump", "--time-stamp-precision=nano", "-r", capture.toString(),
                "-w", "-", filter);
        assertEquals(0, res.exit(), "tcpdump '" + filter + "': " + res.stderr());
        BitSet out = new BitSet();
        Packet p = new Packet();
        try (CaptureReader r = CaptureFiles.open("tcpdump", res.stdout())) {
            while (r.next(p)) {
                Integer i = c.indexByMicros().get(p.timestampNanos() / 1000);
                assertNotNull(i, "tcpdump returned a packet with an unknown timestamp " + p.timestampNanos());
                out.set(i);
            }
        }
        return out;
    }

    private static void compare(String what, String filter, BitSet ours, BitSet theirs, Capture c) {
        if (ours.equals(theirs)) {
            return;
        }
        BitSet onlyOurs = (BitSet) ours.clone();
        onlyOurs.andNot(theirs);
        BitSet onlyTheirs = (BitSet) theirs.clone();
        onlyTheirs.andNot(ours);
        fail(what + " '" + filter + "': we select " + ours.cardinality() + ", tcpdump " + theirs.cardinality()
                + "; only ours (first): " + onlyOurs.stream().limit(5).boxed().toList()
                + "; only tcpdump's (first): " + onlyTheirs.stream().limit(5).boxed().toList());
    }
}
