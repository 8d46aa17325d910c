package io.pushcap.ring;

import io.pushcap.pcap.Packet;

import java.nio.file.Path;

/**
 * A ring reader in its own JVM, started by {@link RingCrossProcessTest}: reads until it has
 * accounted for the expected number of packets (delivered + lost), checking each payload, then
 * prints one summary line and exits.
 */
public final class RingReaderProcess {
    public static void main(String[] args) throws Exception {
        Path path = Path.of(args[0]);
        String name = args[1];
        long expected = Long.parseLong(args[2]);
        long bad = 0;
        long outOfOrder = 0;
        long last = -1;
        try (RingFile ring = RingFile.open(path); RingReader r = ring.reader(RingReader.Options.latest(name))) {
            System.out.println("ready");
            System.out.flush();
            Packet p = new Packet();
            while (r.packetsRead() + r.lostPackets() < expected) {
                if (!r.next(p)) {
                    r.await(1_000_000_000L);
                    continue;
                }
                long seq = RingTestSupport.check(p.segment(), p.offset(), p.caplen());
                if (seq < 0) {
                    bad++;
                } else if (seq <= last) {
                    outOfOrder++;
                }
                last = seq;
            }
            System.out.println("delivered=" + r.packetsRead() + " lost=" + r.lostPackets() + " bad=" + bad
                    + " outOfOrder=" + outOfOrder + " last=" + last);
        }
    }
}
