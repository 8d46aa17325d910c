package io.pushcap.flow;

import io.pushcap.pcap.LinkType;
import io.pushcap.pcap.PcapWriter;
import io.pushcap.pcap.TimestampPrecision;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes a synthetic capture for bench/flows.sh: about {@code SIZE} bytes of Ethernet frames from
 * many concurrent flows (TCP with SYN and FIN, UDP, ICMP; 10% IPv6, 5% VLAN-tagged), packet sizes
 * from 64 to 1514 bytes, timestamps at a steady rate. Frames carry no padding, so softflowd and
 * pushcap count the same octets.
 *
 * <pre>java -cp ... io.pushcap.flow.BenchCaptureGenerator OUT.pcap SIZE_MB [CONCURRENT_FLOWS] [SEED]</pre>
 */
public final class BenchCaptureGenerator {
    private static final int ETH = 14;

    private BenchCaptureGenerator() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: BenchCaptureGenerator OUT.pcap SIZE_MB [CONCURRENT_FLOWS] [SEED]");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        long target = Long.parseLong(args[1]) << 20;
        int concurrent = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        long seed = args.length > 3 ? Long.parseLong(args[3]) : 1;
        long[] stats = generate(out, target, concurrent, seed);
        System.err.printf("wrote %s: %d packets, %d flows, %d bytes%n", out, stats[0], stats[1], stats[2]);
    }

    /** Returns {packets, flows, bytes}. */
    static long[] generate(Path out, long targetBytes, int concurrent, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        Flow[] flows = new Flow[concurrent];
        long flowCount = 0;
        for (int i = 0; i < concurrent; i++) {
            flows[i] = new Flow(r, flowCount++);
        }
        byte[] frame = new byte[1514];
        ByteBuffer b = ByteBuffer.wrap(frame);
        MemorySegment seg = MemorySegment.ofArray(frame);
        long ts = 1_700_000_000_000_000_000L;
        long packets = 0;
        try (PcapWriter w = PcapWriter.create(out, LinkType.ETHERNET, 65535, TimestampPrecision.MICRO)) {
            while (w.bytesWritten() < targetBytes) {
                int i = r.nextInt(concurrent);
                Flow f = flows[i];
                int len = f.nextFrame(b, r);
                w.write(ts, len, seg, 0, len);
                ts += 20_000L + r.nextInt(20_000); // ~33 kpps of capture time
                packets++;
                if (f.done()) {
                    flows[i] = new Flow(r, flowCount++);
                }
            }
        }
        return new long[]{packets, flowCount, out.toFile().length()};
    }

    /** One conversation direction pair; emits frames until its packet budget is spent. */
    private static final class Flow {
        final int proto;
        final boolean v6;
        final int vlan;
        final byte[] a = new byte[16];
        final byte[] bAddr = new byte[16];
        final int sport;
        final int dport;
        final int budget;
        final int bigPayload;
        int sent;

        Flow(SplittableRandom r, long id) {
            int kind = r.nextInt(100);
            proto = kind < 75 ? 6 : kind < 97 ? 17 : 1;
            v6 = r.nextInt(10) == 0;
            vlan = r.nextInt(20) == 0 ? 1 + r.nextInt(4000) : 0;
            r.nextBytes(a);
            r.nextBytes(bAddr);
            a[0] = 10;
            bAddr[0] = (byte) 172;
            sport = 1024 + r.nextInt(60_000);
            dport = proto == 17 ? (r.nextBoolean() ? 53 : 1 + r.nextInt(65_000)) : r.nextBoolean() ? 443 : 80;
            budget = proto == 6 ? 4 + r.nextInt(60) : 1 + r.nextInt(8);
            bigPayload = 100 + r.nextInt(1300);
        }

        boolean done() {
            return sent >= budget;
        }

        int nextFrame(ByteBuffer b, SplittableRandom r) {
            boolean up = (sent & 1) == 0;
            int flags;
            int payload;
            if (proto == 6) {
                flags = sent == 0 ? 0x02 : sent == 1 ? 0x12 : sent >= budget - 2 ? 0x11 : 0x10;
                payload = sent < 3 || sent >= budget - 2 ? 0 : up ? r.nextInt(200) : bigPayload;
            } else {
                flags = 0;
                payload = up ? 20 + r.nextInt(100) : bigPayload / 2;
            }
            int l4 = proto == 6 ? 20 : 8;
            int ipHeader = v6 ? 40 : 20;
            int l2 = ETH + (vlan != 0 ? 4 : 0);
            payload = Math.min(payload, 1514 - l2 - ipHeader - l4);
            int ipLen = ipHeader + l4 + payload;
            b.clear();
            b.putInt(0x00112233).putShort((short) 0x4455).putInt(0x00667788).putShort((short) 0x99aa);
            if (vlan != 0) {
                b.putShort((short) 0x8100).putShort((short) vlan);
            }
            b.putShort((short) (v6 ? 0x86dd : 0x0800));
            byte[] src = up ? a : bAddr;
            byte[] dst = up ? bAddr : a;
            int p = proto == 1 && v6 ? 58 : proto;
            if (v6) {
                b.putInt(0x60000000).putShort((short) (ipLen - 40)).put((byte) p).put((byte) 64).put(src, 0, 16).put(dst, 0, 16);
            } else {
                b.put((byte) 0x45).put((byte) 0).putShort((short) ipLen).putShort((short) sent).putShort((short) 0)
                        .put((byte) 64).put((byte) p).putShort((short) 0).put(src, 0, 4).put(dst, 0, 4);
            }
            if (proto == 6) {
                b.putShort((short) (up ? sport : dport)).putShort((short) (up ? dport : sport)).putInt(sent).putInt(0)
                        .put((byte) 0x50).put((byte) flags).putShort((short) 65535).putInt(0);
            } else if (proto == 17) {
                b.putShort((short) (up ? sport : dport)).putShort((short) (up ? dport : sport))
                        .putShort((short) (8 + payload)).putShort((short) 0);
            } else {
                b.put((byte) (v6 ? (up ? 128 : 129) : (up ? 8 : 0))).put((byte) 0).putShort((short) 0).putInt(sent);
            }
            sent++;
            return l2 + ipLen; // payload bytes are whatever the buffer held: content does not matter here
        }
    }
}
