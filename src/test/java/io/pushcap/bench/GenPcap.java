package io.pushcap.bench;

import io.pushcap.testsupport.TestPcap;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a synthetic mixed-size pcap for benchmarks: {@code GenPcap OUT MEGABYTES [MAX_GAP_NS]}.
 * With the default gap (up to 800 us between packets) 1 GB spans about 10 minutes of packet
 * time, i.e. about ten 60 s splits.
 */
public final class GenPcap {
    private GenPcap() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        long bytes = Long.parseLong(args[1]) << 20;
        int gap = args.length > 2 ? Integer.parseInt(args[2]) : 800_000;
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(out), 1 << 20)) {
            TestPcap.write(o, bytes, 0, 42, gap);
        }
        System.out.println(out + " " + Files.size(out) + " bytes");
    }
}
